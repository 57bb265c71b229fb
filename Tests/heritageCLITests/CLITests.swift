import Foundation
import HeritageStore
import HeritageTestSupport
import Testing

@testable import heritage

@Suite struct CLITests {
    let folder: URL
    var archive: String { folder.appending(path: "archive").path }

    init() throws {
        folder = try temporaryFolder()
    }

    func heritage(_ arguments: String...) throws -> HeritageBinary.Result {
        try HeritageBinary.run(arguments)
    }

    @Test func theDemoRunsEndToEnd() throws {
        let result = try heritage("demo", "--into", archive)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("8 sites and 18 condition assessments"))
        #expect(result.stdout.contains("SY-QAR-MEL  Monastery of Mar Elian  monastery  ~34.25000  ~37.25000"))
        #expect(result.stdout.contains("AZ-SHU-GHZ  Ղազանչեցոց Սուրբ Ամենափրկիչ եկեղեցի"))
        #expect(result.stdout.contains("on 1993-11-09      Destroyed  91-100%  Explosion/Heavy Weaponry"))
        #expect(result.stdout.contains("Verified: database intact, audit chain of"))
        #expect(result.stderr.isEmpty, "\(result.stderr)")

        // The evidence half: both fictional sites compared, reported, packaged and verified.
        for code in ["XX-DEMO-MAU", "XX-DEMO-KHA"] {
            #expect(result.stdout.contains("\(code): "))
            let report = URL(filePath: archive).appending(path: "reports/\(code)/report.html")
            #expect(FileManager.default.fileExists(atPath: report.path))
            let bag = URL(filePath: archive).appending(path: "packages/\(code)").path
            let check = try heritage(
                "verify", "--bag", bag, "--key",
                URL(filePath: archive).appending(path: "keys/demo-signing-key.pub").path)
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            let zipped = try heritage("verify", "--bag", bag + ".zip")
            #expect(zipped.status == 0, "\(zipped.stdout)\(zipped.stderr)")
        }
        // The mausoleum's crater (0.45 m³) and debris heap (0.57 m³) are found within 15 %.
        let summary = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(filePath: archive).appending(path: "comparisons/XX-DEMO-MAU/summary.json")))
        let regions = try #require((summary as? [String: Any])?["regions"] as? [[String: Any]])
        func volume(near x: Double, _ z: Double, kind: String) -> Double? {
            regions.first { region in
                let centroid = region["centroid"] as? [Double] ?? []
                return region["kind"] as? String == kind && centroid.count == 3 && abs(centroid[0] - x) < 0.3
                    && abs(centroid[2] - z) < 0.3
            }?["volume"] as? Double
        }
        #expect(volume(near: 4.0, 2.0, kind: "loss").map { abs($0 - 0.445) < 0.067 } == true)
        #expect(volume(near: 5.6, 0.0, kind: "gain").map { abs($0 - 0.570) < 0.085 } == true)
        // The photographs: the first of each survey compared, the finding in the report.
        let photoSummary = try #require(
            try JSONSerialization.jsonObject(
                with: Data(
                    contentsOf: URL(filePath: archive).appending(path: "comparisons/XX-DEMO-MAU-photo/summary.json")))
                as? [String: Any])
        #expect(photoSummary["method"] as? String == "photo")
        let share = try #require((photoSummary["photo"] as? [String: Any])?["changedShare"] as? Double)
        #expect(share > 0.02 && share < 0.06, "changed share \(share)")
        #expect((photoSummary["regions"] as? [Any])?.count == 2)
        let html = try String(
            contentsOf: URL(filePath: archive).appending(path: "reports/XX-DEMO-MAU/report.html"), encoding: .utf8)
        #expect(html.contains("PHOTO: finding") && html.contains("change-overlay.png"))
        #expect(html.contains("Photograph comparisons"), "the methodology explains the photo comparison")
        try photographsCompareFromFiles(URL(filePath: archive).appending(path: "sample-surveys"))
        // The restricted cross-stone's exact position is in neither its report nor its package.
        for folder in ["reports/XX-DEMO-KHA/report.json", "packages/XX-DEMO-KHA/data/registry/registry.json"] {
            let text = try String(contentsOf: URL(filePath: archive).appending(path: folder), encoding: .utf8)
            #expect(!text.contains("39.2876543") && !text.contains("45.6789012"), "\(folder)")
        }
    }

    /// `heritage diff` on two photo files: the mask, the overlay and the JSON; orthophotos by
    /// their world files; clear errors for what cannot be compared.
    func photographsCompareFromFiles(_ samples: URL) throws {
        let before = samples.appending(path: "mausoleum-2019-06-12-photo-1.jpg").path
        let after = samples.appending(path: "mausoleum-2026-04-03-photo-1.jpg").path
        let out = URL(filePath: archive).appending(path: "photo-diff").path
        let run = try heritage("diff", before, after, "--out", out, "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["units"] as? String == "px")
        let photo = try #require(json["photo"] as? [String: Any])
        #expect(photo["width"] as? Int == 960 && (photo["changedPixels"] as? Int ?? 0) > 10_000)
        for name in ["summary.json", "change-mask.png", "change-overlay.png"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(name)"), "\(name)")
        }
        let again = try heritage("diff", before, after, "--out", out)
        #expect(again.status != 0 && again.stderr.contains("never overwrites"), "\(again.stderr)")

        // As orthophotos 5 cm to the pixel, the after image placed 10 pixels east: the change
        // moves with it, and areas are in square metres.
        let ortho = URL(filePath: archive).appending(path: "ortho")
        try FileManager.default.createDirectory(at: ortho, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: before, toPath: ortho.appending(path: "2019.jpg").path)
        try FileManager.default.copyItem(atPath: after, toPath: ortho.appending(path: "2026.jpg").path)
        try "0.05\n0\n0\n-0.05\n500000\n4000000\n".write(
            to: ortho.appending(path: "2019.jgw"), atomically: true, encoding: .utf8)
        try "0.05\n0\n0\n-0.05\n500000.5\n4000000\n".write(
            to: ortho.appending(path: "2026.jgw"), atomically: true, encoding: .utf8)
        let placed = try heritage(
            "diff", ortho.appending(path: "2019.jpg").path, ortho.appending(path: "2026.jpg").path, "--units", "m",
            "--json")
        #expect(placed.status == 0, "\(placed.stderr)")
        let placedJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(placed.stdout.utf8)) as? [String: Any])
        #expect((placedJSON["parameters"] as? [String: Any])?["alignment"] as? String == "world files")
        #expect(placedJSON["noDataCount"] as? Int == 10 * 640)
        let largest = try #require((placedJSON["regions"] as? [[String: Any]])?.first)
        let pixels = try #require(largest["pointCount"] as? Int)
        #expect(abs((largest["area"] as? Double ?? 0) - Double(pixels) * 0.0025) < 1e-6)

        // In the archive, the world files travel with the photos and place them for `diff --site`.
        // (A byte after the JPEG's end makes new files: the demo already holds these bytes.)
        for name in ["2019.jpg", "2026.jpg"] {
            let handle = try FileHandle(forWritingTo: ortho.appending(path: name))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data([0]))
            try handle.close()
        }
        let imported = try heritage(
            "import", "--archive", archive, "--site", "XX-DEMO-MAU", ortho.appending(path: "2019.jpg").path,
            ortho.appending(path: "2026.jpg").path, "--json")
        #expect(imported.status == 0, "\(imported.stderr)")
        let assets = try #require(
            try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [[String: Any]])
        let ids = assets.compactMap { ($0["assetID"] as? String).map { String($0.prefix(8)) + "@1" } }
        #expect(ids.count == 2)
        let stored = try heritage(
            "diff", "--archive", archive, "--site", "XX-DEMO-MAU", ids[0], ids[1], "--units", "m", "--json")
        #expect(stored.status == 0, "\(stored.stderr)")
        let storedJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(stored.stdout.utf8)) as? [String: Any])
        #expect(storedJSON["noDataCount"] as? Int == 10 * 640)
        let finding = try #require(storedJSON["finding"] as? [String: Any])
        #expect(finding["method"] as? String == "photo" && (finding["resultVersionIDs"] as? [Any])?.count == 3)
        let findingID = String(try #require(finding["id"] as? String).prefix(8))
        let assessment = try heritage(
            "condition", "add", "--archive", archive, "--from-finding", findingID, "--assessor", "Test Assessor",
            "--condition", "poor", "--certainty", "medium", "--json")
        #expect(assessment.status == 0, "\(assessment.stderr)")
        #expect(assessment.stdout.contains("aerial-imagery-assessment"), "\(assessment.stdout)")

        let broken = ortho.appending(path: "2026.jgw")
        try "0.05\n0\nnorth\n".write(to: broken, atomically: true, encoding: .utf8)
        let bad = try heritage("diff", ortho.appending(path: "2019.jpg").path, ortho.appending(path: "2026.jpg").path)
        #expect(bad.status != 0 && bad.stderr.contains("2026.jgw, line 3"), "\(bad.stderr)")

        // A header claiming 40,000 × 40,000 pixels is refused before anything is decoded.
        var forged: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        forged += Array("IHDR".utf8) + [0, 0, 0x9C, 0x40, 0, 0, 0x9C, 0x40, 8, 2, 0, 0, 0, 0, 0, 0, 0]
        let bomb = URL(filePath: archive).appending(path: "huge.png")
        try Data(forged).write(to: bomb)
        let huge = try heritage("diff", bomb.path, bomb.path)
        #expect(huge.status == 1 && huge.stderr.contains("40000×40000 pixels"), "\(huge.stderr)")

        let scan = samples.appending(path: "mausoleum-2019-06-12.ply").path
        let mixed = try heritage("diff", before, scan)
        #expect(mixed.status != 0 && mixed.stderr.contains("two scans or two photographs"), "\(mixed.stderr)")
        let aligned = try heritage("diff", before, after, "--align", "icp")
        #expect(aligned.status != 0 && aligned.stderr.contains("--align icp applies to scans"), "\(aligned.stderr)")
        let wrongMethod = try heritage("diff", before, after, "--method", "m3c2")
        #expect(wrongMethod.status != 0 && wrongMethod.stderr.contains("--method photo"), "\(wrongMethod.stderr)")
    }

    @Test func addListShowAndQueryWithJSON() throws {
        #expect(try heritage("init", "--archive", archive).status == 0)
        let add = try heritage(
            "site", "add", "--archive", archive, "--code", "BA-MOS-OLD", "--name", "Stari most", "--language", "bs",
            "--other-name", "sr-Cyrl:Стари мост", "--kind", "bridge", "--latitude", "43°20′14.16″N", "--longitude",
            "17°48′54.19″E", "--country", "BA", "--designation", "world-heritage:946rev@2005")
        #expect(add.status == 0, "\(add.stderr)")
        let near = try heritage("site", "near", "43.8563,18.4131", "--radius-km", "100", "--json", "--archive", archive)
        #expect(near.status == 0, "\(near.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(near.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        let row = rows[0]
        #expect(
            Set(row.keys).isSuperset(of: [
                "id", "code", "name", "kind", "latitude", "longitude", "distanceKm", "latestCondition",
            ]))
        #expect(row["code"] as? String == "BA-MOS-OLD" && row["kind"] as? String == "bridge")
        #expect(abs((row["distanceKm"] as? Double ?? 0) - 75.2) < 0.1)
        #expect(row["latestCondition"] is NSNull)
        let list = try heritage("site", "list", "--json", "--archive", archive)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(listed.first?["distanceKm"] == nil)
        let search = try heritage("site", "search", "мост", "--archive", archive)
        #expect(search.stdout.contains("BA-MOS-OLD  Stari most") && search.stdout.contains("1 site"))
        let condition = try heritage(
            "condition", "add", "--archive", archive, "--site", "BA-MOS-OLD", "--assessor", "Field team", "--date",
            "1993-11-09", "--activity", "media-report", "--condition", "destroyed", "--extent", "91-100",
            "--cause-type", "Explosion/Heavy Weaponry", "--certainty", "definite")
        #expect(condition.status == 0, "\(condition.stderr)")
        let show = try heritage("site", "show", "ba-mos-old", "--archive", archive)
        #expect(show.stdout.contains("condition    Destroyed (on 1993-11-09, definite certainty, by Field team)"))
        #expect(show.stdout.contains("designation  UNESCO World Heritage, ref. 946rev, since 2005"))
        let verify = try heritage("verify", "--archive", archive)
        #expect(verify.status == 0 && verify.stdout.hasPrefix("OK:"))
    }

    @Test func errorsAreOneSentenceOnStderrWithANonZeroExit() throws {
        #expect(try heritage("init", "--archive", archive).status == 0)
        let again = try heritage("init", "--archive", archive)
        #expect(again.status != 0 && again.stderr.contains("an archive already exists"))
        let bad = try heritage(
            "site", "add", "--archive", archive, "--code", "X", "--name", "X", "--kind", "church", "--latitude", "91",
            "--longitude", "0")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("latitude must be a number between -90 and 90"))
        #expect(bad.stdout.isEmpty)
        let vocabulary = try heritage(
            "site", "add", "--archive", archive, "--code", "X", "--name", "X", "--kind", "castle", "--latitude", "1",
            "--longitude", "0")
        #expect(vocabulary.status != 0 && vocabulary.stderr.contains("unknown site kind 'castle'"))
        let missing = try heritage("site", "list", "--archive", folder.appending(path: "nowhere").path)
        #expect(missing.status != 0 && missing.stderr.contains("heritage init"))
        #expect(try heritage("verify", "--archive", archive).status == 0)
    }

    @Test func aBadRegisterImportsNothingAndNamesEveryRow() throws {
        #expect(try heritage("init", "--archive", archive).status == 0)
        let csv = folder.appending(path: "register.csv")
        try """
        code,name,kind,latitude,longitude
        A,Good,church,40,44
        B,Bad latitude,church,north,44
        C,Bad kind,fortress,40,44

        """.write(to: csv, atomically: true, encoding: .utf8)
        let result = try heritage("site", "import", csv.path, "--archive", archive)
        #expect(result.status != 0)
        #expect(result.stderr.contains("line 3, column latitude: 'north' is not a coordinate"))
        #expect(result.stderr.contains("line 4, column kind: unknown site kind 'fortress'"))
        #expect(result.stderr.contains("nothing was changed"))
        let list = try heritage("site", "list", "--archive", archive)
        #expect(list.stdout.contains("0 sites"))
    }

    @Test func verifyNamesTheFirstBrokenEvent() throws {
        #expect(try heritage("demo", "--into", archive, "--register-only").status == 0)
        let sqlite = Process()
        sqlite.executableURL = URL(filePath: "/usr/bin/env")
        sqlite.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("DROP TRIGGER auditEvent_noUpdate")
            db.execute("UPDATE auditEvent SET actor = 'mallory' WHERE sequence = 7")
            db.commit()
            """,
            folder.appending(path: "archive/registry.sqlite").path,
        ]
        try sqlite.run()
        sqlite.waitUntilExit()
        try #require(sqlite.terminationStatus == 0, "python3 with sqlite3 is needed to tamper with the archive")
        let verify = try heritage("verify", "--archive", archive)
        #expect(verify.status == 1)
        #expect(verify.stderr.contains("FAILED: audit log: event 7 (site.create"))
    }

    @Test func twoProcessesAddingSitesAtOnceLoseNothing() throws {
        #expect(try heritage("init", "--archive", archive).status == 0)
        var files: [URL] = []
        for batch in 0..<2 {
            var text = "code,name,kind,latitude,longitude\n"
            for index in 0..<300 {
                text += "P\(batch)-\(index),Site \(batch) \(index),church,\(40 + Double(index) / 1000),44\n"
            }
            let file = folder.appending(path: "batch\(batch).csv")
            try text.write(to: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        // Two importers and two single-site writers, all at the same time.
        var running = try files.map { try HeritageBinary.start(["site", "import", $0.path, "--archive", archive]) }
        for index in 0..<2 {
            running.append(
                try HeritageBinary.start([
                    "site", "add", "--archive", archive, "--code", "S\(index)", "--name", "S", "--kind", "mosque",
                    "--latitude", "1", "--longitude", "1",
                ]))
        }
        for result in running.map({ $0.finish() }) {
            #expect(result.status == 0, "\(result.stderr)")
        }
        let verify = try heritage("verify", "--archive", archive)
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("602 sites"))
    }

    @Test(arguments: [
        ["init"], ["site", "add"], ["site", "list"], ["site", "show"], ["site", "edit"], ["site", "near"],
        ["site", "search"], ["site", "import"], ["site", "export"], ["survey", "add"], ["survey", "list"],
        ["condition", "add"], ["condition", "history"], ["audit"], ["verify"], ["demo"], ["report"], ["package"],
        ["key", "generate"], ["key", "show"],
    ])
    func everyHelpShowsAnExample(command: [String]) throws {
        let result = try HeritageBinary.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example:\n  heritage \(command[0])"), "\(command)")
    }

    @Test func theEmbeddedSampleRegisterMatchesSampleSites() throws {
        let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for (name, embedded) in [
            ("sites.geojson", EmbeddedSampleSites.sites), ("conditions.json", EmbeddedSampleSites.conditions),
        ] {
            let file = try String(contentsOf: root.appending(path: "SampleSites/\(name)"), encoding: .utf8)
            #expect(
                file.trimmingCharacters(in: .newlines) == embedded,
                "SampleSites/\(name) changed: run Tools/embed-sample-sites.sh")
        }
    }
}
