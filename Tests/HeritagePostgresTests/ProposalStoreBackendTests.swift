import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

@testable import HeritagePostgres

/// Proposals are recorded, listed and decided the same way on both backends: the same checks
/// and messages, the change made on approval in the same transaction, the same events.
@Suite(.serialized)
struct ProposalStoreBackendTests {
    static let newSite = makeSite(code: "NEW-1", latitude: 35.4, longitude: 38.1)

    /// A new site, an edit and an assessment proposed, then approved or rejected.
    @Test(arguments: StoreBackend.available)
    func proposalsAreCheckedDecidedOnceAndMadeOnApproval(_ backend: StoreBackend) async throws {
        try await backend.withEmptyStore { backendStore in
            let store = backendStore.store
            let created = try store.propose(
                Proposal(
                    kind: .siteCreate, siteID: "", site: Self.newSite, note: "  seen from the road  ",
                    proposedBy: "forged"), actor: "lena")
            #expect(created.proposedBy == "lena" && created.status == .pending && created.note == "seen from the road")
            #expect(created.siteID == Self.newSite.id)
            // No one decides their own proposal; a rejection needs its reason.
            let own = #expect(throws: HeritageStoreError.self) {
                try store.decide(proposal: created.id, approve: true, reason: nil, actor: "LENA")
            }
            #expect(own?.code == .notPermitted)
            let bare = #expect(throws: HeritageStoreError.self) {
                try store.decide(proposal: created.id, approve: false, reason: "  ", actor: "omar")
            }
            #expect(bare?.message == "a rejection needs its reason")
            let approved = try store.decide(
                proposal: String(created.id.prefix(6)), approve: true, reason: nil, actor: "omar")
            #expect(approved.status == .approved && approved.resultID == Self.newSite.id)
            #expect(try store.requireSite("NEW-1").id == Self.newSite.id)
            let twice = #expect(throws: HeritageStoreError.self) {
                try store.decide(proposal: created.id, approve: false, reason: "late", actor: "omar")
            }
            #expect(twice?.message == "proposal \(created.id.prefix(8)) was approved already, by omar")
            // An edit made meanwhile stops an edit proposed before it from being approved.
            var renamed = Self.newSite
            renamed.period = "Ottoman"
            let edit = try store.propose(
                Proposal(kind: .siteUpdate, siteID: "new-1", site: renamed, proposedBy: ""), actor: "lena")
            #expect(edit.base == (try store.requireSite("NEW-1")))
            try store.editSite("NEW-1", actor: "omar") { $0.description = "changed meanwhile" }
            let stale = #expect(throws: HeritageStoreError.self) {
                try store.decide(proposal: edit.id, approve: true, reason: nil, actor: "omar")
            }
            #expect(stale?.message.contains("has changed since this edit was proposed") == true)
            try store.decide(proposal: edit.id, approve: false, reason: "stale", actor: "omar")
            let unchanged = #expect(throws: HeritageStoreError.self) {
                try store.propose(
                    Proposal(kind: .siteUpdate, siteID: "NEW-1", site: try store.requireSite("NEW-1"), proposedBy: ""),
                    actor: "lena")
            }
            #expect(unchanged?.message == "the proposed edit of NEW-1 changes nothing")
            let taken = #expect(throws: HeritageStoreError.self) {
                try store.propose(
                    Proposal(kind: .siteCreate, siteID: "", site: makeSite(code: "new-1"), proposedBy: ""),
                    actor: "lena")
            }
            #expect(taken?.message == "a site with code NEW-1 already exists")
            // An assessment cites evidence of its own site only.
            try store.addSite(makeSite(code: "OTHER", latitude: 36), actor: "omar")
            let survey = try store.addSurvey(
                Survey(siteID: "NEW-1", startDate: "2024-04", method: .photography), actor: "omar")
            let elsewhere = try store.addSurvey(
                Survey(siteID: "OTHER", startDate: "2024-04", method: .photography), actor: "omar")
            let assessment = makeAssessment(site: "NEW-1", date: "2024-04-02", condition: .poor)
            let wrong = #expect(throws: HeritageStoreError.self) {
                try store.propose(
                    Proposal(
                        kind: .conditionCreate, siteID: "", assessment: assessment, evidence: [elsewhere.id],
                        proposedBy: ""), actor: "lena")
            }
            #expect(wrong?.message == "evidence \(elsewhere.id) belongs to another site")
            let condition = try store.propose(
                Proposal(
                    kind: .conditionCreate, siteID: "", assessment: assessment,
                    evidence: [String(survey.id.prefix(8))], proposedBy: ""), actor: "lena")
            #expect(condition.evidence == [survey.id])
            let made = try store.decide(proposal: condition.id, approve: true, reason: "agreed", actor: "omar")
            #expect(try store.latestCondition(ofSite: "NEW-1")?.id == made.resultID)
            // Lists: by status, by proposer in any case, by site code.
            #expect(try store.proposals(status: .pending, site: nil, proposedBy: nil, limit: 10, offset: 0).isEmpty)
            #expect(
                try store.proposals(status: nil, site: "new-1", proposedBy: "Lena", limit: 10, offset: 0).map(\.id)
                    == [created.id, edit.id, condition.id])
            #expect(try store.proposal(String(edit.id.prefix(5))).reason == "stale")
            // Refused proposals and decisions wrote nothing; an approval's change is the approver's.
            let events = try backendStore.events().filter { $0.action != "archive.init" }
            #expect(
                events.map { "\($0.action) by \($0.actor)" } == [
                    "proposal.create by lena", "site.create by omar", "proposal.approve by omar",
                    "proposal.create by lena", "site.update by omar", "proposal.reject by omar", "site.create by omar",
                    "survey.create by omar", "survey.create by omar", "proposal.create by lena",
                    "condition.create by omar", "proposal.approve by omar",
                ])
            #expect(try backendStore.verify() == [])
        }
    }

    /// The same proposals and decisions on an archive and on a registry copied from it, at the
    /// same times: the same events, byte for byte.
    @Test(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipReason))
    func theSameDecisionsHashTheSameOnBothBackends() async throws {
        let events = try await expectSameEventsOnBoth(TemporaryArchive()) { store in
            try store.propose(
                Proposal(
                    id: "eeee5555-0000-4000-8000-000000000005", kind: .siteCreate, siteID: "", site: Self.newSite,
                    proposedBy: ""), actor: "lena", time: "2026-12-04T22:10:00.000Z")
            try store.decide(
                proposal: "eeee5555", approve: true, reason: "fine", actor: "omar", time: "2026-12-04T22:11:00.000Z")
            var edited = Self.newSite
            edited.community = "Armenian"
            try store.propose(
                Proposal(
                    id: "ffff6666-0000-4000-8000-000000000006", kind: .siteUpdate, siteID: "NEW-1", site: edited,
                    proposedBy: ""), actor: "lena", time: "2026-12-04T22:12:00.000Z")
            try store.decide(
                proposal: "ffff6666", approve: true, reason: nil, actor: "omar", time: "2026-12-04T22:13:00.000Z")
        }
        #expect(events.count == 7)
    }
}
