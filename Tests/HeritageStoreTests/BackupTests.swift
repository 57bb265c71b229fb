import Foundation
import GRDB
import HeritageTestSupport
import Testing

@testable import HeritageStore

/// `backup` writes an archive folder of one moment, blobs re-hashed; `restore` puts back only a
/// backup that verifies; neither leaves anything behind when it fails.
@Suite struct BackupTests {
    static let fixture = URL(filePath: #filePath).deletingLastPathComponent().appending(
        path: "Fixtures/archive-v0.1.0")

    /// The 0.1.0 fixture (sites, a survey, an assessment, a scan) backed up while another
    /// thread adds sites, then restored: the backup verifies, holds the scan's blob, and is of
    /// one moment (its sites and events agree with its own audit chain).
    @Test func aBackupTakenDuringWritesRestoresAndVerifies() throws {
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let source = work.appending(path: "archive")
        try FileManager.default.copyItem(at: Self.fixture, to: source)
        let archive = try HeritageArchive.open(at: source)
        for index in 0..<300 {
            _ = try archive.addSite(
                makeSite(code: "PRE-\(index)", latitude: 40, longitude: Double(index) / 100), actor: "t")
        }
        let writer = Thread {
            for index in 0..<150 {
                _ = try? archive.addSite(makeSite(code: "DURING-\(index)"), actor: "writer")
            }
        }
        writer.start()
        let backup = try archive.backup(to: work.appending(path: "backup"))
        while writer.isExecuting || !writer.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        #expect(backup.blobs == 1 && backup.bytes > 0)
        #expect(backup.sites >= 309 && backup.events == backup.headSequence)
        let copy = try HeritageArchive.open(at: work.appending(path: "backup"))
        let report = try copy.verify()
        #expect(report.isValid, "\(report.problems)")
        #expect(report.siteCount == backup.sites && report.orphans.isEmpty)
        #expect(try copy.auditHead()?.hash == backup.headHash)

        let restoredURL = work.appending(path: "restored")
        let (restored, verified) = try HeritageArchive.restore(from: work.appending(path: "backup"), to: restoredURL)
        #expect(verified.isValid && verified.blobCount == 1)
        #expect(try restored.auditHead()?.hash == backup.headHash)
        #expect(try restored.allSites().count == backup.sites)
        #expect(relativeFiles(under: work).allSatisfy { !$0.contains(".partial-") })
    }

    @Test func aBackupRefusesAnExistingFolderAndAChangedBlob() throws {
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let source = work.appending(path: "archive")
        try FileManager.default.copyItem(at: Self.fixture, to: source)
        let archive = try HeritageArchive.open(at: source)
        let taken = work.appending(path: "taken")
        try FileManager.default.createDirectory(at: taken, withIntermediateDirectories: true)
        #expect(throws: HeritageStoreError.self) { try archive.backup(to: taken) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: taken.path).isEmpty)

        // A blob whose bytes changed is not backed up, and the half-written backup is removed.
        let blob = try #require(
            relativeFiles(under: source.appending(path: "objects")).first { $0.hasPrefix("sha256/") })
        let blobURL = source.appending(path: "objects").appending(path: blob)
        var bytes = try Data(contentsOf: blobURL)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: blobURL)
        let error = #expect(throws: HeritageStoreError.self) { try archive.backup(to: work.appending(path: "backup")) }
        #expect(error?.message.contains("has changed in the archive") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: work.appending(path: "backup").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).sorted() == ["archive", "taken"])
    }

    /// A backup changed after it was written (a site's position edited in its registry) is not
    /// restored, and nothing is left where it would have gone.
    @Test func aTamperedBackupIsNotRestored() throws {
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let source = work.appending(path: "archive")
        try FileManager.default.copyItem(at: Self.fixture, to: source)
        _ = try HeritageArchive.open(at: source).backup(to: work.appending(path: "backup"))
        let queue = try DatabaseQueue(path: work.appending(path: "backup/registry.sqlite").path)
        try queue.write { try $0.execute(sql: "UPDATE site SET latitude = latitude + 0.01 WHERE code = 'XX-FIX-1'") }
        try queue.close()
        let error = #expect(throws: HeritageStoreError.self) {
            try HeritageArchive.restore(from: work.appending(path: "backup"), to: work.appending(path: "restored"))
        }
        #expect(error?.message.contains("site XX-FIX-1 differs") == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).sorted() == ["archive", "backup"])
        #expect(throws: HeritageStoreError.self) {
            try HeritageArchive.restore(from: work.appending(path: "nowhere"), to: work.appending(path: "restored"))
        }
    }
}
