import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

@Suite struct ProposalTests {
    @Test func anApprovedEditIsMadeByTheApproverAndNamesBoth() throws {
        let temp = try TemporaryArchive()
        let site = try temp.archive.addSite(makeSite(code: "S"), actor: "admin")
        var edited = site
        edited.period = "1557-1567"
        let proposal = try temp.archive.propose(
            Proposal(kind: .siteUpdate, siteID: "S", site: edited, note: "date from the waqf deed", proposedBy: "x"),
            actor: "sam")
        #expect(proposal.proposedBy == "sam")  // the actor, never the name given in the draft
        #expect(proposal.base == site)
        #expect(try temp.archive.requireSite("S").period == "1557-1566")  // nothing changes before review

        let own = #expect(throws: HeritageStoreError.self) {
            try temp.archive.decide(proposal: proposal.id, approve: true, reason: nil, actor: "SAM")
        }
        #expect(own?.code == .notPermitted)
        let approved = try temp.archive.decide(proposal: proposal.id, approve: true, reason: nil, actor: "rita")
        #expect(approved.status == .approved && approved.decidedBy == "rita" && approved.resultID == site.id)
        #expect(try temp.archive.requireSite("S").period == "1557-1567")

        let events = try temp.archive.auditEvents(entityID: proposal.id)
        #expect(events.map(\.action) == ["proposal.create", "proposal.approve"])
        #expect(events.map(\.actor) == ["sam", "rita"])
        #expect(events[1].newValue?.contains(#""proposedBy":"sam""#) == true)
        #expect(try temp.archive.auditEvents(entityID: site.id).last?.actor == "rita")
        // Decided once.
        let again = #expect(throws: HeritageStoreError.self) {
            try temp.archive.decide(proposal: proposal.id, approve: false, reason: "no", actor: "rob")
        }
        #expect(again?.code == .conflict)
        #expect(try temp.archive.verify().isValid)
    }

    @Test func aRejectionNeedsAReasonAndChangesNothing() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "admin")
        let proposal = try temp.archive.propose(
            Proposal(
                kind: .conditionCreate, siteID: "",
                assessment: makeAssessment(site: "S", date: "2024-05-01", condition: .destroyed), proposedBy: ""),
            actor: "sam")
        #expect(throws: HeritageStoreError.self) {
            try temp.archive.decide(proposal: proposal.id, approve: false, reason: "  ", actor: "rita")
        }
        let rejected = try temp.archive.decide(
            proposal: String(proposal.id.prefix(8)), approve: false, reason: "the photo shows the east bank",
            actor: "rita")
        #expect(rejected.status == .rejected && rejected.reason == "the photo shows the east bank")
        #expect(try temp.archive.conditionHistory(ofSite: "S").isEmpty)
        #expect(
            try temp.archive.proposals(status: .rejected, site: nil, proposedBy: nil, limit: 100, offset: 0).map(\.id)
                == [proposal.id])
        #expect(try temp.archive.proposals(status: .pending, site: nil, proposedBy: nil, limit: 100, offset: 0).isEmpty)
        #expect(try temp.archive.verify().isValid)
    }

    @Test func anAssessmentAndANewSiteAreAppendedOnApproval() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "admin")
        let assessment = try temp.archive.propose(
            Proposal(
                kind: .conditionCreate, siteID: "",
                assessment: makeAssessment(site: "s", date: "2024-05-01", condition: .poor), proposedBy: ""),
            actor: "sam")
        let newSite = try temp.archive.propose(
            Proposal(kind: .siteCreate, siteID: "", site: makeSite(code: "NEW"), proposedBy: ""), actor: "sam")
        #expect(try temp.archive.site("NEW") == nil)
        let first = try temp.archive.decide(proposal: assessment.id, approve: true, reason: "seen", actor: "rita")
        #expect(try temp.archive.latestCondition(ofSite: "S")?.id == first.resultID)
        try temp.archive.decide(proposal: newSite.id, approve: true, reason: nil, actor: "rita")
        #expect(try temp.archive.site("NEW")?.id == newSite.siteID)
        #expect(try temp.archive.verify().proposalCount == 2)
    }

    @Test func anEditOfASiteChangedSinceIsRefusedNotOverwritten() throws {
        let temp = try TemporaryArchive()
        let site = try temp.archive.addSite(makeSite(code: "S"), actor: "admin")
        var edited = site
        edited.community = "Ottoman (Mimar Hayruddin)"
        let proposal = try temp.archive.propose(
            Proposal(kind: .siteUpdate, siteID: "S", site: edited, proposedBy: ""), actor: "sam")
        try temp.archive.editSite("S", actor: "admin") { $0.period = "16th century" }
        let stale = #expect(throws: HeritageStoreError.self) {
            try temp.archive.decide(proposal: proposal.id, approve: true, reason: nil, actor: "rita")
        }
        #expect(stale?.code == .conflict)
        #expect(try temp.archive.requireSite("S").period == "16th century")
        #expect(try temp.archive.proposal(proposal.id).status == .pending)
    }

    @Test func proposalsAreCheckedWhenMadeNotOnlyWhenApproved() throws {
        let temp = try TemporaryArchive()
        let site = try temp.archive.addSite(makeSite(code: "S"), actor: "admin")
        try temp.archive.addSite(makeSite(code: "OTHER"), actor: "admin")
        let other = try temp.archive.addSurvey(
            Survey(siteID: "OTHER", startDate: "2024-01-01", method: .photography), actor: "admin")
        let cases: [(Proposal, HeritageStoreError.Code)] = [
            (Proposal(kind: .siteCreate, siteID: "", site: makeSite(code: "s"), proposedBy: ""), .conflict),
            (Proposal(kind: .siteUpdate, siteID: "S", site: site, proposedBy: ""), .invalidInput),
            (Proposal(kind: .siteUpdate, siteID: "NOPE", site: site, proposedBy: ""), .notFound),
            (
                Proposal(
                    kind: .conditionCreate, siteID: "",
                    assessment: makeAssessment(site: "NOPE", date: "2024", condition: .good), proposedBy: ""),
                .notFound
            ),
            (
                Proposal(
                    kind: .conditionCreate, siteID: "",
                    assessment: makeAssessment(site: "S", date: "2024", condition: .good), evidence: [other.id],
                    proposedBy: ""), .invalidInput
            ),
        ]
        for (draft, code) in cases {
            let error = #expect(throws: HeritageStoreError.self) { try temp.archive.propose(draft, actor: "sam") }
            #expect(error?.code == code, "\(draft.kind) \(String(describing: error))")
        }
        #expect(try temp.archive.proposals(status: nil, site: nil, proposedBy: nil, limit: 100, offset: 0).isEmpty)
    }

    @Test func aProposalCannotBeRewrittenOrDeletedAndVerifyCatchesADecisionForged() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "admin")
        let proposal = try temp.archive.propose(
            Proposal(
                kind: .conditionCreate, siteID: "",
                assessment: makeAssessment(site: "S", date: "2024", condition: .good), proposedBy: ""), actor: "sam")
        let queue = try DatabaseQueue(path: temp.registryPath)
        for sql in [
            "DELETE FROM proposal", "UPDATE proposal SET proposedBy = 'mallory'",
            "UPDATE proposal SET status = 'approved', decidedBy = 'sam', decidedAt = 'x', resultId = 'y'",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") { try queue.write { try $0.execute(sql: sql) } }
        }
        // Rejected by someone who never did: the row satisfies the schema, the trail does not.
        try queue.write {
            try $0.execute(
                sql: "UPDATE proposal SET status = 'rejected', decidedBy = 'rita', decidedAt = 'now', reason = 'x'")
        }
        let report = try temp.archive.verify()
        #expect(!report.isValid)
        #expect(report.stateMismatches.contains { $0.contains("proposal \(proposal.id)") })
    }

    @Test func aRestrictedSitesProposalIsShownGeneralisedWithoutClearance() throws {
        let temp = try TemporaryArchive()
        let site = try temp.archive.addSite(
            makeSite(code: "R", latitude: 40.1234567, longitude: 44.7654321, sensitivity: .restricted), actor: "admin")
        var moved = site
        moved.location.latitude = 40.1311111
        moved.description = "Moved: the chapel stands at 40.1311111, not on the old record."
        let proposal = try temp.archive.propose(
            Proposal(kind: .siteUpdate, siteID: "R", site: moved, proposedBy: ""), actor: "sam")
        let shown = try temp.archive.released(proposal, includeRestricted: false)
        let text = String(decoding: try JSONEncoder().encode(shown), as: UTF8.self)
        for secret in ["40.1234567", "44.7654321", "40.1311111", "40.123", "40.131", "44.765"] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
        let cleared = String(
            decoding: try JSONEncoder().encode(try temp.archive.released(proposal, includeRestricted: true)),
            as: UTF8.self)
        #expect(cleared.contains("40.1311111"))
    }
}
