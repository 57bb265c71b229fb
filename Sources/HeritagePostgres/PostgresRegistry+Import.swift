import Foundation
import GRDB
import HeritageStore
import NIOCore
import PostgresNIO

extension PostgresRegistry {
    /// Imports every site of a register in one transaction, or none, as the archive does: the
    /// same checks and the same messages (every problem listed before anything is written; a
    /// code taken in any case, or an id, is a conflict), one `site.create` event per site and a
    /// `register.import` event with the file's name and SHA-256, byte for byte the events the
    /// archive writes for the same register at the same time. Rows go in through COPY, a
    /// megabyte at a time. The conflicts are checked again once the audit lock is held, so an
    /// import racing a writer on another connection or server still fails cleanly.
    ///
    /// - Returns: the number of sites imported (or that would be, with `dryRun`).
    @discardableResult
    public func importSites(
        _ register: SiteRegister, actor: String, dryRun: Bool = false, time: String = Timestamp.now()
    ) async throws -> Int {
        try await checkImport(register)
        if dryRun { return register.entries.count }
        try await transaction {
            try await self.lockAudit()
            try await self.checkImport(register)
            let firstSeq = try await self.integer("SELECT coalesce(max(seq), 0) + 1 AS value FROM site") ?? 1
            let entries = register.entries
            func seq(_ index: Int) -> Int64 { firstSeq + Int64(index) }
            try await self.copy(into: "site", SiteRows.siteColumns, entries.count) {
                [try SiteRows.site(entries[$0].site, seq: seq($0), time: time)]
            }
            try await self.copy(into: "siteName", SiteRows.nameColumns, entries.count) {
                SiteRows.names(entries[$0].site, seq: seq($0))
            }
            try await self.copy(into: "siteDesignation", SiteRows.designationColumns, entries.count) {
                SiteRows.designations(entries[$0].site, seq: seq($0))
            }
            try await self.copy(into: "siteExternalId", SiteRows.externalIDColumns, entries.count) {
                SiteRows.externalIDs(entries[$0].site, seq: seq($0))
            }
            try await self.copy(into: "siteSearch", SiteRows.searchColumns, entries.count) {
                [SiteRows.search(entries[$0].site, seq: seq($0))]
            }
            // The events, sealed in order after the chain's head.
            var (sequence, hash) = try await self.chainHead()
            try await self.copy(into: "auditEvent", Self.eventColumns, entries.count) { index in
                let site = entries[index].site
                let event = RecordAudit.seal(
                    after: sequence, previousHash: hash, actor: actor, action: "site.create", entityType: "site",
                    entityID: site.id, oldValue: nil, newValue: try SiteJSON.encode(site), time: time)
                (sequence, hash) = (event.sequence, event.hash)
                return [Self.eventRow(event, entitySeq: seq(index))]
            }
            try await self.run("UPDATE auditEventUsed SET sequence = $1", [sequence])
            try await self.appendEvent(
                actor: actor, action: "register.import", entityType: "register", entityID: register.sha256,
                entitySeq: nil, oldValue: nil, newValue: try register.importSummary(), time: time)
        }
        if register.entries.count >= Self.bulkImportSites {
            // Fresh statistics, so that the next queries are planned for the tables' new size,
            // and the new rows marked visible to all, so that reads neither check nor set each
            // row's commit status, rather than whenever autovacuum gets to them. The import has
            // committed: a vacuum that fails (a lost connection) leaves that to autovacuum
            // rather than report a committed import as failed.
            try? await simple(
                "VACUUM (ANALYZE) site, siteName, siteDesignation, siteExternalId, siteSearch, auditEvent")
        }
        return register.entries.count
    }

    /// Imports of this many sites or more vacuum and analyse the tables once committed.
    static let bulkImportSites = 10_000

    /// Refuses the register when it has problems or names a site already stored.
    private func checkImport(_ register: SiteRegister) async throws {
        let taken = try await rows(
            "SELECT lower(code) AS code, id FROM site WHERE lower(code) = ANY($1) OR id = ANY($2)",
            [register.entries.map { $0.site.code.lowercased() }, register.entries.map(\.site.id)])
        try register.checkImport(
            takenCodes: Set(taken.map { $0["code"] as String }), takenIDs: Set(taken.map { $0["id"] as String }))
    }

    /// Copies rows into `table`, formatted a megabyte at a time as `rows` makes them: `rows(i)`
    /// gives the rows of record `i` of `count` (a site's names, say).
    private func copy(
        into table: String, _ columns: [String], _ count: Int, _ rows: (Int) throws -> [[DatabaseValue]]
    ) async throws {
        var written = 0
        do {
            // PostgresNIO quotes the names: give them as PostgreSQL folded them.
            try await connection.copyFrom(
                table: table.lowercased(), columns: columns.map { $0.lowercased() }, logger: logger
            ) { writer in
                var part = CopyPart()
                for index in 0..<count {
                    for row in try rows(index) { part.append(row) }
                    if part.isFull, case .rows(let bytes, let made) = part.take() {
                        try await writer.write(ByteBuffer(bytes: bytes))
                        written += made
                    }
                }
                if case .rows(let bytes, let made) = part.take(), made > 0 {
                    try await writer.write(ByteBuffer(bytes: bytes))
                    written += made
                }
            }
        } catch let error as HeritageStoreError {
            throw error
        } catch {
            throw Self.described(error, doing: "importing into \(table) (after \(written) rows)")
        }
    }
}
