import Foundation
import GRDB
import HeritageStore

/// Reading whole sites and changing them on PostgreSQL, with the archive's rules, messages
/// and `site.update` event, byte for byte.
extension PostgresRegistry {
    /// The site with this id or code (codes ignore case), or nil.
    public func site(_ reference: String) async throws -> Site? {
        try await storedSite(reference)?.site
    }

    /// Changes a site. The id never changes; the old and new values go to the audit log. An
    /// edit that changes nothing writes nothing.
    @discardableResult
    public func editSite(
        _ reference: String, actor: String, time: String = Timestamp.now(), change: (inout Site) throws -> Void
    ) async throws -> (site: Site, changed: Bool) {
        try await transaction {
            try await self.lockAudit()
            guard let (old, seq) = try await self.storedSite(reference, forUpdate: true) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            var edited = old
            try change(&edited)
            return try await self.replaceSite(old, seq: seq, with: edited, actor: actor, time: time)
        }
    }

    /// Replaces `old` (row `seq`, read in this transaction, which holds the audit lock) with
    /// `edited`, checked and audited as `site.update`. An edit that changes nothing writes nothing.
    func replaceSite(_ old: Site, seq: Int64, with edited: Site, actor: String, time: String) async throws
        -> (site: Site, changed: Bool)
    {
        guard let new = try old.replacement(edited) else { return (old, false) }
        if new.code.lowercased() != old.code.lowercased(),
            try await integer("SELECT 1 AS value FROM site WHERE lower(code) = lower($1)", [new.code]) != nil
        {
            throw Site.codeTaken(new.code)
        }
        try await replaceRows(of: new, seq: seq, time: time)
        try await appendEvent(
            actor: actor, action: "site.update", entityType: "site", entityID: new.id, entitySeq: seq,
            oldValue: try RecordAudit.json(old), newValue: try RecordAudit.json(new), time: time)
        return (new, true)
    }

    /// The site and its row's seq; `forUpdate` locks the row for the transaction.
    func storedSite(_ reference: String, forUpdate: Bool = false) async throws -> (site: Site, seq: Int64)? {
        // An id first, then a code in any case, as the archive looks a reference up.
        guard
            let row = try await rows(
                "SELECT * FROM site WHERE id = $1 OR lower(code) = lower($1) ORDER BY (id = $1) DESC LIMIT 1"
                    + (forUpdate ? " FOR UPDATE" : ""), [reference]
            ).first
        else { return nil }
        let seq: Int64 = row["seq"]
        var children = RecordAudit.SiteChildren()
        children.names = try await rows(
            "SELECT language, name, isPrimary FROM siteName WHERE siteSeq = $1 ORDER BY position", [seq])
        children.designations = try await rows(
            "SELECT type, reference, date FROM siteDesignation WHERE siteSeq = $1 ORDER BY position", [seq])
        children.externalIDs = try await rows(
            "SELECT scheme, value FROM siteExternalId WHERE siteSeq = $1 ORDER BY position", [seq])
        return (try Site(row: row, children: children), seq)
    }

    /// Rewrites the row of site `seq` (same id, same creation time) and the rows that hang off it.
    private func replaceRows(of site: Site, seq: Int64, time: String) async throws {
        let columns = SiteRows.siteColumns.filter { $0 != "seq" && $0 != "id" && $0 != "createdAt" }
        let all = try SiteRows.site(site, seq: seq, time: time)
        let values = zip(SiteRows.siteColumns, all).filter { columns.contains($0.0) }.map(\.1)
        let assignments = columns.enumerated().map { "\($1) = $\($0 + 1)" }.joined(separator: ", ")
        try await run(
            "UPDATE site SET \(assignments) WHERE seq = $\(columns.count + 1)",
            try values.map { try $0.postgresValue() } + [seq])
        for table in ["siteName", "siteDesignation", "siteExternalId"] {
            try await run("DELETE FROM \(table) WHERE siteSeq = $1", [seq])
        }
        try await run("DELETE FROM siteSearch WHERE seq = $1", [seq])
        try await insertChildRows(of: site, seq: seq)
    }
}
