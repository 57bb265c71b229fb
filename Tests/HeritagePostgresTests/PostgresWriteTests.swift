import Foundation
import GRDB
import HeritageTestSupport
import Testing

@testable import HeritagePostgres
@testable import HeritageStore

/// Writes on PostgreSQL: the same change makes the same audit event as on SQLite, and writers
/// on many connections (as several servers would be) extend one linear chain and lose nothing.
@Suite(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipReason), .serialized)
struct PostgresWriteTests {
    /// A registry copied from an archive, then the same site added to both at the same time:
    /// the events are the same, byte for byte, so the chains end at the same hash.
    @Test func theSameChangeHashesTheSameOnBothBackends() async throws {
        let temp = try GeneratedRegister.archive(count: 50)
        let site = try makeSite(code: "BOTH-1", latitude: 35.1, longitude: 38.2, sensitivity: .restricted).validated()
        let time = "2026-12-04T09:00:00.000Z"
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { registry in
                _ = try await registry.copy(from: temp.archive)
                try temp.archive.write { db in try HeritageArchive.insertSite(db, site, actor: "ana", time: time) }
                try await registry.addSite(site, actor: "ana", time: time)
                let local = try #require(try temp.archive.auditHead())
                let remote = try #require(
                    try await registry.rows("SELECT * FROM auditEvent ORDER BY sequence DESC LIMIT 1").first)
                #expect(remote["sequence"] as Int64 == local.sequence)
                #expect(remote["newValue"] as String? == local.newValue)
                #expect(remote["hash"] as String == local.hash)
                // The site reads back alike, and both verify.
                #expect(try temp.archive.verify().isValid)
                let report = try await registry.verify()
                #expect(report.isValid, "\(report.problems)")
                let center = try GeoPoint(latitude: 35.1, longitude: 38.2)
                #expect(
                    try await registry.sitesNear(center, radiusKm: 20).map(\.code)
                        == (try temp.archive.sitesNear(center, radiusKm: 20)).map(\.code))
                #expect(try await registry.searchSites("stari BOTH").map(\.code) == ["BOTH-1"])
                // A code taken, in any case, is refused and changes nothing.
                let taken = await #expect(throws: HeritageStoreError.self) {
                    try await registry.addSite(makeSite(code: "both-1"), actor: "ana")
                }
                #expect(taken?.message.contains("a site with code BOTH-1 already exists") == true)
                #expect(try await registry.integer("SELECT count(*) AS value FROM auditEvent") == Int64(local.sequence))
            }
        }
    }

    /// The same assessments, a correction among them, recorded on both backends at the same
    /// times: the same events and the same timeline; the archive's rules hold on PostgreSQL.
    @Test func assessmentsMatchTheArchive() async throws {
        let temp = try GeneratedRegister.archive(count: 30)
        let sites = try temp.archive.allSites()
        let (first, other) = (sites[3], sites[4])
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { registry in
                _ = try await registry.copy(from: temp.archive)
                var original = makeAssessment(site: first.code, date: "2024-03-01", condition: .poor, extent: .upTo30)
                original.id = "aaaa1111-0000-4000-8000-000000000001"
                var correction = makeAssessment(
                    site: first.code, date: "2024-03-01", condition: .veryBad, extent: .upTo60,
                    supersedes: "aaaa1111")
                correction.id = "bbbb2222-0000-4000-8000-000000000002"
                for (index, draft) in [original, correction].enumerated() {
                    let time = "2026-12-04T09:0\(index):00.000Z"
                    _ = try temp.archive.write { db in
                        try temp.archive.insertAssessment(db, try draft.validated(), actor: "ana", time: time)
                    }
                    try await registry.addAssessment(draft, actor: "ana", time: time)
                    let local = try #require(try temp.archive.auditHead())
                    let remote = try #require(
                        try await registry.rows("SELECT hash FROM auditEvent ORDER BY sequence DESC LIMIT 1").first)
                    #expect(remote["hash"] as String == local.hash, "event \(local.sequence)")
                }
                #expect(
                    try await registry.conditionHistory(ofSite: first.code)
                        == (try temp.archive.conditionHistory(ofSite: first.code)))
                #expect(try await registry.conditionHistory(ofSite: first.id).last?.supersededBy == nil)
                // Superseded once only; a correction of another site's assessment; no such site.
                let twice = await #expect(throws: HeritageStoreError.self) {
                    try await registry.addAssessment(
                        makeAssessment(site: first.code, date: "2024-03-02", condition: .poor, supersedes: "aaaa1111"),
                        actor: "ana")
                }
                #expect(
                    twice?.message.contains("already superseded by bbbb2222") == true, "\(String(describing: twice))")
                let elsewhere = await #expect(throws: HeritageStoreError.self) {
                    try await registry.addAssessment(
                        makeAssessment(site: other.code, date: "2024-03-02", condition: .poor, supersedes: "bbbb2222"),
                        actor: "ana")
                }
                #expect(elsewhere?.message.contains("of another site") == true, "\(String(describing: elsewhere))")
                await #expect(throws: HeritageStoreError.self) {
                    try await registry.addAssessment(
                        makeAssessment(site: "NOWHERE", date: "2024-03-02", condition: .poor), actor: "ana")
                }
                let report = try await registry.verify()
                #expect(report.isValid && report.assessmentCount == 32, "\(report.problems) \(report.assessmentCount)")
            }
        }
    }

    /// Two "servers" of 20 connections each add 5 sites per connection at once: every site is
    /// stored, each with its event, and the chain is linear and verifies. Two writers of one
    /// code: exactly one wins.
    @Test func concurrentWritersExtendOneChain() async throws {
        let temp = try GeneratedRegister.archive(count: 20)
        let before = try #require(try temp.archive.auditHead()).sequence
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { _ = try await $0.copy(from: temp.archive) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for server in 0..<2 {
                    for writer in 0..<20 {
                        group.addTask {
                            try await PostgresTestServer.with(location) { registry in
                                for index in 0..<5 {
                                    try await registry.addSite(
                                        makeSite(
                                            code: "S\(server)-W\(writer)-\(index)", latitude: 35 + Double(writer) / 100,
                                            longitude: 38 + Double(index) / 100), actor: "writer-\(server)-\(writer)")
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await PostgresTestServer.with(location) { registry in
                            do {
                                try await registry.addSite(makeSite(code: "RACE-1"), actor: "racer")
                                return true
                            } catch let error as HeritageStoreError where error.code == .conflict {
                                return false
                            }
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            try await PostgresTestServer.with(location) { registry in
                #expect(try await registry.integer("SELECT count(*) AS value FROM site") == 20 + 200 + 1)
                let sequences = try await registry.rows("SELECT sequence FROM auditEvent ORDER BY sequence").map {
                    $0["sequence"] as Int64
                }
                #expect(sequences == Array(1...(before + 201)))
                let report = try await registry.verify()
                #expect(report.isValid, "\(report.problems)")
                #expect(report.siteCount == 221 && report.eventCount == Int(before) + 201)
            }
        }
    }
    /// The same register imported into a new archive and into a PostgreSQL registry copied from
    /// it (its creation event), at the same time: the same events byte for byte (so the same chain head), the same answers to
    /// queries, and the registry verifies. Importing it again is refused with the archive's
    /// list of conflicts and changes nothing; so is a register with a bad row; a dry run writes
    /// nothing.
    @Test func aRegisterImportsAsIntoTheArchive() async throws {
        let temp = try TemporaryArchive()
        let register = try SiteRegister.parse(
            Array(GeneratedRegister.csv(count: 400).utf8), fileName: "generated.csv", format: .csv)
        let time = "2026-12-04T17:00:00.000Z"
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { registry in
                _ = try await registry.copy(from: temp.archive)
                try temp.archive.importSites(register, actor: "ana", time: time)
                #expect(try await registry.importSites(register, actor: "ana", dryRun: true) == 400)
                #expect(try await registry.integer("SELECT count(*) AS value FROM auditEvent") == 1)
                #expect(try await registry.importSites(register, actor: "ana", time: time) == 400)

                let local = try temp.archive.read { db in
                    try Row.fetchAll(
                        db, sql: "SELECT sequence, action, entitySeq, newValue, hash FROM auditEvent ORDER BY sequence")
                }
                let remote = try await registry.rows(
                    "SELECT sequence, action, entitySeq, newValue, hash FROM auditEvent ORDER BY sequence")
                #expect(local.count == 402 && remote.count == local.count)
                for (mine, theirs) in zip(local, remote) {
                    #expect(mine["sequence"] as Int64 == theirs["sequence"] as Int64)
                    #expect(mine["entitySeq"] as Int64? == theirs["entitySeq"] as Int64?)
                    #expect(mine["newValue"] as String? == theirs["newValue"] as String?)
                    #expect(mine["hash"] as String == theirs["hash"] as String, "event \(mine["sequence"] as Int64)")
                }
                #expect(remote.last?["action"] as String? == "register.import")
                let report = try await registry.verify()
                #expect(report.isValid, "\(report.problems)")
                let center = try GeoPoint(latitude: 35.5, longitude: 38.75)
                for includeRestricted in [false, true] {
                    #expect(
                        try await registry.sitesNear(center, radiusKm: 30, includeRestricted: includeRestricted)
                            == (try temp.archive.sitesNear(center, radiusKm: 30, includeRestricted: includeRestricted)))
                }
                // The same sites found (the two rank ties differently).
                for text in ["Սուրբ", "saint etienne", "sidi yahya", "SY-ALP-0003"] {
                    let theirs = try temp.archive.searchSites(text, includeRestricted: true)
                    let ours = try await registry.searchSites(text, includeRestricted: true)
                    #expect(!theirs.isEmpty && Set(ours.map(\.code)) == Set(theirs.map(\.code)), "\(text)")
                }

                // Again: every site conflicts, listed as the archive lists them; nothing changes.
                let archiveRefusal = #expect(throws: HeritageStoreError.self) {
                    try temp.archive.importSites(register, actor: "ana")
                }
                let refusal = await #expect(throws: HeritageStoreError.self) {
                    try await registry.importSites(register, actor: "ana")
                }
                #expect(refusal?.code == .importRejected && refusal?.issues.count == 800)
                #expect(refusal?.message == archiveRefusal?.message && refusal?.issues == archiveRefusal?.issues)
                // A register with a bad row and a code taken in another case.
                let bad = try SiteRegister.parse(
                    Array(
                        """
                        code,name,kind,latitude,longitude
                        NEW-1,Fine,church,35.1,38.2
                        sy-alp-0003,Taken,church,35.1,38.2
                        NEW-2,Off the map,church,95,38.2

                        """.utf8), fileName: "bad.csv", format: .csv)
                let badRefusal = await #expect(throws: HeritageStoreError.self) {
                    try await registry.importSites(bad, actor: "ana")
                }
                #expect(badRefusal?.issues.map(\.line) == [3, 4], "\(badRefusal?.issues ?? [])")
                #expect(badRefusal?.issues.first?.reason == "code sy-alp-0003 already exists in the archive")
                #expect(try await registry.integer("SELECT count(*) AS value FROM auditEvent") == 402)
                #expect(try await registry.integer("SELECT count(*) AS value FROM site") == 400)
            }
        }
    }
    /// A bulk import leaves the tables vacuumed and analysed, so that the next queries are
    /// planned for their size and read rows already marked visible to all.
    @Test func aBulkImportIsVacuumedAndAnalysed() async throws {
        let count = PostgresRegistry.bulkImportSites
        let register = try SiteRegister.parse(
            Array(GeneratedRegister.csv(count: count).utf8), fileName: "bulk.csv", format: .csv)
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { registry in
                try await registry.migrate()
                #expect(try await registry.importSites(register, actor: "ana") == count)
                let stats = try await registry.rows(
                    """
                    SELECT relname AS name, (last_vacuum IS NOT NULL AND last_analyze IS NOT NULL)::int AS done
                    FROM pg_stat_user_tables WHERE relname IN ('site', 'sitesearch', 'auditevent') ORDER BY relname
                    """)
                #expect(stats.map { $0["done"] as Int64 } == [1, 1, 1], "\(stats)")
                #expect(try await registry.integer("SELECT count(*) AS value FROM site") == Int64(count))
                let report = try await registry.verify()
                #expect(report.isValid, "\(report.problems)")
            }
        }
    }
}
