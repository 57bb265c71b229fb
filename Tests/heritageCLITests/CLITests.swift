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
        // The restricted cross-stone's exact position is in neither its report nor its package.
        for folder in ["reports/XX-DEMO-KHA/report.json", "packages/XX-DEMO-KHA/data/registry/registry.json"] {
            let text = try String(contentsOf: URL(filePath: archive).appending(path: folder), encoding: .utf8)
            #expect(!text.contains("39.2876543") && !text.contains("45.6789012"), "\(folder)")
        }
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
