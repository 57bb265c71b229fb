import Foundation
import GRDB
import HeritageTestSupport
import Testing

@testable import HeritageStore

/// Archives outlive releases: one made by v0.1.0 opens and migrates, and vocabularies grow in
/// existing archives by migrations, not by editing released ones.
@Suite struct SchemaEvolutionTests {
    /// An archive written by heritage 0.1.0 (schema v1-v4): `heritage demo --register-only`,
    /// then a survey, an assessment and an imported scan (Fixtures/archive-v0.1.0/README.md).
    static let fixture = URL(filePath: #filePath).deletingLastPathComponent().appending(
        path: "Fixtures/archive-v0.1.0")

    @Test func anArchiveMadeByVersion010OpensMigratesAndVerifies() throws {
        let copy = try temporaryFolder().appending(path: "archive")
        try FileManager.default.copyItem(at: Self.fixture, to: copy)
        try? FileManager.default.removeItem(at: copy.appending(path: "README.md"))
        let before = try DatabaseQueue(path: copy.appending(path: "registry.sqlite").path)
        let applied = try before.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        try before.close()
        #expect(applied.count == 4, "the fixture has v0.1.0's four migrations: \(applied)")

        let archive = try HeritageArchive.open(at: copy)
        let report = try archive.verify()
        #expect(report.isValid, "\(report.problems)")
        #expect(report.siteCount == 9 && report.surveyCount == 1 && report.versionCount == 1, "\(report)")
        #expect(try archive.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.count > 4)
        // What v5 added works on the old rows.
        let sites = try archive.allSites()
        #expect(sites.contains { $0.code == "BA-MOS-OLD" })
        let history = try archive.conditionHistory(ofSite: "XX-FIX-1")
        #expect(history.count == 1)
        // And the archive takes new records after its upgrade.
        _ = try archive.addSite(
            Site(
                code: "XX-FIX-2", names: [SiteName(language: "en", name: "After the upgrade", isPrimary: true)],
                kind: .church, location: SiteLocation(latitude: 1, longitude: 2)), actor: "test")
        #expect(try archive.verify().isValid)
    }

    /// Every vocabulary's terms are exactly the schema's list: adding an enum case without a
    /// migration that extends the list (``VocabularyMigration``) fails here.
    @Test func theSchemaListsAreTheVocabularies() throws {
        let temp = try TemporaryArchive()
        let lists = try temp.archive.read { try VocabularyMigration.lists($0) }
        func terms<T: VocabularyTerm>(_: T.Type) -> [String] { T.allCases.map(\.rawValue) }
        let expected: [String: [String]] = [
            "site.kind": terms(SiteKind.self), "site.locationCertainty": terms(Certainty.self),
            "site.sensitivity": terms(Sensitivity.self), "siteDesignation.type": terms(DesignationType.self),
            "siteExternalId.scheme": terms(ExternalIDScheme.self), "survey.method": terms(SurveyMethod.self),
            "conditionAssessment.dateQualifier": terms(DateQualifier.self),
            "conditionAssessment.activity": terms(AssessmentActivity.self),
            "conditionAssessment.overallCondition": terms(OverallCondition.self),
            "conditionAssessment.damageExtent": terms(DamageExtent.self),
            "conditionAssessment.causeCategory": terms(DisturbanceCategory.self),
            "conditionAssessment.causeType": terms(DisturbanceType.self),
            "conditionAssessment.certainty": terms(Certainty.self), "conditionAssessment.threat": terms(RiskLevel.self),
            "conditionAssessment.priority": terms(RiskLevel.self), "asset.kind": terms(AssetKind.self),
        ]
        for (key, values) in expected {
            #expect(lists[key] == values, "\(key): schema \(lists[key] ?? []) against the enum \(values)")
        }
    }

    /// A term added later reaches an existing archive by a migration: the list in the stored
    /// table definition grows, the rows stay, the old terms still hold and others are refused.
    @Test func aVocabularyGrowsInAnExistingArchive() throws {
        let temp = try TemporaryArchive()
        _ = try temp.archive.addSite(
            Site(
                code: "A-1", names: [SiteName(language: "en", name: "A", isPrimary: true)], kind: .bridge,
                location: SiteLocation(latitude: 1, longitude: 2)), actor: "test")
        func insert(_ kind: String, _ code: String) throws {
            try temp.archive.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO site (id, code, kind, latitude, longitude, locationCertainty, sensitivity,
                            createdAt, updatedAt)
                        VALUES (?, ?, ?, 0, 0, 'high', 'public', '2026-01-01', '2026-01-01')
                        """, arguments: [UUID().uuidString.lowercased(), code, kind])
            }
        }
        #expect(throws: HeritageStoreError.self) { try insert("aqueduct", "B-1") }
        try temp.archive.write { db in
            try VocabularyMigration.extend(db, table: "site", column: "kind", with: ["aqueduct", "bridge"])
        }
        try insert("aqueduct", "B-2")
        #expect(throws: HeritageStoreError.self) { try insert("spaceport", "B-3") }
        let lists = try temp.archive.read { try VocabularyMigration.lists($0) }
        #expect(lists["site.kind"] == SiteKind.allCases.map(\.rawValue) + ["aqueduct"])
        let integrity = try temp.archive.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
        #expect(try temp.archive.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM site") } == 2)
    }
}
