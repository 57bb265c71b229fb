import Foundation
import HeritageOperations
import HeritageStore
import HeritageTestSupport
import SurveyDiff
import Testing

/// The CLI is an adapter over HeritageOperations: the same request through either front end
/// stores the same things and writes the same bytes.
@Suite struct OperationsParityTests {
    let folder: URL
    var archive: String { folder.appending(path: "archive").path }

    init() throws {
        folder = try temporaryFolder()
    }

    func heritage(_ arguments: [String]) throws -> HeritageBinary.Result {
        try HeritageBinary.run(arguments + ["--archive", archive, "--actor", "ana"])
    }

    /// An archive with a site and a wall scanned twice (asset v1 before, v2 after a pit).
    func archiveWithTwoEpochs() throws -> String {
        #expect(try heritage(["init"]).status == 0)
        let added = try heritage([
            "site", "add", "--code", "PAR-1", "--name", "Parity wall", "--kind", "monument", "--latitude", "34.5",
            "--longitude", "38.2",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let before = try DiffCLITests.writeWall("before.ply", pit: false, seed: 1, in: folder)
        let after = try DiffCLITests.writeWall("after.ply", pit: true, seed: 2, in: folder)
        let first = try heritage(["import", "--site", "PAR-1", "--units", "m", "--json", before.path])
        #expect(first.status == 0, "\(first.stderr)")
        let imported = try JSONDecoder().decode([ImportedFile].self, from: Data(first.stdout.utf8))
        let asset = try #require(imported.first?.assetID)
        let second = try heritage(["import", "--site", "PAR-1", "--asset", asset, "--units", "m", after.path])
        #expect(second.status == 0, "\(second.stderr)")
        return asset
    }

    @Test func aComparisonThroughTheCLIAndTheLibraryStoresTheSame() throws {
        let asset = try archiveWithTwoEpochs()
        let cliOut = folder.appending(path: "cli")
        let cli = try heritage(
            ["diff", "--site", "PAR-1", "\(asset)@1", "\(asset)@2", "--out", cliOut.path] + DiffCLITests.parameters)
        #expect(cli.status == 0, "\(cli.stderr)")

        let store = try HeritageArchive.open(at: URL(filePath: archive))
        let eventsBefore = try store.auditEvents().count
        var options = ComparisonOptions()
        options.normalRadii = [0.06]
        options.cylinderRadius = 0.03
        options.cylinderHalfLength = 0.1
        options.registrationError = 0.001
        options.coreSpacing = 0.01
        let libraryOut = folder.appending(path: "library")
        let outcome = try ComparisonRun(
            before: "\(asset)@1", after: "\(asset)@2",
            recording: ComparisonRun.Recording(store: store, site: "PAR-1", actor: "ana"), outputFolder: libraryOut
        ).compareScans(options: options)

        // The outputs, byte for byte.
        for name in ComparisonOutputFile.scanOutputs {
            let (a, b) = (
                try Data(contentsOf: cliOut.appending(path: name)),
                try Data(contentsOf: libraryOut.appending(path: name))
            )
            #expect(a == b, "\(name) differs")
        }
        #expect(outcome.summary.regions.count == 1 && outcome.summary.regions.first?.kind == .loss)

        // The findings, but for their ids and times.
        let findings = try store.findings(ofSite: "PAR-1")
        #expect(findings.count == 2)
        func comparable(_ finding: Finding) -> Finding {
            var finding = finding
            (finding.id, finding.recordedAt) = ("", nil)
            return finding
        }
        #expect(comparable(findings[0]) == comparable(findings[1]))
        #expect(findings.contains { $0.id == outcome.finding?.id })

        // The audit events: the same actions on the same kinds of record, by the same actor,
        // and derived versions holding the same summary.
        let events = try store.auditEvents()
        let libraryEvents = Array(events.suffix(events.count - eventsBefore))
        let cliEvents = Array(events.dropLast(libraryEvents.count).suffix(libraryEvents.count))
        #expect(libraryEvents.map(\.action) == cliEvents.map(\.action))
        #expect(libraryEvents.map(\.entityType) == cliEvents.map(\.entityType))
        #expect(Set(events.suffix(2 * libraryEvents.count).map(\.actor)) == ["ana"])
        // Byte-identical outputs are one content-addressed blob each: the library's finding
        // cites the very versions the CLI's stored, and no second copy was made.
        #expect(!findings[0].resultVersionIDs.isEmpty && findings[0].resultVersionIDs == findings[1].resultVersionIDs)
        #expect(try store.assets(ofSite: "PAR-1").flatMap { $0.versions }.filter { $0.format == "json" }.count == 1)
    }

    @Test func anImportThroughTheCLIAndTheLibraryDescribesTheFileTheSame() throws {
        _ = try archiveWithTwoEpochs()
        let scan = try DiffCLITests.writeWall("third.ply", pit: true, seed: 3, in: folder)
        let cli = try heritage([
            "import", "--site", "PAR-1", "--method", "photogrammetry", "--operator", "Lena", "--units", "m", "--json",
            scan.path,
        ])
        #expect(cli.status == 0, "\(cli.stderr)")
        let cliFiles = try JSONDecoder().decode([ImportedFile].self, from: Data(cli.stdout.utf8))
        let store = try HeritageArchive.open(at: URL(filePath: archive))
        // The same bytes again: the library names the version the CLI stored.
        let again = try store.importFiles(
            FileImportRequest(
                site: "PAR-1", files: [.init(path: scan.path, method: .photogrammetry)], operator: "Lena", units: "m"),
            actor: "ana")
        #expect(again.map(\.versionID) == cliFiles.map(\.versionID) && again.first?.outcome == .alreadyStored)

        // Into a second archive through the library: the version records match but for ids.
        let other = try HeritageArchive.create(at: folder.appending(path: "other"), actor: "ana")
        _ = try other.addSite(try #require(try store.site("PAR-1")), actor: "ana")
        let stored = try other.importFiles(
            FileImportRequest(
                site: "PAR-1", files: [.init(path: scan.path, method: .photogrammetry)], operator: "Lena", units: "m"),
            actor: "ana")
        #expect(stored.first?.outcome == .stored && stored.first?.sha256 == cliFiles.first?.sha256)
        #expect(stored.first?.warnings == cliFiles.first?.warnings)
        let (_, cliVersions) = try store.asset(try #require(cliFiles.first?.assetID))
        let (_, libraryVersions) = try other.asset(try #require(stored.first?.assetID))
        let (a, b) = (try #require(cliVersions.first), try #require(libraryVersions.first))
        #expect(a.summary == b.summary && a.capture == b.capture && a.format == b.format)
    }
}
