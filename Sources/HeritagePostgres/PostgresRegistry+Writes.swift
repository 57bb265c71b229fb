import Foundation
import GRDB
import HeritageStore

/// Changes to a PostgreSQL registry, each in one transaction with its audit event. Appends to
/// the audit chain are serialised by a transaction-scoped advisory lock, so writers on several
/// connections and servers extend one linear chain; the events are built and hashed by the
/// store's own code, so the same change gives the same event, byte for byte, on both backends.
extension PostgresRegistry {
    /// The advisory lock every audit append holds until its transaction ends.
    static let auditLock: Int64 = 7_242_002

    /// Adds a site, checked as the archive checks it, with its names, designations, external
    /// ids, full-text document and `site.create` event.
    ///
    /// - Throws: ``HeritageStoreError`` `invalidInput` for a bad value, `conflict` when the
    ///   code (compared without regard to case) or the id is taken.
    @discardableResult
    public func addSite(_ draft: Site, actor: String, time: String = Timestamp.now()) async throws -> Site {
        let site = try draft.validated()
        try await transaction {
            try await self.lockAudit()
            if let existing = try await self.rows(
                "SELECT code FROM site WHERE lower(code) = lower($1) OR id = $2", [site.code, site.id]
            ).first {
                let code: String = existing["code"]
                throw HeritageStoreError(
                    .conflict,
                    code.lowercased() == site.code.lowercased()
                        ? "a site with code \(code) already exists"
                            + (code == site.code ? "" : " (codes are compared without regard to case)")
                        : "site \(code) already has the id \(site.id) given for \(site.code)")
            }
            let seq = (try await self.integer("SELECT coalesce(max(seq), 0) + 1 AS value FROM site")) ?? 1
            try await self.insertRows(of: site, seq: seq, time: time)
            try await self.appendEvent(
                actor: actor, action: "site.create", entityType: "site", entityID: site.id, entitySeq: seq,
                oldValue: nil, newValue: try RecordAudit.json(site), time: time)
        }
        return site
    }

    /// Takes the audit lock for the rest of the transaction.
    func lockAudit() async throws {
        try await run("SELECT pg_advisory_xact_lock($1) AS value", [Self.auditLock])
    }

    /// Appends one event after the chain's head; the caller holds the audit lock.
    func appendEvent(
        actor: String, action: String, entityType: String, entityID: String, entitySeq: Int64?, oldValue: String?,
        newValue: String?, time: String
    ) async throws {
        let head = try await rows("SELECT sequence, hash FROM auditEvent ORDER BY sequence DESC LIMIT 1").first
        let used = try await integer("SELECT sequence AS value FROM auditEventUsed") ?? 0
        let event = RecordAudit.seal(
            after: max(head?["sequence"] ?? 0, used), previousHash: head?["hash"] ?? AuditEvent.genesisHash,
            actor: actor, action: action, entityType: entityType, entityID: entityID, oldValue: oldValue,
            newValue: newValue, time: time)
        try await run(
            """
            INSERT INTO auditEvent (sequence, time, actor, action, entityType, entityId, entitySeq, oldValue, newValue,
                previousHash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [
                event.sequence, event.time, event.actor, event.action, event.entityType, event.entityID, entitySeq,
                event.oldValue, event.newValue, event.previousHash, event.hash,
            ])
        try await run("UPDATE auditEventUsed SET sequence = $1", [event.sequence])
    }

    /// A site's row and the rows that hang off it, as the archive writes them.
    private func insertRows(of site: Site, seq: Int64, time: String) async throws {
        let point = site.location
        try await run(
            """
            INSERT INTO site (seq, id, code, kind, community, period, description, latitude, longitude,
                precisionMetres, locationCertainty, boundary, country, adminArea, sensitivity, sources, createdAt,
                updatedAt)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
            """,
            [
                seq, site.id, site.code, site.kind.rawValue, site.community, site.period, site.description,
                point.latitude, point.longitude, point.precisionMetres, point.certainty.rawValue, site.boundary,
                site.country, site.adminArea, site.sensitivity.rawValue, try RecordAudit.jsonList(site.sources), time,
                time,
            ])
        for (position, name) in site.names.enumerated() {
            try await run(
                "INSERT INTO siteName (siteSeq, position, language, name, isPrimary) VALUES ($1, $2, $3, $4, $5)",
                [seq, position, name.language, name.name, name.isPrimary ? 1 : 0])
        }
        for (position, designation) in site.designations.enumerated() {
            try await run(
                "INSERT INTO siteDesignation (siteSeq, position, type, reference, date) VALUES ($1, $2, $3, $4, $5)",
                [seq, position, designation.type.rawValue, designation.reference, designation.date])
        }
        for (position, externalID) in site.externalIDs.enumerated() {
            try await run(
                "INSERT INTO siteExternalId (siteSeq, position, scheme, value) VALUES ($1, $2, $3, $4)",
                [seq, position, externalID.scheme.rawValue, externalID.value])
        }
        let names = site.names.map(\.name).joined(separator: " \u{2022} ")
        try await run(
            "INSERT INTO siteSearch (seq, document, names) VALUES ($1, $2::tsvector, $3)",
            [
                seq,
                SearchText.document(
                    code: site.code, names: names, community: site.community, description: site.description),
                names,
            ])
    }
}
