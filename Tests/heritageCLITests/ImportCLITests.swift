import Foundation
import HeritageStore
import HeritageTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ImportCLITests {
    let folder: URL
    var archive: String { folder.appending(path: "archive").path }

    init() throws {
        folder = try temporaryFolder()
    }

    func heritage(_ arguments: String...) throws -> HeritageBinary.Result {
        try HeritageBinary.run(arguments + ["--archive", archive])
    }

    /// A valid binary PLY point cloud of `count` points.
    func writePointCloud(_ name: String, count: Int) throws -> URL {
        var data = Data(
            "ply\nformat binary_little_endian 1.0\nelement vertex \(count)\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
                .utf8)
        var values = [Float](repeating: 0, count: count * 3)
        for index in 0..<count {
            values[index * 3] = Float(index % 1000) * 0.01
            values[index * 3 + 1] = Float(index / 1000) * 0.01
            values[index * 3 + 2] = Float(index % 7) * 0.001
        }
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        let url = folder.appending(path: name)
        try data.write(to: url)
        return url
    }

    /// Files every peer reads: a PLY with nan and inf coordinates, an OBJ whose faces name
    /// texture coordinates and normals that do not exist, and an empty OBJ. Each is inspected
    /// (text and JSON) and imported with a warning, never an unnamed encoding error.
    @Test func lenientReadersWarnAndJSONAlwaysEncodes() throws {
        #expect(try HeritageBinary.run(["demo", "--into", archive, "--register-only"]).status == 0)
        let ply = folder.appending(path: "holes.ply")
        try Data(
            ("ply\nformat ascii 1.0\nelement vertex 5\nproperty float x\nproperty float y\nproperty float z\n"
                + "end_header\n0 0 0\nnan 1 2\n1 inf 0\n2 2 2\n-inf 0 0\n").utf8
        ).write(to: ply)
        let obj = folder.appending(path: "dangling.obj")
        try Data("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1/1/1 2/2/2 3/3/3\n".utf8).write(to: obj)
        let empty = folder.appending(path: "empty.obj")
        try Data().write(to: empty)

        let text = try HeritageBinary.run(["inspect", ply.path])
        #expect(text.status == 0 && text.stdout.contains("3 of 5 vertices have a NaN or infinite coordinate"))
        let json = try HeritageBinary.run(["inspect", ply.path, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(summary["nonFiniteCount"] as? Int == 3)
        let bounds = try #require(summary["bounds"] as? [String: [Double]])
        #expect(bounds["min"] == [0, 0, 0] && bounds["max"] == [2, 2, 2])

        let imported = try heritage("import", "--site", "SY-PAL-BEL", ply.path, obj.path, empty.path, "--json")
        #expect(imported.status == 0, "\(imported.stderr)")
        let outcomes = try #require(
            try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [[String: Any]])
        let warnings = outcomes.map { ($0["warnings"] as? [String] ?? []).joined(separator: " | ") }
        #expect(outcomes.map { $0["outcome"] as? String } == ["stored", "stored", "stored"], "\(outcomes)")
        #expect(warnings[0].contains("3 of 5 vertices have a NaN or infinite coordinate"))
        #expect(warnings[1].contains("line 4: texture coordinate index 1 in '1/1/1' does not exist"))
        #expect(warnings[1].contains("6 such references were dropped, the faces kept"))
        #expect(warnings[2] == "no geometry: the file defines no vertex")
        let shown = try heritage("asset", "show", outcomes[0]["assetID"] as? String ?? "", "--json")
        #expect(shown.status == 0, "\(shown.stderr)")
    }

    @Test func importInspectAndExportRoundTrip() throws {
        #expect(try HeritageBinary.run(["demo", "--into", archive, "--register-only"]).status == 0)
        let cloud = try writePointCloud("cloud.ply", count: 2000)
        let inspect = try HeritageBinary.run(["inspect", cloud.path, "--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        #expect(summary["format"] as? String == "ply" && summary["vertexCount"] as? Int == 2000)
        #expect(
            Set(summary.keys).isSuperset(of: [
                "format", "vertexCount", "faceCount", "bounds", "properties", "width", "height", "exif", "gps",
                "warnings",
            ]))
        let imported = try heritage(
            "import", "--site", "SY-PAL-BEL", "--method", "terrestrial-laser-scan", cloud.path, "--json")
        #expect(imported.status == 0, "\(imported.stderr)")
        let outcome = try #require(
            try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [[String: Any]])
        let assetID = try #require(outcome.first?["assetID"] as? String)
        #expect(outcome.first?["outcome"] as? String == "stored")
        let again = try heritage("import", "--site", "SY-PAL-BEL", cloud.path)
        #expect(again.stdout.contains("already in the archive as asset \(assetID.prefix(8)) v1; nothing new stored"))
        // The file was copied in as it was read; the copy is the blob, and the second import's
        // copy of the same bytes was removed.
        #expect(outcome.first?["sha256"] as? String == (try FileHashing.sha256(of: cloud)))
        #expect(try temporaryFiles().isEmpty)
        let export = try heritage(
            "asset", "export", String(assetID.prefix(8)), "--out", folder.appending(path: "out").path)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(try Data(contentsOf: folder.appending(path: "out/cloud.ply")) == Data(contentsOf: cloud))
        let verify = try heritage("verify")
        #expect(
            verify.status == 0 && verify.stdout.contains("1 asset version match their audit trail, 1 blob re-hashed"))
    }

    @Test func aFileThatCannotBeReadImportsNothing() throws {
        #expect(try HeritageBinary.run(["demo", "--into", archive, "--register-only"]).status == 0)
        let good = try writePointCloud("good.ply", count: 10)
        let bad = folder.appending(path: "bad.ply")
        try Data("ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nend_header\n1\n".utf8).write(to: bad)
        let result = try heritage("import", "--site", "SY-PAL-BEL", good.path, bad.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.ply, line 7: the body ends after 1 of the 2 records of element 'vertex'"))
        #expect(try heritage("asset", "list", "--site", "SY-PAL-BEL").stdout.contains("0 assets"))
        #expect(try heritage("verify").stdout.contains("0 blobs re-hashed"))
        // good.ply had been copied in whole by the time bad.ply failed: the copy is gone.
        #expect(try temporaryFiles().isEmpty)
    }

    /// Files in the archive's temporary folder (copies being written, or left by a kill).
    func temporaryFiles() throws -> [String] {
        let tmp = folder.appending(path: "archive/objects/tmp").path
        guard FileManager.default.fileExists(atPath: tmp) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: tmp)
    }

    @Test func anImportKilledAtAnyMomentLeavesTheArchiveConsistent() throws {
        #expect(try HeritageBinary.run(["demo", "--into", archive, "--register-only"]).status == 0)
        let large = try writePointCloud("large.ply", count: 4_000_000)  // 48 MB
        for delay in [0.05, 0.2, 0.5, 1.0, 2.0] {
            let running = try HeritageBinary.start(["import", "--site", "SY-PAL-BEL", large.path, "--archive", archive])
            Thread.sleep(forTimeInterval: delay)
            running.kill()
            _ = running.finish()
            let verify = try heritage("verify")
            #expect(verify.status == 0, "after a kill at \(delay) s: \(verify.stderr)")
        }
        let finished = try heritage("import", "--site", "SY-PAL-BEL", large.path)
        #expect(finished.status == 0, "\(finished.stderr)")
        // The copies the killed imports were writing are removed by the next import.
        let leftover = try temporaryFiles()
        #expect(leftover.isEmpty, "\(leftover)")
        let verify = try heritage("verify")
        #expect(verify.status == 0 && verify.stdout.contains("1 blob re-hashed"), "\(verify.stdout)\(verify.stderr)")
    }
}
