import Foundation

/// Where sites and what hangs off them are kept: the archive (``HeritageArchive``) or a
/// PostgreSQL registry, with the same rules, messages and audit events.
public protocol SiteStore: Sendable {
    /// Adds a site after checking it (`site.create`). Throws `invalidInput` for a bad value,
    /// `conflict` when the code (in any case) or the id is taken.
    @discardableResult
    func addSite(_ draft: Site, actor: String, time: String) throws -> Site
    /// The site with this id or code (codes ignore case), or nil.
    func site(_ reference: String) throws -> Site?
    /// Changes a site (`site.update`, with the old and new values); the id never changes. An edit
    /// that changes nothing writes nothing.
    @discardableResult
    func editSite(_ reference: String, actor: String, time: String, change: (inout Site) throws -> Void) throws
        -> (site: Site, changed: Bool)
}

extension SiteStore {
    /// Adds a site, now.
    @discardableResult
    public func addSite(_ draft: Site, actor: String) throws -> Site {
        try addSite(draft, actor: actor, time: Timestamp.now())
    }

    /// The site with this id or code, or a `notFound` error naming the reference.
    public func requireSite(_ reference: String) throws -> Site {
        guard let site = try site(reference) else {
            throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
        }
        return site
    }

    /// Changes a site, now.
    @discardableResult
    public func editSite(_ reference: String, actor: String, change: (inout Site) throws -> Void) throws -> (
        site: Site, changed: Bool
    ) {
        try editSite(reference, actor: actor, time: Timestamp.now(), change: change)
    }
}

extension HeritageArchive: SiteStore {}

/// What both backends provide so far: the commands that work on either take this.
public typealias RegistryStore = AccountStore & SiteStore & ConditionStore & JobStore & ProposalStore & QueryStore
    & AuditStore
