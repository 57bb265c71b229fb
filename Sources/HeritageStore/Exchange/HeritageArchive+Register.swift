import Foundation
import GRDB

extension HeritageArchive {
    /// Imports every site of a register in one transaction, or none.
    ///
    /// Problems in the file and conflicts with sites already in the archive are all listed
    /// (line, column, reason) in one `importRejected` error before anything is written. With
    /// `dryRun` the checks run and nothing is written. Each site gets its own `site.create`
    /// event, and one `register.import` event records the file's name and SHA-256.
    ///
    /// - Returns: the number of sites imported (or that would be).
    @discardableResult
    public func importSites(
        _ register: SiteRegister, actor: String, dryRun: Bool = false, time: String = Timestamp.now()
    ) throws -> Int {
        let (codes, ids) = try read { db in
            (
                Set(try String.fetchAll(db, sql: "SELECT lower(code) FROM site")),
                Set(try String.fetchAll(db, sql: "SELECT id FROM site"))
            )
        }
        try register.checkImport(takenCodes: codes, takenIDs: ids)
        if dryRun { return register.entries.count }
        try write { db in
            // Audit events are encoded and sealed on another core while this one writes rows.
            var chain = try AuditLog.Chain.head(db)
            let sealer = EventSealer(chain: chain)
            let events = BackgroundMap(register.entries) { entry in
                sealer.chain.seal(
                    actor: actor, action: "site.create", entityType: "site", entityID: entry.site.id, oldValue: nil,
                    newValue: try SiteJSON.encode(entry.site), time: time)
            }
            defer { events.cancel() }
            let writer = try SiteWriter(db)
            let insertEvent = try AuditLog.bulkInsertStatement(db)
            var seqs: [Int64] = []
            seqs.reserveCapacity(register.entries.count)
            for (chunk, range) in events.chunkRanges.enumerated() {
                let sealed = try events.chunk(chunk)
                for (index, event) in zip(range, sealed) {
                    let seq = try writer.insert(register.entries[index].site, time: time)
                    try AuditLog.insert(event, entitySeq: seq, with: insertEvent)
                    seqs.append(seq)
                }
                if let last = sealed.last { chain = AuditLog.Chain(after: last) }
            }
            try writer.insertPlaces(seqs: seqs) { register.entries[$0].site }
            try AuditLog.insert(
                chain.seal(
                    actor: actor, action: "register.import", entityType: "register", entityID: register.sha256,
                    oldValue: nil, newValue: try register.importSummary(), time: time),
                entitySeq: nil, with: insertEvent)
        }
        if register.entries.count >= Self.bulkWriteSites { truncateLog() }
        return register.entries.count
    }
}

extension SiteRegister {
    /// Refuses the register, listing every problem (line, column, reason) in one
    /// `importRejected` error, when it has problems of its own or a site whose code (compared
    /// without regard to case) or id is in `takenCodes` (lower-cased) or `takenIDs`. Both
    /// backends check an import so, before anything is written.
    package func checkImport(takenCodes: Set<String>, takenIDs: Set<String>) throws {
        var issues = issues
        let unit = format == .csv ? "line" : "feature"
        for entry in entries {
            if takenCodes.contains(entry.site.code.lowercased()) {
                issues.append(
                    ImportIssue(
                        line: entry.position, column: "code",
                        reason: "code \(entry.site.code) already exists in the archive", unit: unit))
            }
            if takenIDs.contains(entry.site.id) {
                issues.append(
                    ImportIssue(
                        line: entry.position, column: "id", reason: "id \(entry.site.id) already exists in the archive",
                        unit: unit))
            }
        }
        issues.sort { $0.line < $1.line }
        guard issues.isEmpty else {
            let rows = Set(issues.map(\.line)).count
            throw HeritageStoreError(
                .importRejected,
                "\(fileName) was not imported: \(issues.count) problem\(issues.count == 1 ? "" : "s") in \(rows) \(unit)\(rows == 1 ? "" : "s"); nothing was changed",
                issues: issues)
        }
    }

    /// The `register.import` event's value: the file's name, format, SHA-256 and site count.
    package func importSummary() throws -> String {
        let summary: [String: String] = [
            "file": fileName, "format": format.rawValue, "sha256": sha256, "sites": String(entries.count),
        ]
        return try JSONText.encode(summary)
    }
}

extension HeritageArchive {
    /// Imports of this many sites or more reset the write-ahead log after they commit.
    static let bulkWriteSites = 10_000
}

/// The audit chain as the background sealer extends it; touched only by that thread once started.
private final class EventSealer: @unchecked Sendable {
    var chain: AuditLog.Chain
    init(chain: AuditLog.Chain) { self.chain = chain }
}
