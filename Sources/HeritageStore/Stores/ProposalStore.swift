import Foundation

/// Where proposals wait for review: the archive or a PostgreSQL registry, with the same rules,
/// messages and audit events.
public protocol ProposalStore: Sendable {
    /// Records a proposal by `actor` (`proposal.create`), checked as its change would be when
    /// approved; evidence must be findings, surveys, assets or asset versions of the same site.
    @discardableResult
    func propose(_ draft: Proposal, actor: String, time: String) throws -> Proposal
    /// Approves (making its change, as `actor`) or rejects (with a reason) a pending proposal
    /// that `actor` did not make (`proposal.approve`, `proposal.reject`), in one transaction.
    @discardableResult
    func decide(proposal reference: String, approve: Bool, reason: String?, actor: String, time: String) throws
        -> Proposal
    /// Proposals, oldest first, optionally of one status, site (code or id) or proposer.
    func proposals(status: Proposal.Status?, site: String?, proposedBy: String?, limit: Int, offset: Int) throws
        -> [Proposal]
    /// The proposal with this id (or its first characters).
    func proposal(_ reference: String) throws -> Proposal
}

extension ProposalStore {
    /// Records a proposal, now.
    @discardableResult
    public func propose(_ draft: Proposal, actor: String) throws -> Proposal {
        try propose(draft, actor: actor, time: Timestamp.now())
    }

    /// Decides a proposal, now.
    @discardableResult
    public func decide(proposal reference: String, approve: Bool, reason: String?, actor: String) throws -> Proposal {
        try decide(proposal: reference, approve: approve, reason: reason, actor: actor, time: Timestamp.now())
    }
}

extension HeritageArchive: ProposalStore {}
