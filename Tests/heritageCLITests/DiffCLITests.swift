import Foundation
import HeritageTestSupport
import Testing

@Suite struct DiffCLITests {
    let folder: URL
    var archive: String { folder.appending(path: "archive").path }

    init() throws {
        folder = try temporaryFolder()
    }

    /// A 0.8 m square of wall sampled every centimetre with 0.5 mm of noise; `pit` removes
    /// 30 mm over x, y in 0.3…0.5 (0.0012 m³).
    func writeWall(_ name: String, pit: Bool, seed: UInt32) throws -> URL {
        try Self.writeWall(name, pit: pit, seed: seed, in: folder)
    }

    static func writeWall(_ name: String, pit: Bool, seed: UInt32, in folder: URL) throws -> URL {
        try writeWallScan(name, pit: pit, seed: seed, in: folder)
    }

    static let parameters = [
        "--normal-radius", "0.06", "--cylinder-radius", "0.03", "--cylinder-half-length", "0.1", "--registration-error",
        "0.001", "--core-spacing",
        "0.01",
    ]

    @Test func filesGiveRegionsSummaryAndOutputs() throws {
        let before = try writeWall("before.ply", pit: false, seed: 1)
        let after = try writeWall("after.ply", pit: true, seed: 2)
        let out = folder.appending(path: "changes")
        let run = try HeritageBinary.run(
            ["diff", before.path, after.path, "--json", "--out", out.path] + Self.parameters)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        for key in [
            "method", "parameters", "coreCount", "significantCount", "noDataCount", "distance", "regions", "inputs",
        ] {
            #expect(summary[key] != nil, "missing \(key)")
        }
        #expect(summary["method"] as? String == "m3c2")
        let regions = try #require(summary["regions"] as? [[String: Any]])
        #expect(regions.count == 1)
        let pit = try #require(regions.first)
        #expect(pit["kind"] as? String == "loss")
        let volume = try #require(pit["volume"] as? Double)
        #expect(abs(volume - 0.0012) < 0.00012, "volume \(volume)")
        let inputs = try #require(summary["inputs"] as? [[String: Any]])
        #expect((inputs.first?["sha256"] as? String)?.count == 64)
        for name in ["changes.ply", "summary.json", "heatmap-front.png", "heatmap-side.png", "heatmap-top.png"] {
            #expect(FileManager.default.fileExists(atPath: out.appending(path: name).path), "\(name)")
        }
        let header = String(
            decoding: try Data(contentsOf: out.appending(path: "changes.ply")).prefix(600), as: UTF8.self)
        for field in ["scalar_distance", "scalar_level_of_detection", "scalar_significant", "scalar_region"] {
            #expect(header.contains("property float \(field)"))
        }
        // A result is never overwritten.
        let again = try HeritageBinary.run(["diff", before.path, after.path, "--out", out.path] + Self.parameters)
        #expect(again.status != 0 && again.stderr.contains("never overwrites"))
    }

    /// `--subsample` thins both clouds for a quick look, says so in the summary and on the
    /// terminal, and still finds the pit with its volume.
    @Test func aSubsampledDiffSaysSoAndStillFindsThePit() throws {
        let before = try writeWall("before.ply", pit: false, seed: 1)
        let after = try writeWall("after.ply", pit: true, seed: 2)
        let run = try HeritageBinary.run(
            ["diff", before.path, after.path, "--json", "--subsample", "0.015"] + Self.parameters)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let inputs = try #require(summary["inputs"] as? [[String: Any]])
        for input in inputs.prefix(2) {
            let total = try #require(input["pointCount"] as? Int)
            let kept = try #require(input["subsampledPointCount"] as? Int)
            #expect(input["subsampleSpacing"] as? Double == 0.015)
            #expect(kept < total / 2 && kept > total / 4, "\(kept) of \(total)")
        }
        let regions = try #require(summary["regions"] as? [[String: Any]])
        let pit = try #require(regions.first { $0["kind"] as? String == "loss" })
        let volume = try #require(pit["volume"] as? Double)
        #expect(abs(volume - 0.0012) < 0.00024, "volume \(volume)")
        let text = try HeritageBinary.run(["diff", before.path, after.path, "--subsample", "0.015"] + Self.parameters)
        for role in ["before", "after"] {
            #expect(text.stdout.contains("subsampled   \(role): "), "\(text.stdout)")
        }
        #expect(text.stdout.contains(" points, one per 0.015 "), "\(text.stdout)")
        let zero = try HeritageBinary.run(["diff", before.path, after.path, "--subsample", "0"])
        #expect(zero.status != 0 && zero.stderr.contains("--subsample must be a positive distance"), "\(zero.stderr)")
    }

    @Test func badParametersAndInputsFailClearly() throws {
        let before = try writeWall("before.ply", pit: false, seed: 1)
        let negative = try HeritageBinary.run(["diff", before.path, before.path, "--cylinder-radius", "-1"])
        #expect(negative.status != 0 && negative.stderr.contains("cylinder radius"), "\(negative.stderr)")
        let missing = try HeritageBinary.run(["diff", before.path, folder.appending(path: "nope.ply").path])
        #expect(missing.status != 0 && missing.stderr.contains("nope.ply"), "\(missing.stderr)")
        let mesh = try HeritageBinary.run(["diff", before.path, before.path, "--method", "c2m"])
        #expect(mesh.status != 0 && mesh.stderr.contains("mesh"), "\(mesh.stderr)")
    }

    @Test func archiveDiffRecordsAFindingThatDraftsAnAssessment() throws {
        #expect(try HeritageBinary.run(["demo", "--into", archive, "--register-only"]).status == 0)
        let before = try writeWall("wall.ply", pit: false, seed: 1)
        let first = try HeritageBinary.run(
            ["import", "--archive", archive, "--site", "SY-PAL-BEL", before.path, "--title", "north wall", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [[String: Any]])
        let asset = String(try #require(outcome.first?["assetID"] as? String).prefix(8))
        let after = try writeWall("wall-after.ply", pit: true, seed: 2)
        let second = try HeritageBinary.run(
            ["import", "--archive", archive, "--site", "SY-PAL-BEL", "--asset", asset, after.path])
        #expect(second.status == 0, "\(second.stderr)")

        let diff = try HeritageBinary.run(
            ["diff", "--archive", archive, "--site", "SY-PAL-BEL", "\(asset)@1", "\(asset)@2", "--json"]
                + Self.parameters)
        #expect(diff.status == 0, "\(diff.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
        let finding = try #require(summary["finding"] as? [String: Any])
        let findingID = try #require(finding["id"] as? String)
        #expect((finding["resultVersionIDs"] as? [String])?.count == 5)
        #expect((finding["lossVolume"] as? Double).map { abs($0 - 0.0012) < 0.00012 } == true)

        let assessment = try HeritageBinary.run([
            "condition", "add", "--archive", archive, "--from-finding", String(findingID.prefix(8)), "--assessor",
            "Test Assessor", "--condition", "poor", "--certainty", "high", "--json",
        ])
        #expect(assessment.status == 0, "\(assessment.stderr)")
        let stored = try #require(
            try JSONSerialization.jsonObject(with: Data(assessment.stdout.utf8)) as? [String: Any])
        #expect(stored["activity"] as? String == "scan-comparison")
        #expect((stored["effects"] as? [String]) == ["loss-removal-of-material"])
        #expect((stored["notes"] as? String)?.contains(findingID) == true)

        let verify = try HeritageBinary.run(["verify", "--archive", archive])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let audit = try HeritageBinary.run(["audit", "--archive", archive, "--json"])
        #expect(audit.stdout.contains("finding.record"))

        // The same version twice (A and A@2 name the latest) is refused before any work: no
        // finding, no blob, nothing for `verify` to call an orphan.
        let objects = URL(filePath: archive).appending(path: "objects")
        let blobsBefore = relativeFiles(under: objects)
        let same = try HeritageBinary.run(
            ["diff", "--archive", archive, "--site", "SY-PAL-BEL", asset, "\(asset)@2"] + Self.parameters)
        #expect(same.status != 0)
        #expect(same.stderr.contains("same version"), "\(same.stderr)")
        #expect(!same.stderr.contains("CHECK"), "\(same.stderr)")
        #expect(relativeFiles(under: objects) == blobsBefore)
        let other = try HeritageBinary.run(
            ["diff", "--archive", archive, "--site", "SY-QAR-MEL", "\(asset)@1", "\(asset)@2"] + Self.parameters)
        #expect(other.status != 0 && other.stderr.contains("another site"), "\(other.stderr)")
        let clean = try HeritageBinary.run(["verify", "--archive", archive])
        #expect(clean.status == 0 && !clean.stdout.contains("orphan"), "\(clean.stdout)")
    }
}

@Suite struct DiffDegenerateInputTests {
    /// Tiny, flat and far-away inputs end with a result or a clear error, never a crash.
    @Test func tinyInputsNeverCrash() throws {
        let folder = try temporaryFolder()
        func write(_ name: String, _ text: String) throws -> String {
            let url = folder.appending(path: name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let three = try write("three.xyz", "0 0 0\n1 0 0\n0 1 0\n")
        let four = try write("four.xyz", "0 0 0.1\n1 0 0.1\n0 1 0.1\n0.5 0.5 0.1\n")
        let far = try write(
            "far.xyz", "500000 4000000 100\n500001 4000000 100\n500000 4000001 100\n500001 4000001 101\n")
        let same = try write("same.xyz", "1 1 1\n1 1 1\n1 1 1\n")
        for method in ["m3c2", "c2c"] {
            for (before, after) in [(three, four), (four, three), (far, four), (three, far)] {
                let out = folder.appending(path: "out-\(method)-\(UUID().uuidString)").path
                let run = try HeritageBinary.run(["diff", before, after, "--method", method, "--out", out])
                #expect(run.status == 0, "\(method) \(before) \(after): \(run.stderr)")
            }
        }
        let coincident = try HeritageBinary.run(["diff", same, four])
        #expect(coincident.status != 0 && coincident.stderr.contains("coincide"), "\(coincident.stderr)")
    }
}
