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

    /// v11: the lists of v1-v8, written `column IN (…)`, become comparisons with the same terms;
    /// the rows stay valid and a term outside a list is still refused.
    @Test func vocabularyListsBecomeComparisons() throws {
        let queue = try DatabaseQueue()
        try RegistryMigrations.migrator.migrate(queue, upTo: "v10: the sites in spatial order, in place of the R*Tree")
        let pattern = try NSRegularExpression(pattern: #"\b(\w+) IN \(('[^']*'(?:, '[^']*')*)\)"#)
        let before = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL")
                .flatMap { row -> [String] in
                    let sql: String = row[1]
                    var seen: Set<Substring> = []
                    return pattern.matches(in: sql, range: NSRange(sql.startIndex..., in: sql)).compactMap {
                        let column = sql[Range($0.range(at: 1), in: sql)!]
                        // The jobs table checks its status list twice: the column's own list counts.
                        guard seen.insert(column).inserted else { return nil }
                        return "\(row[0] as String).\(column): \(sql[Range($0.range(at: 2), in: sql)!])"
                    }
                }
        }
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO site (id, code, kind, latitude, longitude, locationCertainty, sensitivity,
                        createdAt, updatedAt)
                    VALUES ('s-1', 'A-1', 'museum', 0, 0, 'high', 'restricted', '2026-01-01', '2026-01-01')
                    """)
        }
        try RegistryMigrations.migrator.migrate(queue)
        try queue.read { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL")
            #expect(!tables.contains { $0.contains(" IN ('") }, "a list was left as IN")
            let after = try VocabularyMigration.lists(db).flatMap { key, terms in
                [key + ": " + terms.map { "'\($0)'" }.joined(separator: ", ")]
            }
            #expect(Set(after) == Set(before) && before.count == 22, "\(before.sorted()) against \(after.sorted())")
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
        }
        for (column, value) in [("kind", "spaceport"), ("locationCertainty", "sure"), ("sensitivity", "secret")] {
            let values = ["kind": "'church'", "locationCertainty": "'high'", "sensitivity": "'public'"]
                .merging([column: "'\(value)'"]) { $1 }
            #expect(throws: DatabaseError.self) {
                try queue.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO site (id, code, kind, latitude, longitude, locationCertainty, sensitivity,
                                createdAt, updatedAt)
                            VALUES ('s-2', 'A-2', \(values["kind"]!), 0, 0, \(values["locationCertainty"]!),
                                \(values["sensitivity"]!), '2026-01-01', '2026-01-01')
                            """)
                }
            }
        }
    }

    /// v9: a photo comparison's changed area leaves `lossArea` for a column of its own, in the
    /// table and in how the audit trail's JSON is read, so the two still agree.
    @Test func aPhotoFindingsChangedAreaMovesToItsOwnColumn() throws {
        let queue = try DatabaseQueue()
        try RegistryMigrations.migrator.migrate(queue, upTo: "v8: comparison jobs a server runs")
        try queue.inDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            for (id, method, area) in [("f-photo", "photo", 1234.0), ("f-scan", "m3c2", 0.25)] {
                try db.execute(
                    sql: """
                        INSERT INTO finding (id, siteId, method, beforeVersionId, afterVersionId, resultVersionIds,
                            measuredCount, significantCount, noDataCount, regionCount, lossVolume, gainVolume,
                            lossArea, maxDepth, units, summary, recordedAt, recordedBy)
                        VALUES (?, 's', ?, 'a', 'b', '["r"]', 10, 1, 0, 1, 0, 0, ?, 0, 'px', '', 't', 'ana')
                        """, arguments: [id, method, area])
            }
        }
        // The rows point at versions this bare table does not hold: only the finding table is tried.
        try RegistryMigrations.migrator.disablingDeferredForeignKeyChecks().migrate(queue)
        try queue.read { db in
            let photo = try Finding(
                row: try #require(try Row.fetchOne(db, sql: "SELECT * FROM finding WHERE id = 'f-photo'")))
            #expect(photo.method == .photo && photo.changedArea == 1234 && photo.lossArea == 0)
            let scan = try Finding(
                row: try #require(try Row.fetchOne(db, sql: "SELECT * FROM finding WHERE id = 'f-scan'")))
            #expect(scan.changedArea == nil && scan.lossArea == 0.25)
        }
        // The rules stand: findings are still never edited, and a photo finding has its area.
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE finding SET lossArea = 9") }
        }
        // An event written before v9 reads as the migrated row does.
        let legacy =
            #"{"afterVersionID":"b","beforeVersionID":"a","gainVolume":0,"id":"f-photo","lossArea":1234,"#
            + #""lossVolume":0,"maxDepth":0,"measuredCount":10,"method":"photo","noDataCount":0,"regionCount":1,"#
            + #""resultVersionIDs":["r"],"significantCount":1,"siteID":"s","summary":"","units":"px"}"#
        let read = try JSONDecoder().decode(Finding.self, from: Data(legacy.utf8))
        #expect(read.changedArea == 1234 && read.lossArea == 0)
        let scanJSON = legacy.replacingOccurrences(of: #""method":"photo""#, with: #""method":"c2c""#)
        #expect(try JSONDecoder().decode(Finding.self, from: Data(scanJSON.utf8)).lossArea == 1234)
    }
}
