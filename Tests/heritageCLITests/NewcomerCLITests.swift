import Foundation
import HeritageTestSupport
import Testing

/// What a newcomer meets first: southern and western coordinates, several missing options,
/// a folder or a renamed file given as a register, a duplicate code, restricted sites in a
/// radius search, registers exported and imported again.
@Suite struct NewcomerCLITests {
    let folder: URL
    var archive: String { folder.appending(path: "archive").path }

    init() throws {
        folder = try temporaryFolder()
        _ = try HeritageBinary.run(["init", "--archive", folder.appending(path: "archive").path])
    }

    func heritage(_ arguments: String...) throws -> HeritageBinary.Result {
        try HeritageBinary.run(arguments + ["--archive", archive])
    }

    @Test func southernAndWesternCoordinatesAreAccepted() throws {
        let added = try heritage(
            "site", "add", "--code", "CL-SCL-1", "--name", "Iglesia de San Francisco", "--kind", "church",
            "--latitude", "-33.4429", "--longitude", "-70.6467")
        #expect(added.status == 0, "\(added.stderr)")
        let near = try heritage("site", "near", "-33.44,-70.65", "--radius-km", "1", "--json")
        #expect(near.status == 0, "\(near.stderr)")
        #expect(near.stdout.contains("CL-SCL-1"))
        let box = try heritage("site", "list", "--bbox", "-34,-71,-33,-70")
        #expect(box.status == 0 && box.stdout.contains("CL-SCL-1"), "\(box.stderr)")
        let unknown = try heritage("site", "near", "--radius", "1", "-33.44,-70.65")
        #expect(unknown.status != 0 && unknown.stderr.contains("Unknown option '--radius'"), "\(unknown.stderr)")
        // Hexadecimal is not a coordinate, though Swift's Double("0x10") is 16.
        let hex = try heritage(
            "site", "add", "--code", "X-1", "--name", "X", "--kind", "church", "--latitude", "1", "--longitude",
            "0x10")
        #expect(hex.status != 0 && hex.stderr.contains("'0x10' is not a coordinate"), "\(hex.stderr)")
    }

    @Test func everyMissingRequiredOptionIsListedAtOnce() throws {
        let result = try heritage("condition", "add", "--assessor", "A. Assessor")
        #expect(result.status != 0)
        #expect(
            result.stderr.contains(
                "missing 5 required options: --site, --date, --activity, --condition, --certainty"), "\(result.stderr)")
        let help = try HeritageBinary.run(["condition", "add", "--help"])
        #expect(help.stdout.contains("Required: overall condition (good, fair, poor"))
    }

    @Test func registersAreReadByContentAndErrorsSayWhatIsWrong() throws {
        let folderGiven = try heritage("site", "import", folder.path)
        #expect(folderGiven.status != 0 && folderGiven.stderr.contains("is a folder"), "\(folderGiven.stderr)")
        #expect(!folderGiven.stderr.contains("NSCocoaErrorDomain"))
        let missing = try heritage("site", "import", folder.appending(path: "nothing.csv").path)
        #expect(missing.stderr.contains("no file at"), "\(missing.stderr)")

        // GeoJSON saved as .txt, with a byte-order mark.
        let text = folder.appending(path: "register.txt")
        try Data(
            ("\u{FEFF}{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"geometry\": "
                + "{\"type\": \"Point\", \"coordinates\": [-70.6, -33.5]}, \"properties\": {\"code\": \"CL-T-1\", "
                + "\"name\": \"Capilla\", \"kind\": \"church\"}}]}").utf8
        ).write(to: text)
        let imported = try heritage("site", "import", text.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("Imported 1 site from"), "\(imported.stdout)")

        let duplicate = try heritage(
            "site", "add", "--code", "cl-t-1", "--name", "Again", "--kind", "church", "--latitude", "1",
            "--longitude", "2")
        #expect(duplicate.status != 0)
        #expect(duplicate.stderr.contains("a site with code CL-T-1 already exists"), "\(duplicate.stderr)")
        #expect(duplicate.stderr.range(of: "[0-9a-f]{8}-[0-9a-f]{4}", options: .regularExpression) == nil)
    }

    @Test func restrictedSitesAreFoundAndMeasuredWhereTheyAreShown() throws {
        let added = try heritage(
            "site", "add", "--code", "XX-R-1", "--name", "Hidden cemetery", "--kind", "cemetery", "--latitude",
            "40.0123", "--longitude", "44.0178", "--sensitivity", "restricted")
        #expect(added.status == 0, "\(added.stderr)")
        // 50 m around the exact position: found there, it would say it lies within 50 m.
        let exact = try heritage("site", "near", "40.0123,44.0178", "--radius-km", "0.05", "--json")
        #expect(!exact.stdout.contains("XX-R-1"), "\(exact.stdout)")
        let cell = try heritage("site", "near", "40.05,44.05", "--radius-km", "0.05")
        #expect(cell.stdout.contains("XX-R-1") && cell.stdout.contains("generalised"), "\(cell.stdout)")
        let cleared = try heritage(
            "site", "near", "40.0123,44.0178", "--radius-km", "0.05", "--include-restricted", "--json")
        #expect(cleared.stdout.contains("XX-R-1"))
    }

    @Test func generalisedRowsAreRefusedOnReimportUnlessAccepted() throws {
        _ = try heritage(
            "site", "add", "--code", "XX-R-2", "--name", "Hidden\r\nchurch", "--kind", "church", "--latitude",
            "40.0123", "--longitude", "44.0178", "--sensitivity", "restricted")
        _ = try heritage(
            "site", "add", "--code", "XX-P-2", "--name", "Open church", "--kind", "church", "--latitude", "41",
            "--longitude", "45")
        // A name with a line break stays on one row of a table.
        let list = try heritage("site", "list")
        #expect(list.stdout.contains("Hidden\\r\\nchurch"), "\(list.stdout)")
        #expect(list.stdout.hasSuffix("2 sites\n") || list.stdout.contains("\n2 sites"), "\(list.stdout)")

        let geojson = folder.appending(path: "export.geojson").path
        #expect(try heritage("site", "export", "--out", geojson).status == 0)
        let exported = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(filePath: geojson))) as? [String: Any])
        let features = try #require(exported["features"] as? [[String: Any]])
        let flags = features.compactMap { ($0["properties"] as? [String: Any])?["generalised"] as? Bool }
        #expect(flags.sorted { !$0 && $1 } == [false, true], "generalised is a JSON boolean: \(flags)")
        #expect((exported["heritage"] as? [String: Any])?["generalisedPositions"] as? Int == 1)

        // A second export to the same file replaces it whole, and leaves no partial file.
        #expect(try heritage("site", "export", "--out", geojson, "--include-restricted").status == 0)
        let again = try String(contentsOf: URL(filePath: geojson), encoding: .utf8)
        #expect(again.contains("40.0123") && !again.contains("generalisedPositions"))
        #expect(try heritage("site", "export", "--out", geojson).status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.contains(".partial-") }, "\(names)")

        let other = folder.appending(path: "other").path
        _ = try HeritageBinary.run(["init", "--archive", other])
        let refused = try HeritageBinary.run(["site", "import", geojson, "--archive", other])
        #expect(refused.status != 0 && refused.stderr.contains("property generalised"), "\(refused.stderr)")
        let csv = folder.appending(path: "export.csv").path
        #expect(try heritage("site", "export", "--out", csv).status == 0)
        let refusedCSV = try HeritageBinary.run(["site", "import", csv, "--archive", other])
        #expect(refusedCSV.status != 0 && refusedCSV.stderr.contains("column generalised"), "\(refusedCSV.stderr)")

        let accepted = try HeritageBinary.run(["site", "import", csv, "--accept-generalised", "--archive", other])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let shown = try HeritageBinary.run([
            "site", "show", "XX-R-2", "--include-restricted", "--json", "--archive", other,
        ])
        #expect(shown.stdout.contains("\"precisionMetres\" : 7900"), "\(shown.stdout)")
        #expect(shown.stdout.contains("Position generalised to its 0.1° cell"))
    }

    @Test func verifyCountsEveryKindOfRecordAndImportTakesAMethodPerFile() throws {
        _ = try heritage(
            "site", "add", "--code", "XX-M-1", "--name", "Mill", "--kind", "other", "--latitude", "1", "--longitude",
            "2")
        let cloud = folder.appending(path: "cloud.ply")
        try Data(
            ("ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\n"
                + "end_header\n0 0 0\n1 0 0\n0 1 0\n1 1 1\n").utf8
        ).write(to: cloud)
        let mesh = folder.appending(path: "mesh.obj")
        try Data("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n".utf8).write(to: mesh)
        let imported = try heritage(
            "import", "--site", "XX-M-1", "--method", "terrestrial-laser-scan", "--method",
            "\(mesh.path)=photogrammetry", cloud.path, mesh.path, "--json")
        #expect(imported.status == 0, "\(imported.stderr)")
        let listed = try heritage("asset", "list", "--site", "XX-M-1", "--json")
        let assets = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        var methodByTitle: [String: String] = [:]
        for entry in assets {
            let title = (entry["asset"] as? [String: Any])?["title"] as? String ?? "?"
            let capture = (entry["latestVersion"] as? [String: Any])?["capture"] as? [String: Any]
            methodByTitle[title] = capture?["method"] as? String ?? "none"
        }
        let methods = [methodByTitle["cloud.ply"], methodByTitle["mesh.obj"]]
        #expect(methods == ["terrestrial-laser-scan", "photogrammetry"], "\(methods)")

        let verified = try heritage("verify")
        #expect(verified.status == 0)
        #expect(
            verified.stdout.contains("1 site, 0 surveys, 0 assessments, 0 findings and 2 asset versions"),
            "\(verified.stdout)")
    }
}
