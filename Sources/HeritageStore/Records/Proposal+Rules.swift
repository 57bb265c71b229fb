import Foundation

/// The rules of proposing and deciding that do not depend on where proposals are kept: both
/// backends apply them, with these messages.
extension Proposal {
    /// This draft as a new proposal by `actor`: pending, undecided, its note trimmed.
    package func pending(by actor: String) -> Proposal {
        var proposal = self
        proposal.proposedBy = actor
        proposal.status = .pending
        (proposal.decidedBy, proposal.decidedAt, proposal.reason, proposal.resultID) = (nil, nil, nil, nil)
        proposal.note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        return proposal
    }

    /// This site-creating proposal's site, checked.
    package func proposedNewSite() throws -> Site {
        guard let site = try site?.validated() else {
            throw HeritageStoreError(.invalidInput, "a proposed site needs its record")
        }
        return site
    }

    /// This edit's site as it would replace `current`: its id kept, checked, and a change.
    package func proposedEdit(of current: Site) throws -> Site {
        guard var site else { throw HeritageStoreError(.invalidInput, "a proposed edit needs the site as it would be") }
        site.id = current.id
        site = try site.validated()
        guard site != current else {
            throw HeritageStoreError(.invalidInput, "the proposed edit of \(current.code) changes nothing")
        }
        return site
    }

    /// This assessment-creating proposal's assessment, checked.
    package func proposedAssessment() throws -> ConditionAssessment {
        guard let assessment = try assessment?.validated() else {
            throw HeritageStoreError(.invalidInput, "a proposed condition assessment needs its record")
        }
        return assessment
    }

    /// A rejection's reason, trimmed; refused when a rejection has none.
    package static func checkedReason(_ reason: String?, approve: Bool) throws -> String? {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if !approve && reason == nil { throw HeritageStoreError(.invalidInput, "a rejection needs its reason") }
        return reason
    }

    /// This pending proposal as decided by `actor`, who must not have made it (the record it
    /// made, and the time, are the caller's to set).
    package func decided(approve: Bool, reason: String?, by actor: String) throws -> Proposal {
        guard status == .pending else {
            throw HeritageStoreError(
                .conflict, "proposal \(id.prefix(8)) was \(status.rawValue) already, by \(decidedBy ?? "?")")
        }
        guard proposedBy.lowercased() != actor.lowercased() else {
            throw HeritageStoreError(
                .notPermitted, "a proposal is decided by someone other than the one who made it (\(actor))")
        }
        var new = self
        new.status = approve ? .approved : .rejected
        new.decidedBy = actor
        new.reason = reason
        return new
    }

    /// Refused when the site an approved edit changes is no longer what the edit was made on.
    package func requireBase(is current: Site) throws {
        guard current == base else {
            throw HeritageStoreError(
                .conflict,
                "site \(current.code) has changed since this edit was proposed; reject it and propose the edit again")
        }
    }

    package static func siteExists(_ code: String) -> HeritageStoreError {
        HeritageStoreError(.conflict, "a site with code \(code) already exists")
    }

    package static func notOfSite(_ table: String, _ id: String, _ site: Site) -> HeritageStoreError {
        HeritageStoreError(.invalidInput, "\(table) \(id.prefix(8)) is not of site \(site.code)")
    }

    package static func evidenceOfAnotherSite(_ reference: String) -> HeritageStoreError {
        HeritageStoreError(.invalidInput, "evidence \(reference) belongs to another site")
    }

    package static func noEvidence(_ reference: String) -> HeritageStoreError {
        HeritageStoreError(
            .notFound, "no finding, survey, asset or asset version with id '\(reference)' to cite as evidence")
    }

    /// The tables evidence may come from, in the order an id is looked for in them.
    package static let evidenceTables = ["finding", "survey", "asset", "assetVersion"]
}
