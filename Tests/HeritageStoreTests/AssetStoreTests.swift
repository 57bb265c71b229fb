import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

@Suite struct AssetStoreTests {
    func file(_ name: String, _ text: String, in folder: URL) throws -> URL {
        let url = folder.appending(path: name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func request(_ url: URL, site: String = "S", asset: String? = nil, capture: CaptureMetadata = CaptureMetadata())
        -> AssetImportRequest
    {
        AssetImportRequest(
            file: url, site: site, asset: asset, kind: .scan, format: "ply", summaryJSON: #"{"vertexCount":3}"#,
            capture: capture, importerVersion: "test")
    }

    @Test func versionsChainAndTheSameBytesAreStoredOnce() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "ana")
        let folder = try temporaryFolder()
        let first = try file("scan-2016.ply", "first survey", in: folder)
        let second = try file("scan-2017.ply", "second survey", in: folder)
        guard case .stored(let v1) = try temp.archive.importAssets([request(first)], actor: "ana")[0] else {
            Issue.record("the first import stored nothing")
            return
        }
        #expect(v1.number == 1 && v1.previousVersionID == nil && v1.size == 12)
        let again = try temp.archive.importAssets([request(first)], actor: "ben")
        #expect(again == [.alreadyStored(v1)])
        guard
            case .stored(let v2) = try temp.archive.importAssets(
                [request(second, asset: String(v1.assetID.prefix(6)))], actor: "ana")[0]
        else {
            Issue.record("the second version was not stored")
            return
        }
        #expect(v2.number == 2 && v2.previousVersionID == v1.id && v2.assetID == v1.assetID)
        #expect(try temp.archive.asset(v1.assetID).versions == [v1, v2])
        let blob = try temp.archive.verifiedBlob(of: v2)
        #expect(try String(contentsOf: blob, encoding: .utf8) == "second survey")
        let report = try temp.archive.verify()
        #expect(report.isValid, "\(report.problems)")
        #expect(report.versionCount == 2 && report.blobCount == 2 && report.orphans.isEmpty)
        #expect(
            try temp.archive.auditEvents().suffix(3).map(\.action) == [
                "asset.create", "asset.version", "asset.version",
            ])
    }

    @Test func versionsCannotBeRewritten() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "ana")
        let folder = try temporaryFolder()
        _ = try temp.archive.importAssets([request(try file("a.ply", "bytes", in: folder))], actor: "ana")
        let queue = try DatabaseQueue(path: temp.registryPath)
        for sql in [
            "UPDATE assetVersion SET sha256 = 'x'", "DELETE FROM assetVersion", "UPDATE asset SET title = 'x'",
            "DELETE FROM asset", "UPDATE blob SET size = 0",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") { try queue.write { try $0.execute(sql: sql) } }
        }
    }

    @Test func aChangedOrMissingBlobFailsVerification() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "ana")
        let folder = try temporaryFolder()
        let outcome = try temp.archive.importAssets(
            [request(try file("a.ply", "original bytes", in: folder))], actor: "ana")
        guard case .stored(let version) = outcome[0] else { return }
        let blob = try temp.archive.verifiedBlob(of: version)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: blob.path)
        try Data("tampered bytes".utf8).write(to: blob)
        var report = try temp.archive.verify()
        #expect(
            report.blobProblems.count == 1 && report.blobProblems[0].hasPrefix("blob \(version.sha256) has changed"))
        #expect(throws: HeritageStoreError.self) { try temp.archive.verifiedBlob(of: version) }
        try FileManager.default.removeItem(at: blob)
        report = try temp.archive.verify()
        #expect(report.blobProblems == ["blob \(version.sha256) is missing from objects/"])
    }

    @Test func aPhotoFarFromItsSiteIsFlagged() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S", latitude: 43.3373, longitude: 17.8151), actor: "ana")
        let folder = try temporaryFolder()
        let near = CaptureMetadata(latitude: 43.34, longitude: 17.82)
        let far = CaptureMetadata(latitude: 43.467448, longitude: 11.885127)
        let outcomes = try temp.archive.importAssets(
            [
                request(try file("near.jpg", "near", in: folder), capture: near),
                request(try file("far.jpg", "far", in: folder), capture: far),
            ], actor: "ana")
        guard case .stored(let nearVersion) = outcomes[0], case .stored(let farVersion) = outcomes[1] else { return }
        #expect(nearVersion.warnings.isEmpty)
        #expect(farVersion.warnings.count == 1)
        #expect(farVersion.warnings[0].hasPrefix("the file's GPS position is 479.2 km"))
    }

    @Test func badReferencesChangeNothing() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "ana")
        try temp.archive.addSite(makeSite(code: "T"), actor: "ana")
        let folder = try temporaryFolder()
        let scan = try file("a.ply", "bytes", in: folder)
        guard case .stored(let version) = try temp.archive.importAssets([request(scan)], actor: "ana")[0] else {
            return
        }
        let other = try file("b.ply", "other bytes", in: folder)
        let wrongSite = #expect(throws: HeritageStoreError.self) {
            try temp.archive.importAssets([request(other, site: "T", asset: version.assetID)], actor: "ana")
        }
        #expect(wrongSite?.message.contains("does not belong to T") == true)
        #expect(throws: HeritageStoreError.self) {
            try temp.archive.importAssets([request(other, site: "NOPE")], actor: "ana")
        }
        #expect(throws: HeritageStoreError.self) {
            try temp.archive.importAssets([request(folder.appending(path: "missing.ply"))], actor: "ana")
        }
        #expect(try temp.archive.verify().blobCount == 1)
        #expect(try temp.archive.assets(ofSite: "T").isEmpty)
    }
}
