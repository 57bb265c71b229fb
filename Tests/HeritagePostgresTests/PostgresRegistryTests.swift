import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

@testable import HeritagePostgres

/// The PostgreSQL backend against the SQLite archive it was copied from: the same records, the
/// same audit chain, the same answers, and the same tampering caught.
@Suite(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipReason), .serialized)
struct PostgresRegistryTests {
    /// Copies a generated archive; the chain ends at the same event, every table has the
    /// archive's row count, and verify passes with the archive's counts.
    @Test func aCopyKeepsTheChainAndVerifies() async throws {
        let temp = try GeneratedRegister.archive(count: 1_500)
        let local = try temp.archive.verify()
        #expect(local.isValid)
        let head = try #require(try temp.archive.auditHead())
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { registry in
                let copied = try await registry.copy(from: temp.archive)
                #expect(copied.headSequence == head.sequence && copied.headHash == head.hash)
                for (table, _) in PostgresSchema.columns {
                    let local = try temp.archive.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") }
                    #expect(copied.rows[table] == local, "\(table)")
                }
                #expect(copied.rows["siteSearch"] == 1_500)
                let report = try await registry.verify()
                #expect(report.isValid, "\(report.problems)")
                #expect(report.eventCount == local.eventCount && report.siteCount == 1_500)
                #expect(report.assessmentCount == local.assessmentCount && report.assessmentCount == 40)
                // The events hash the same: PostgreSQL's head is the archive's, recomputed here.
                let last = try #require(
                    try await registry.rows("SELECT * FROM auditEvent ORDER BY sequence DESC LIMIT 1").first)
                #expect(last["hash"] as String == head.hash)
                // A second copy into a registry that holds one is refused and changes nothing.
                await #expect(throws: HeritageStoreError.self) { try await registry.copy(from: temp.archive) }
                #expect(try await registry.integer("SELECT count(*) AS value FROM site") == 1_500)
            }
        }
    }

    /// Radius, nearest, box and text searches give what the archive gives, with and without
    /// clearance for restricted sites.
    @Test func queriesAnswerAsTheArchiveDoes() async throws {
        let temp = try GeneratedRegister.archive(count: 2_000)
        var random = SeededGenerator(seed: 11)
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { registry in
                _ = try await registry.copy(from: temp.archive)
                func same(_ ours: [SiteSummary], _ theirs: [SiteSummary], _ what: String) {
                    #expect(ours.map(\.code) == theirs.map(\.code), "\(what)")
                    for (a, b) in zip(ours, theirs) {
                        #expect(
                            a.latitude == b.latitude && a.longitude == b.longitude && a.generalised == b.generalised
                                && a.name == b.name && a.latestCondition == b.latestCondition
                                && abs((a.distanceKm ?? 0) - (b.distanceKm ?? 0)) < 1e-9, "\(what): \(a) \(b)")
                    }
                }
                var found = 0
                for query in 0..<48 {
                    let center = try GeoPoint(
                        latitude: query % 8 == 0 ? 65 : Double.random(in: 35...36.5, using: &random),
                        longitude: query % 8 == 0 ? 179.99 : Double.random(in: 38...39.5, using: &random))
                    let radius = [0.05, 0.5, 3, 12, 40, 150][query % 6]
                    for clearance in [false, true] {
                        let filter = query % 5 == 0 ? SiteFilter(kinds: [.church, .mosque]) : SiteFilter()
                        let theirs = try temp.archive.sitesNear(
                            center, radiusKm: radius, filter: filter, includeRestricted: clearance)
                        let ours = try await registry.sitesNear(
                            center, radiusKm: radius, filter: filter, includeRestricted: clearance)
                        same(ours, theirs, "within \(radius) km of \(center), clearance \(clearance)")
                        found += theirs.count
                        let count = [1, 4, 25][query % 3]
                        same(
                            try await registry.nearestSites(to: center, count: count, includeRestricted: clearance),
                            try temp.archive.nearestSites(to: center, count: count, includeRestricted: clearance),
                            "nearest \(count) to \(center), clearance \(clearance)")
                    }
                }
                #expect(found > 2_000, "the radius queries found too few sites to mean anything: \(found)")
                // The tie: two sites at one position, sorted by code after distance.
                let tie = try GeoPoint(latitude: 35.5, longitude: 38.75)
                same(
                    try await registry.nearestSites(to: tie, count: 3),
                    try temp.archive.nearestSites(to: tie, count: 3), "ties")
                for (south, west, north, east) in [
                    (35.2, 38.3, 35.6, 38.9), (64.0, 179.9, 66.0, -179.9), (89.0, -180.0, 90.0, 180.0),
                    (35.0, 38.0, 36.5, 39.5),
                ] {
                    for clearance in [false, true] {
                        same(
                            try await registry.sitesInBox(
                                south: south, west: west, north: north, east: east, includeRestricted: clearance),
                            try temp.archive.sitesInBox(
                                south: south, west: west, north: north, east: east, includeRestricted: clearance),
                            "box \(south) \(west) \(north) \(east)")
                    }
                }
                for text in [
                    "al", "qal", "dzamija", "EGLISE saint", "saint-étienne", "al-qadim", "الجامع", "Սուրբ", "Церк",
                    "sy-alp-00", "0012", "o'brien", "1890", "12.5", "Ղազ", "bel nuri", "zzz",
                ] {
                    let theirs = try temp.archive.searchSites(text, includeRestricted: true)
                    let ours = try await registry.searchSites(text, includeRestricted: true)
                    #expect(Set(ours.map(\.code)) == Set(theirs.map(\.code)), "search \(text)")
                    #expect(text == "zzz" || !theirs.isEmpty, "search \(text) found nothing to compare")
                }
                // Partial matching finds a name by a piece of a word, which prefixes do not.
                #expect(try await registry.searchSites("assa").isEmpty)
                #expect(!(try await registry.searchSites("assa", partial: true)).isEmpty)
            }
        }
    }

    /// Rows and events changed with the triggers disabled (as a superuser can) are each named
    /// by verify, as on SQLite.
    @Test(arguments: [
        (
            "UPDATE site SET latitude = latitude + 0.001 WHERE code = 'SY-ALP-0009'",
            "site SY-ALP-0009 differs from what audit event"
        ),
        (
            "UPDATE siteName SET name = 'Renamed' WHERE position = 0 AND siteSeq = (SELECT seq FROM site WHERE code = 'SY-HMS-0010')",
            "site SY-HMS-0010 differs"
        ),
        (
            "UPDATE conditionAssessment SET overallCondition = 'good' WHERE seq = (SELECT min(seq) FROM conditionAssessment WHERE overallCondition = 'destroyed')",
            "differs from what audit event"
        ),
        ("UPDATE auditEvent SET actor = 'someone else' WHERE sequence = 5", "event 5 (site.create"),
        (
            "DELETE FROM auditEvent WHERE sequence > (SELECT max(sequence) - 2 FROM auditEvent)",
            "were removed from the end of the log"
        ),
        ("DELETE FROM auditEvent WHERE sequence = 7", "event 7 is missing"),
        (
            "UPDATE auditEvent SET entitySeq = entitySeq + 1 WHERE sequence = 9",
            "audit event 9 is filed under the wrong site row"
        ),
        (
            "INSERT INTO site (seq, id, code, kind, latitude, longitude, locationCertainty, sensitivity, createdAt, updatedAt) VALUES (999999, 'x-1', 'X-1', 'church', 1, 2, 'high', 'public', 't', 't')",
            "site X-1 has no audit event"
        ),
        (
            "UPDATE siteSearch SET document = to_tsvector('simple', 'nothing') WHERE seq = 3",
            "the full-text index does not hold site"
        ),
    ])
    func tamperingIsNamed(tamper: String, expected: String) async throws {
        let temp = try GeneratedRegister.archive(count: 60)
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { registry in
                _ = try await registry.copy(from: temp.archive)
                #expect(try await registry.verify().isValid)
                // The append-only tables' triggers refuse the change...
                if tamper.contains("auditEvent") || tamper.contains("UPDATE conditionAssessment") {
                    await #expect(throws: HeritageStoreError.self) { try await registry.run(tamper) }
                }
                // ...until a superuser turns them off.
                try await registry.run("SET session_replication_role = replica")
                try await registry.run(tamper)
                try await registry.run("SET session_replication_role = DEFAULT")
                let report = try await registry.verify()
                #expect(!report.isValid)
                #expect(report.problems.contains { $0.contains(expected) }, "\(report.problems)")
            }
        }
    }

    /// A GIS user in the role heritage_gis reads sites from the view gisSite, with restricted
    /// sites only at their generalised position, and cannot read the tables.
    @Test func aGISUserSeesRestrictedSitesOnlyGeneralised() async throws {
        let temp = try GeneratedRegister.archive(count: 200)
        let restricted = try temp.archive.allSites().filter { $0.sensitivity == .restricted }
        #expect(restricted.count > 20)
        try await PostgresTestServer.withDatabase { location in
            let user = "gis_\(UUID().uuidString.prefix(8).lowercased())"
            try await PostgresTestServer.with(location) { registry in
                _ = try await registry.copy(from: temp.archive)
                try await registry.run("CREATE ROLE \(user) LOGIN PASSWORD 'gis-password' IN ROLE heritage_gis")
            }
            var gis = location
            gis.user = user
            gis.password = "gis-password"
            try await PostgresTestServer.with(gis) { registry in
                await #expect(throws: HeritageStoreError.self) {
                    try await registry.run("SELECT latitude FROM site LIMIT 1")
                }
                await #expect(throws: HeritageStoreError.self) {
                    try await registry.run("SELECT newValue FROM auditEvent LIMIT 1")
                }
                let rows = try await registry.rows(
                    "SELECT code, latitude, longitude, generalised, ST_AsText(geom) AS geom FROM gisSite ORDER BY code")
                #expect(rows.count == 200)
                // Every byte the role can read, searched for each restricted site's exact position.
                let dumped = rows.map { row in
                    "\(row["code"] as String) \(row["latitude"] as Double) \(row["longitude"] as Double) \(row["geom"] as String)"
                }.joined(separator: "\n")
                // Positions public sites share (the generated antimeridian sites repeat longitudes).
                let shared = Set(
                    try temp.archive.allSites().filter { $0.sensitivity == .public }.flatMap {
                        [String($0.location.latitude), String($0.location.longitude)]
                    })
                for site in restricted {
                    let shown = site.location.point.generalised
                    let row = try #require(rows.first { $0["code"] as String == site.code })
                    #expect(
                        row["latitude"] as Double == shown.latitude && row["longitude"] as Double == shown.longitude)
                    #expect((row["generalised"] as Int64) == 1)
                    for exact in [String(site.location.latitude), String(site.location.longitude)]
                    where exact != String(shown.latitude) && exact != String(shown.longitude) && !shared.contains(exact)
                    {
                        #expect(!dumped.contains(exact), "\(site.code)'s exact coordinate \(exact) is readable")
                    }
                }
            }
            try await PostgresTestServer.with(location) { try await $0.run("DROP ROLE \(user)") }
        }
    }

    /// pg_dump, then pg_restore into another database: it verifies, ends at the same event,
    /// and the GIS role reads its view there; a restore over a registry is refused.
    @Test func aDumpRestoresAndVerifies() async throws {
        let temp = try GeneratedRegister.archive(count: 300)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "registry.dump")
        let head = try #require(try temp.archive.auditHead())
        try await PostgresTestServer.withDatabase { source in
            try await PostgresTestServer.with(source) { _ = try await $0.copy(from: temp.archive) }
            try PostgresRegistry.dump(source, to: file)
            #expect(throws: HeritageStoreError.self) { try PostgresRegistry.dump(source, to: file) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["registry.dump"])
            let refused = await #expect(throws: HeritageStoreError.self) {
                try await PostgresRegistry.restore(file, into: source)
            }
            #expect(refused?.message.contains("already holds a registry") == true)
            try await PostgresTestServer.withDatabase { target in
                let report = try await PostgresRegistry.restore(file, into: target)
                #expect(report.isValid, "\(report.problems)")
                #expect(report.siteCount == 300 && report.eventCount == Int(head.sequence))
                try await PostgresTestServer.with(target) { registry in
                    #expect(
                        try await registry.rows("SELECT hash FROM auditEvent ORDER BY sequence DESC LIMIT 1").first?[
                            "hash"] == head.hash)
                    #expect(
                        try await registry.integer(
                            "SELECT has_table_privilege('heritage_gis', 'gissite', 'SELECT')::int AS value") == 1)
                    let near = try await registry.sitesNear(
                        try GeoPoint(latitude: 35.5, longitude: 38.75), radiusKm: 30)
                    #expect(
                        near.map(\.code)
                            == (try temp.archive.sitesNear(try GeoPoint(latitude: 35.5, longitude: 38.75), radiusKm: 30))
                            .map(\.code))
                }
            }
        }
    }

    /// The archive made by 0.1.0, with a survey, an assessment and an imported scan, migrates
    /// and copies; its scan version's row verifies on PostgreSQL too.
    @Test func anOldArchiveWithAScanCopies() async throws {
        let fixture = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "HeritageStoreTests/Fixtures/archive-v0.1.0")
        let copy = try temporaryFolder().appending(path: "archive")
        try FileManager.default.copyItem(at: fixture, to: copy)
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let archive = try HeritageArchive.open(at: copy)
        #expect(try archive.verify().isValid)
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { registry in
                let copied = try await registry.copy(from: archive)
                #expect(copied.rows["assetVersion"] == 1 && copied.rows["survey"] == 1 && copied.rows["blob"] == 1)
                let report = try await registry.verify()
                #expect(report.isValid, "\(report.problems)")
                #expect(report.versionCount == 1 && report.surveyCount == 1 && report.siteCount == 9)
                #expect(try await registry.schemaVersions() == PostgresSchema.migrations.map(\.0))
            }
        }
    }
}
