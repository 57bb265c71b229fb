import Foundation
import GRDB
import HeritageOperations
import HeritageStore
import HeritageTestSupport
import Testing

@testable import HeritagePostgres

/// Surveys, assessments and drafts from findings behave the same on both backends.
@Suite(.serialized)
struct ConditionStoreBackendTests {
    @Test(arguments: StoreBackend.available)
    func surveysAndAssessmentsFollowTheArchivesRules(_ backend: StoreBackend) async throws {
        try await backend.withEmptyStore { backendStore in
            let store = backendStore.store
            try store.addSite(makeSite(code: "A"), actor: "ana")
            try store.addSite(makeSite(code: "B", latitude: 35.2), actor: "ana")
            let later = try store.addSurvey(
                Survey(siteID: "a", startDate: "2024-05-02", team: ["Ana", "Ben"], method: .photogrammetry),
                actor: "ana")
            let earlier = try store.addSurvey(
                Survey(siteID: "A", startDate: "2023-11", method: .terrestrialLaserScan, notes: "before the flood"),
                actor: "ana")
            #expect(try store.surveys(ofSite: "A").map(\.id) == [earlier.id, later.id])
            #expect(try store.survey(String(later.id.prefix(5))) == later)
            #expect(try store.findings(ofSite: "A").isEmpty)
            #expect(try store.findings(ofSite: "a", limit: 10, offset: 0).total == 0)
            #expect(later.siteID == (try store.requireSite("A")).id)
            let noSite = #expect(throws: HeritageStoreError.self) {
                try store.addSurvey(Survey(siteID: "C", startDate: "2024", method: .terrestrialLaserScan), actor: "ana")
            }
            #expect(noSite?.message == "no site with code or id 'C'")
            // An assessment names its survey by the first characters of its id; a survey of
            // another site is refused, as is a correction of an assessment corrected already.
            var surveyed = makeAssessment(site: "A", date: "2024-05-02", condition: .poor)
            surveyed.surveyID = String(later.id.prefix(6))
            let poor = try store.addAssessment(surveyed, actor: "ana")
            #expect(poor.surveyID == later.id)
            surveyed.siteID = "B"
            surveyed.surveyID = later.id
            let elsewhere = #expect(throws: HeritageStoreError.self) { try store.addAssessment(surveyed, actor: "ana") }
            #expect(elsewhere?.message.contains("was made at another site") == true)
            let fixed = try store.addAssessment(
                makeAssessment(site: "A", date: "2024-05-02", condition: .veryBad, supersedes: poor.id), actor: "ben")
            #expect(throws: HeritageStoreError.self) {
                try store.addAssessment(
                    makeAssessment(site: "A", date: "2024-05-03", condition: .fair, supersedes: poor.id), actor: "ben")
            }
            #expect(try store.latestCondition(ofSite: "A") == fixed)
            #expect(try store.conditionHistory(ofSite: "A").map(\.supersededBy) == [fixed.id, nil])
            #expect(throws: HeritageStoreError.self) { try store.finding("abcd") }
            let actions = try backendStore.events().map(\.action).filter { $0 != "archive.init" }
            #expect(
                actions == [
                    "site.create", "site.create", "survey.create", "survey.create", "condition.create",
                    "condition.create",
                ])
            #expect(try backendStore.verify() == [])
        }
    }

    /// An archive with a finding, copied to PostgreSQL: an assessment drafted from the finding
    /// there (`condition add --from-finding`) is the one the archive drafts, with the same event.
    @Test(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipReason))
    func assessmentsAreDraftedFromFindingsOnBothBackends() async throws {
        let (temp, folder, finding) = try Self.archiveWithFinding()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { _ = try await $0.copy(from: temp.archive) }
            let archive = temp.archive
            do {
                try PostgresStore.with(location) { registry in
                    var statement = AssessmentStatement(assessor: "Ana", condition: .poor, certainty: .medium)
                    statement.notes = "seen on site"
                    for store in [archive, registry] as [any RegistryStore] {
                        let (draft, used) = try store.draftAssessment(
                            statement, fromFinding: String(finding.id.prefix(6)), today: "2026-12-04")
                        #expect(used == finding)
                        #expect(try store.findings(ofSite: "s") == [finding])
                        #expect(try store.findings(ofSite: "S", limit: 0, offset: 0).total == 1)
                        var fixed = draft
                        fixed.id = "cccc3333-0000-4000-8000-000000000003"
                        try store.addAssessment(fixed, actor: "ana", time: "2026-12-04T21:30:00.000Z")
                        var elsewhere = statement
                        elsewhere.site = "OTHER"
                        let refused = #expect(throws: HeritageStoreError.self) {
                            try store.draftAssessment(elsewhere, fromFinding: finding.id)
                        }
                        #expect(refused?.message.contains("was recorded on another site than OTHER") == true)
                    }
                    let local = try BackendStore.archive(archive).events()
                    let remote = try BackendStore.postgres(registry).events()
                    #expect(remote == local)
                    let stored = try #require(try registry.latestCondition(ofSite: "S"))
                    #expect(stored.notes?.hasPrefix("From finding \(finding.id) (m3c2") == true)
                    #expect(stored.damageExtent == .upTo10 && stored.activity == .scanComparison)
                }
            }
            // The command: --from-finding on the database.
            let address = "postgresql://\(location.user)@\(location.host):\(location.port)/\(location.database)"
            let added = try HeritageBinary.run(
                [
                    "condition", "add", "--from-finding", String(finding.id.prefix(8)), "--assessor", "Ben",
                    "--condition", "very-bad", "--certainty", "high", "--database", address,
                ])
            #expect(added.status == 0 && added.stdout.contains("of S: Very Bad"), "\(added)")
            #expect(added.stdout.contains("from finding \(finding.id.prefix(8))"), "\(added)")
            let verified = try HeritageBinary.run(["verify", "--database", address])
            #expect(verified.status == 0, "\(verified)")
        }
    }

    /// Site S (and OTHER), two versions of a scan of S, and a finding comparing them.
    static func archiveWithFinding() throws -> (TemporaryArchive, URL, Finding) {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "ana")
        try temp.archive.addSite(makeSite(code: "OTHER", latitude: 35.3), actor: "ana")
        let folder = try temporaryFolder()
        func request(_ name: String, _ text: String, asset: String? = nil, kind: AssetKind = .scan)
            throws -> AssetImportRequest
        {
            let url = folder.appending(path: name)
            try Data(text.utf8).write(to: url)
            return AssetImportRequest(
                file: url, site: "S", asset: asset, kind: kind, format: kind == .scan ? "ply" : "json",
                summaryJSON: "{}", importerVersion: "test")
        }
        guard case .stored(let first) = try temp.archive.importAssets([try request("a.ply", "one")], actor: "ana")[0],
            case .stored(let second) = try temp.archive.importAssets(
                [try request("b.ply", "two", asset: first.assetID)], actor: "ana")[0]
        else { throw HeritageStoreError(.invalidInput, "the fixture's imports stored nothing") }
        let draft = Finding(
            siteID: "S", method: .m3c2, beforeVersionID: first.id, afterVersionID: second.id, resultVersionIDs: [],
            measuredCount: 100, significantCount: 7, noDataCount: 0, regionCount: 1, lossVolume: 0.5, gainVolume: 0,
            lossArea: 1, changedArea: nil, maxDepth: 0.2, units: "m", summary: "seven points moved")
        let (finding, _) = try temp.archive.recordFinding(
            draft, storing: [try request("summary.json", "{}", kind: .derived)], actor: "ben")
        return (temp, folder, finding)
    }
}
