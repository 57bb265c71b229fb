import Foundation
import GRDB

extension HeritageArchive {
    /// Adds a site after checking it; records `site.create` in the audit log.
    ///
    /// - Throws: ``HeritageStoreError`` with code `invalidInput` for a bad value and `conflict`
    ///   when the code or id is already used.
    @discardableResult
    public func addSite(_ draft: Site, actor: String, time: String) throws -> Site {
        let site = try draft.validated()
        return try write { db in
            try Self.insertSite(db, site, actor: actor, time: time)
            return site
        }
    }

    static func insertSite(_ db: Database, _ site: Site, actor: String, time: String = Timestamp.now()) throws {
        if let existing = try db.fetchCached(
            String.self, sql: "SELECT code FROM site WHERE code = ? COLLATE NOCASE", arguments: [site.code])
        {
            throw HeritageStoreError(
                .conflict,
                "a site with code \(existing) already exists"
                    + (existing == site.code ? "" : " (codes are compared without regard to case)"))
        }
        // An id the user gave (an import, a copy); one generated here cannot collide.
        if let existing = try db.fetchCached(
            String.self, sql: "SELECT code FROM site WHERE id = ?", arguments: [site.id])
        {
            throw HeritageStoreError(.conflict, "site \(existing) already has the id \(site.id) given for \(site.code)")
        }
        let writer = try SiteWriter(db)
        let seq = try writer.insert(site, time: time)
        try writer.insertPlaces(seqs: [seq]) { _ in site }
        try AuditLog.append(
            db, actor: actor, action: "site.create", entityType: "site", entityID: site.id, entitySeq: seq,
            oldValue: nil, newValue: try SiteJSON.encode(site), time: time)
    }

    /// The site with this id or code (codes ignore case), or `nil`.
    public func site(_ reference: String) throws -> Site? {
        try read { db in try Site.fetch(db, reference: reference) }
    }

    /// Changes a site. The id never changes; the old and new values go to the audit log.
    ///
    /// - Returns: the site as stored, and whether anything changed (an edit that changes nothing
    ///   writes nothing).
    @discardableResult
    public func editSite(
        _ reference: String, actor: String, time: String, change: (inout Site) throws -> Void
    ) throws -> (site: Site, changed: Bool) {
        try write { db in
            guard let old = try Site.fetch(db, reference: reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            var edited = old
            try change(&edited)
            return try Self.replaceSite(db, old: old, with: edited, actor: actor, time: time)
        }
    }

    /// Replaces `old` (as read in this transaction) with `edited`, checked and audited as
    /// `site.update`. An edit that changes nothing writes nothing.
    @discardableResult
    static func replaceSite(
        _ db: Database, old: Site, with edited: Site, actor: String, time: String = Timestamp.now()
    ) throws -> (site: Site, changed: Bool) {
        guard let new = try old.replacement(edited) else { return (old, false) }
        if new.code.lowercased() != old.code.lowercased(),
            try Bool.fetchOne(db, sql: "SELECT 1 FROM site WHERE code = ? COLLATE NOCASE", arguments: [new.code])
                == true
        {
            throw Site.codeTaken(new.code)
        }
        let seq = try new.update(db, time: time)
        try AuditLog.append(
            db, actor: actor, action: "site.update", entityType: "site", entityID: new.id, entitySeq: seq,
            oldValue: try JSONText.encode(old), newValue: try JSONText.encode(new), time: time)
        return (new, true)
    }

    /// Number of sites in the registry.
    public func siteCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM site") ?? 0 }
    }

    /// Every site, in code order, with all its fields (for exports).
    public func allSites() throws -> [Site] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM site ORDER BY code").map { try Site(db, row: $0) }
        }
    }
}
