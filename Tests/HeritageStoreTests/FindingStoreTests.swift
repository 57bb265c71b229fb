import Foundation
import GRDB
import HeritageTestSupport
import Testing

@testable import HeritageStore

@Suite struct FindingStoreTests {
    /// An archive with site S and two versions of one scan, and a folder for output files.
    func archiveWithTwoVersions() throws -> (TemporaryArchive, URL, AssetVersion, AssetVersion) {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "ana")
        let folder = try temporaryFolder()
        func request(_ name: String, _ text: String, asset: String? = nil) throws -> AssetImportRequest {
            let url = folder.appending(path: name)
            try Data(text.utf8).write(to: url)
            return AssetImportRequest(
                file: url, site: "S", asset: asset, kind: .scan, format: "ply", summaryJSON: "{}",
                importerVersion: "test")
        }
        guard case .stored(let first) = try temp.archive.importAssets([try request("a.ply", "one")], actor: "ana")[0],
            case .stored(let second) = try temp.archive.importAssets(
                [try request("b.ply", "two", asset: first.assetID)], actor: "ana")[0]
        else { throw HeritageStoreError(.invalidInput, "the fixture's imports stored nothing") }
        return (temp, folder, first, second)
    }

    func draft(_ before: AssetVersion, _ after: AssetVersion, method: FindingMethod = .m3c2, site: String = "S")
        -> Finding
    {
        let isPhoto = method == .photo
        return Finding(
            siteID: site, method: method, beforeVersionID: before.id, afterVersionID: after.id, resultVersionIDs: [],
            measuredCount: 100, significantCount: 7, noDataCount: 0, regionCount: 1, lossVolume: 0.5, gainVolume: 0,
            lossArea: isPhoto ? 0 : 1, changedArea: isPhoto ? 7 : nil, maxDepth: isPhoto ? 0 : 0.2,
            units: isPhoto ? "px" : "m", summary: "seven points moved")
    }

    func output(_ folder: URL, _ name: String, site: String = "S") throws -> AssetImportRequest {
        let url = folder.appending(path: name)
        try Data("output \(name)".utf8).write(to: url)
        return AssetImportRequest(
            file: url, site: site, kind: .derived, format: "json", summaryJSON: "{}", importerVersion: "test")
    }

    @Test func outputsAndTheirFindingAreStoredTogether() throws {
        let (temp, folder, first, second) = try archiveWithTwoVersions()
        let (finding, outcomes) = try temp.archive.recordFinding(
            draft(first, second, method: .photo), storing: [try output(folder, "summary.json")], actor: "ben")
        #expect(outcomes.count == 1 && finding.resultVersionIDs.count == 1)
        #expect(try temp.archive.findings(ofSite: "S").map(\.id) == [finding.id])
        #expect(try temp.archive.verify().isValid)
    }

    @Test func aRefusedFindingStoresNoOutputRow() throws {
        let (temp, folder, first, second) = try archiveWithTwoVersions()
        let assetsBefore = try temp.archive.assets(ofSite: "S").count
        let eventsBefore = try temp.archive.auditEvents().count
        var wrong = draft(first, second)
        wrong.significantCount = 1000  // more than measured: the schema refuses it
        #expect(throws: (any Error).self) {
            try temp.archive.recordFinding(wrong, storing: [try output(folder, "summary.json")], actor: "ben")
        }
        var infinite = draft(first, second)
        infinite.lossVolume = .infinity
        #expect(throws: HeritageStoreError.self) {
            try temp.archive.recordFinding(infinite, storing: [try output(folder, "other.json")], actor: "ben")
        }
        #expect(try temp.archive.assets(ofSite: "S").count == assetsBefore)
        #expect(try temp.archive.auditEvents().count == eventsBefore)
        #expect(try temp.archive.findings(ofSite: "S").isEmpty)
    }

    /// An archive written before photo findings existed (v3) opens, is migrated, keeps its
    /// findings with their sequence numbers and audit trail, and accepts photo findings.
    @Test func aV3ArchiveIsMigratedWithItsFindings() throws {
        let (temp, folder, first, second) = try archiveWithTwoVersions()
        let (old, _) = try temp.archive.recordFinding(
            draft(first, second), storing: [try output(folder, "summary.json")], actor: "ben")
        // Put the table back as v3 made it, and forget that v4 ran.
        let raw = try DatabaseQueue(path: temp.registryPath)
        try raw.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.inTransaction {
                // (v9's column left out: v9 is forgotten too, and adds it again.)
                let columns =
                    "seq, id, siteId, method, beforeVersionId, afterVersionId, resultVersionIds, measuredCount, "
                    + "significantCount, noDataCount, regionCount, lossVolume, gainVolume, lossArea, maxDepth, units, "
                    + "summary, recordedAt, recordedBy"
                try db.execute(
                    sql: RegistryMigrations.v4.replacingOccurrences(of: ", 'photo')", with: ")")
                        .replacingOccurrences(of: "finding_v4", with: "finding_v3")
                        .replacingOccurrences(
                            of: "INSERT INTO finding_v3 SELECT * FROM finding",
                            with: "INSERT INTO finding_v3 SELECT \(columns) FROM finding"))
                try db.execute(
                    sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v4:%' OR identifier LIKE 'v9:%'")
                return .commit
            }
        }
        #expect(throws: (any Error).self) {
            try raw.write { db in
                try db.execute(
                    sql: "INSERT INTO finding SELECT seq + 1, id || 'x', siteId, 'photo', beforeVersionId, "
                        + "afterVersionId, resultVersionIds, measuredCount, significantCount, noDataCount, regionCount, "
                        + "lossVolume, gainVolume, lossArea, maxDepth, units, summary, recordedAt, recordedBy FROM finding"
                )
            }
        }
        try raw.close()

        let reopened = try HeritageArchive.open(at: temp.folder)
        let kept = try reopened.findings(ofSite: "S")
        #expect(kept.map(\.id) == [old.id] && kept.first?.summary == old.summary)
        #expect(try reopened.verify().isValid)
        let photo = try reopened.recordFinding(
            draft(first, second, method: .photo), storing: [try output(folder, "mask.png")], actor: "ben")
        #expect(photo.0.method == .photo)
        // The rules came back with the table.
        let check = try DatabaseQueue(path: temp.registryPath)
        #expect(throws: (any Error).self) {
            try check.write { db in try db.execute(sql: "UPDATE finding SET summary = 'edited'") }
        }
        #expect(throws: (any Error).self) {
            try check.write { db in try db.execute(sql: "DELETE FROM finding") }
        }
    }
}

@Suite struct FailedOperationsLeaveNoBlobTests {
    /// A finding that cannot be recorded (both epochs the same version) stores none of its
    /// output files: the check comes first, and blobs written before a failure are removed.
    @Test func aRefusedFindingLeavesNoOrphan() throws {
        let temp = try TemporaryArchive()
        let site = try temp.archive.addSite(makeSite(code: "F-1"), actor: "ana")
        let files = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: files) }
        let scan = files.appending(path: "a.xyz")
        try Data("0 0 0\n1 0 0\n".utf8).write(to: scan)
        let outcome = try temp.archive.importAssets(
            [
                AssetImportRequest(
                    file: scan, site: site.id, title: "scan", kind: .scan, format: "xyz", summaryJSON: "{}",
                    importerVersion: "test")
            ], actor: "ana")
        guard case .stored(let version) = try #require(outcome.first) else {
            Issue.record("not stored")
            return
        }
        let output = files.appending(path: "summary.json")
        try Data("{\"result\": 1}".utf8).write(to: output)
        let blobsBefore = relativeFiles(under: temp.folder.appending(path: "objects"))
        let draft = Finding(
            siteID: site.id, method: .c2c, beforeVersionID: version.id, afterVersionID: version.id,
            resultVersionIDs: [], measuredCount: 2, significantCount: 0, noDataCount: 0, regionCount: 0, lossVolume: 0,
            gainVolume: 0, lossArea: 0, maxDepth: 0, units: "m", summary: "nothing")
        let request = AssetImportRequest(
            file: output, site: site.id, title: "summary", kind: .derived, format: "json", summaryJSON: "{}",
            importerVersion: "test")
        #expect(throws: HeritageStoreError.self) {
            try temp.archive.recordFinding(draft, storing: [request], actor: "ana")
        }
        #expect(relativeFiles(under: temp.folder.appending(path: "objects")) == blobsBefore)

        // An import that fails inside its transaction (a blank title breaks a CHECK constraint)
        // after its blob was written: the blob goes again.
        var blank = request
        blank.title = "   "
        #expect(throws: (any Error).self) { try temp.archive.importAssets([blank], actor: "ana") }
        #expect(relativeFiles(under: temp.folder.appending(path: "objects")) == blobsBefore)
        #expect(try temp.archive.verify().orphans.isEmpty)
    }
}
