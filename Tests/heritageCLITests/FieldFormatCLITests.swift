import Foundation
import HeritageTestSupport
import Testing

/// The field's formats through the CLI: a PTX station and a PTS export are inspected, imported
/// and compared as any scan is; a LAZ file (../shared/data) is imported with its LAS summary;
/// E57 files are compared, and imported with their images.
@Suite struct FieldFormatCLITests {
    /// A 20 × 20 grid of a 2 m wall, as a PTX station placed 5 m along x, the second epoch with
    /// a 10 cm dent in the middle; and the same wall as PTS.
    func wall(dent: Bool, ptx: Bool) -> String {
        var lines: [String] = []
        if ptx {
            lines += ["20", "20", "5 0 0", "1 0 0", "0 1 0", "0 0 1", "1 0 0 0", "0 1 0 0", "0 0 1 0", "5 0 0 1"]
        } else {
            lines.append("400")
        }
        for i in 0..<20 {
            for j in 0..<20 {
                let (x, y) = (Double(i) * 0.1 + 0.05, Double(j) * 0.1 + 0.05)
                let z = dent && abs(x - 1) < 0.35 && abs(y - 1) < 0.35 ? -0.1 : 0.0
                // PTS holds the points already in the common frame: the station's 5 m along x.
                lines.append(String(format: "%.3f %.3f %.3f 0.5 120 110 100", ptx ? x : x + 5, y, z))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func ptxAndPtsAreInspectedImportedAndCompared() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = folder.appending(path: "archive").path
        var files: [String] = []
        for (name, dent, ptx) in [("2024.ptx", false, true), ("2026.ptx", true, true), ("2026.pts", true, false)] {
            let url = folder.appending(path: name)
            try Data(wall(dent: dent, ptx: ptx).utf8).write(to: url)
            files.append(url.path)
        }
        let inspected = try HeritageBinary.run(["inspect", "--json", files[0]])
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [String: Any], "\(inspected.stderr)"
        )
        #expect(summary["format"] as? String == "ptx" && summary["vertexCount"] as? Int == 400)
        #expect(((summary["scans"] as? [[String: Any]])?.first?["transform"] as? [[Double]])?[3] == [5, 0, 0, 1])

        #expect(try HeritageBinary.run(["init", "--archive", archive]).status == 0)
        #expect(
            try HeritageBinary.run([
                "site", "add", "--archive", archive, "--code", "WALL-1", "--name", "Wall", "--kind", "monument",
                "--latitude", "40", "--longitude", "44",
            ]).status == 0)
        let imported = try HeritageBinary.run(["import", "--archive", archive, "--site", "WALL-1", "--json"] + files)
        let assets = try #require(
            try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [[String: Any]], "\(imported.stderr)"
        )
        #expect(assets.count == 3)
        let ids = assets.compactMap { $0["assetID"] as? String }.map { $0 + "@1" }
        // The stored blobs have no extension: the recorded format says how to read them.
        for after in [ids[1], ids[2]] {
            let compared = try HeritageBinary.run([
                "diff", "--archive", archive, "--site", "WALL-1", "--method", "c2c", ids[0], after, "--json",
            ])
            let result = try #require(
                try JSONSerialization.jsonObject(with: Data(compared.stdout.utf8)) as? [String: Any],
                "\(compared.stderr)")
            let distance = try #require(result["distance"] as? [String: Any])
            #expect((distance["p95"] as? Double).map { abs($0 - 0.1) < 0.02 } == true, "\(distance)")
        }
    }

    @Test(
        .enabled(if: FileManager.default.fileExists(atPath: lazSample), "../shared/data is absent: LAZ import skipped"))
    func aLAZFileIsImportedWithItsLASSummary() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = folder.appending(path: "archive").path
        #expect(try HeritageBinary.run(["init", "--archive", archive]).status == 0)
        #expect(
            try HeritageBinary.run([
                "site", "add", "--archive", archive, "--code", "AIR-1", "--name", "Airborne", "--kind", "other",
                "--latitude", "44", "--longitude", "-123",
            ]).status == 0)
        let imported = try HeritageBinary.run([
            "import", "--archive", archive, "--site", "AIR-1", "--json", Self.lazSample,
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        let listed = try HeritageBinary.run(["asset", "list", "--archive", archive, "--site", "AIR-1", "--json"])
        #expect(
            listed.stdout.contains("LAZ: compressed by LASzip") && listed.stdout.contains("EPSG:26910"),
            "\(listed.stdout)")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: e57Folder), "../shared/data is absent: E57 skipped"))
    func e57FilesAreComparedAndImportedWithTheirImages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The same cube written in doubles and in singles: no change between them.
        let compared = try HeritageBinary.run([
            "diff", "--method", "c2c", "\(Self.e57Folder)/ColouredCubeDouble.e57",
            "\(Self.e57Folder)/ColouredCubeFloat.e57",
            "--out", folder.appending(path: "diff").path, "--json",
        ])
        let result = try #require(
            try JSONSerialization.jsonObject(with: Data(compared.stdout.utf8)) as? [String: Any], "\(compared.stderr)")
        let distance = try #require(result["distance"] as? [String: Any])
        #expect(distance["measured"] as? Int == 7680, "\(distance)")
        #expect((distance["p95"] as? Double).map { abs($0) < 1e-6 } == true, "\(distance)")

        let archive = folder.appending(path: "archive").path
        #expect(try HeritageBinary.run(["init", "--archive", archive]).status == 0)
        #expect(
            try HeritageBinary.run([
                "site", "add", "--archive", archive, "--code", "CUBE-1", "--name", "Cube", "--kind", "monument",
                "--latitude", "40", "--longitude", "44",
            ]).status == 0)
        let imported = try HeritageBinary.run([
            "import", "--archive", archive, "--site", "CUBE-1", "--json", "\(Self.e57Folder)/ColouredCubeFloat.e57",
            "\(Self.e57Folder)/PinholeImageWithDistortionParameters.e57",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        let listed = try HeritageBinary.run(["asset", "list", "--archive", archive, "--site", "CUBE-1", "--json"])
        for name in [
            "e57-image-1.jpg", "e57-image-2.jpg", "e57-image-3.jpg", "\"format\" : \"e57\"", "distortion.CV_K1",
        ] {
            #expect(listed.stdout.contains(name), "\(name) in \(listed.stdout)")
        }
        // A damaged file is refused whole, naming the page; nothing is stored.
        let refused = try HeritageBinary.run([
            "import", "--archive", archive, "--site", "CUBE-1", "\(Self.e57Folder)/ColouredCubeDouble.e57",
            "\(Self.e57Folder)/bad-crc.e57",
        ])
        #expect(refused.status != 0 && refused.stderr.contains("bad-crc.e57, byte 0: page 0 fails its checksum"))
        let after = try HeritageBinary.run(["asset", "list", "--archive", archive, "--site", "CUBE-1", "--json"])
        #expect(after.stdout == listed.stdout)
    }

    /// A COPC file (copc_fixtures.py, copc-lib): `inspect` shows its octree, and `diff
    /// --copc-level` compares a level of detail, saying so with each input.
    @Test func copcIsInspectedAndComparedByLevel() throws {
        let script = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "ScanImportTests/COPCTests.swift").path
        guard let folder = try pythonFixture(script: "copc_fixtures.py", modules: ["copclib", "laspy"], beside: script)
        else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "octree.copc.laz").path
        let inspected = try HeritageBinary.run(["inspect", "--json", file])
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [String: Any], "\(inspected.stderr)"
        )
        let copc = try #require(summary["copc"] as? [String: Any], "\(summary)")
        #expect(copc["depth"] as? Int == 4 && copc["nodeCount"] as? Int == 20 && copc["pageCount"] as? Int == 3)
        #expect(copc["pointsPerLevel"] as? [Int] == [500, 2100, 1200, 240], "\(copc)")
        #expect(summary["vertexCount"] as? Int == 4040)

        let compared = try HeritageBinary.run([
            "diff", "--method", "c2c", "--copc-level", "1", file, file, "--out", folder.appending(path: "diff").path,
            "--json",
        ])
        let result = try #require(
            try JSONSerialization.jsonObject(with: Data(compared.stdout.utf8)) as? [String: Any], "\(compared.stderr)")
        let inputs = try #require(result["inputs"] as? [[String: Any]], "\(result)")
        for input in inputs {
            #expect(input["copcMaximumLevel"] as? Int == 1 && input["copcDepth"] as? Int == 4, "\(input)")
            #expect(input["pointCount"] as? Int == 2600, "\(input)")
        }
        let refused = try HeritageBinary.run(["diff", "--copc-level=-1", file, file])
        #expect(refused.status != 0 && refused.stderr.contains("--copc-level must be 0 or more"), "\(refused.stderr)")
    }

    /// `asset export --format laz` writes a stored LAS scan as LAZ that reads back as the same
    /// points, and refuses what is not a LAS scan.
    @Test func aLASScanIsExportedAsLAZ() throws {
        let script = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "ScanImportTests/LAZWriterTests.swift").path
        guard
            let generated = try pythonFixture(
                script: "laz_writer_fixtures.py", modules: ["laspy", "lazrs", "laszip"], beside: script)
        else { return }
        defer { try? FileManager.default.removeItem(at: generated) }
        let archive = generated.appending(path: "archive").path
        #expect(try HeritageBinary.run(["init", "--archive", archive]).status == 0)
        #expect(
            try HeritageBinary.run([
                "site", "add", "--archive", archive, "--code", "LAS-1", "--name", "Scan", "--kind", "monument",
                "--latitude", "40", "--longitude", "44",
            ]).status == 0)
        let las = generated.appending(path: "format3.las").path
        let imported = try HeritageBinary.run(["import", "--archive", archive, "--site", "LAS-1", "--json", las])
        let outcome = try #require(
            try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [[String: Any]],
            "\(imported.stderr)")
        let asset = try #require(outcome.first?["assetID"] as? String)
        let out = generated.appending(path: "out")
        let exported = try HeritageBinary.run([
            "asset", "export", "--archive", archive, String(asset.prefix(8)), "--format", "laz", "--out", out.path,
        ])
        #expect(exported.status == 0, "\(exported.stderr)")
        let laz = out.appending(path: "format3.laz").path
        var summaries: [[String: Any]] = []
        for file in [las, laz] {
            let inspected = try HeritageBinary.run(["inspect", "--json", file])
            summaries.append(
                try #require(
                    try JSONSerialization.jsonObject(with: Data(inspected.stdout.utf8)) as? [String: Any],
                    "\(inspected.stderr)"))
        }
        #expect(summaries[1]["vertexCount"] as? Int == 120_000)
        #expect(summaries[0]["bounds"] as? NSDictionary == summaries[1]["bounds"] as? NSDictionary)
        let size = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        #expect(size(laz) < size(las) / 2, "\(size(laz)) bytes of LAZ for \(size(las)) of LAS")
        // Again into the same folder: nothing is overwritten; no partial file is left.
        let again = try HeritageBinary.run([
            "asset", "export", "--archive", archive, String(asset.prefix(8)), "--format", "laz", "--out", out.path,
        ])
        #expect(again.status != 0 && again.stderr.contains("already exists"), "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["format3.laz"])
        let wrong = try HeritageBinary.run([
            "asset", "export", "--archive", archive, String(asset.prefix(8)), "--format", "zip", "--out", out.path,
        ])
        #expect(wrong.status != 0 && wrong.stderr.contains("--format takes laz"), "\(wrong.stderr)")
    }

    static let e57Folder = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appending(path: "shared/data/pointclouds/e57").path

    static let lazSample = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appending(
            path: "shared/data/pointclouds/laz/point-color-time.las.laz"
        ).path
}
