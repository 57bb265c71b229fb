import Foundation
import GRDB

extension HeritageArchive {
    /// Audit events in log order, optionally only those about one entity.
    public func auditEvents(entityID: String? = nil, limit: Int? = nil) throws -> [AuditEvent] {
        try read { db in
            var sql = "SELECT * FROM auditEvent"
            var arguments: StatementArguments = []
            if let entityID {
                sql += " WHERE entityId = ?"
                arguments += [entityID]
            }
            if let limit {
                sql = "SELECT * FROM (\(sql) ORDER BY sequence DESC LIMIT \(max(0, limit)))"
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY sequence", arguments: arguments)
                .map(AuditLog.event(from:))
        }
    }

    /// Every audit event about a site: the site itself, its surveys, condition assessments,
    /// assets and their versions, and findings.
    public func auditEvents(ofSite reference: String) throws -> [AuditEvent] {
        try read { db in
            guard let site = try Site.fetch(db, reference: reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM site WHERE id = ?", arguments: [site.id])
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM auditEvent WHERE (entityType = 'site' AND entitySeq = :seq)
                        OR (entityType = 'survey' AND entitySeq IN (SELECT seq FROM survey WHERE siteId = :site))
                        OR (entityType = 'conditionAssessment'
                            AND entitySeq IN (SELECT seq FROM conditionAssessment WHERE siteId = :site))
                        OR (entityType = 'asset' AND entitySeq IN (SELECT seq FROM asset WHERE siteId = :site))
                        OR (entityType = 'assetVersion' AND entitySeq IN (
                            SELECT v.seq FROM assetVersion v JOIN asset a ON a.id = v.assetId WHERE a.siteId = :site))
                        OR (entityType = 'finding' AND entitySeq IN (SELECT seq FROM finding WHERE siteId = :site))
                        OR (entityType = 'bagIngestion'
                            AND entitySeq IN (SELECT seq FROM bagIngestion WHERE siteId = :site))
                    ORDER BY sequence
                    """,
                arguments: ["site": site.id, "seq": seq]
            ).map(AuditLog.event(from:))
        }
    }

    /// The newest audit event: its sequence and hash pin the whole chain up to it.
    public func auditHead() throws -> AuditEvent? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM auditEvent ORDER BY sequence DESC LIMIT 1").map(
                AuditLog.event(from:))
        }
    }

    /// Checks the database file, the audit chain, and that every site, survey and assessment is
    /// exactly what its latest audit event says it is (so an edit made behind the store's back
    /// shows even when the audit log itself is intact).
    public func verify() throws -> VerificationReport {
        // The file's structure and the hash chain are checked on a second connection, on another
        // core, while this one compares the records with their audit trail (at a million sites,
        // 15 s beside 25 s). Each works in one read transaction of its own.
        let structure = BackgroundTask { [self] in try streamingRead { db in try Self.structuralChecks(db) } }
        defer { _ = try? structure.value() }
        var report = try streamingRead { db in try compareWithAuditTrail(db) }
        (report.databaseProblems, report.chainBreak) = try structure.value()
        return report
    }

    /// SQLite's integrity and foreign-key checks, the place index against the sites, and the
    /// audit chain's first break.
    static func structuralChecks(_ db: Database) throws -> ([String], ChainBreak?) {
        var problems: [String] = []
        let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        if integrity != ["ok"] { problems = integrity }
        let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
        for row in foreignKeys {
            problems.append("a row of \(row[0] as String? ?? "?") points at a missing parent")
        }
        // The place index must say of each site what its row says, in the cell of its position:
        // else a radius search or a map would miss it, or show it as it was.
        let misplaced = try String.fetchAll(
            db,
            sql: """
                SELECT s.code FROM site s LEFT JOIN sitePlace p ON p.seq = s.seq
                WHERE p.seq IS NULL OR p.cell IS NOT heritage_place_cell(s.latitude, s.longitude)
                    OR p.id IS NOT s.id OR p.code IS NOT s.code OR p.kind IS NOT s.kind
                    OR p.latitude IS NOT s.latitude OR p.longitude IS NOT s.longitude
                    OR p.country IS NOT s.country OR p.sensitivity IS NOT s.sensitivity
                    OR p.name IS NOT (SELECT n.name FROM siteName n WHERE n.siteSeq = s.seq AND n.isPrimary = 1)
                """)
        for code in misplaced {
            problems.append("the place index does not hold site \(code) as its record says")
        }
        return (problems, try AuditLog.firstBreak(db))
    }

    /// Every record against the newest audit event about it, every blob against its hash, and
    /// the object store's leftovers.
    private func compareWithAuditTrail(_ db: Database) throws -> VerificationReport {
        var report = VerificationReport()
        // entitySeq is an unhashed locator: it must name the row that entityId names.
        // The misplaced events are still an entity's history: kept by entity id (few: only
        // tampering makes them) for the comparison below.
        var misfiled: [String: [String: (Int64, String?)]] = [:]
        for table in [
            "site", "survey", "conditionAssessment", "asset", "assetVersion", "finding", "bagIngestion", "account",
            "proposal",
        ] {
            let misplaced = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.sequence, e.entityId, e.newValue FROM auditEvent e WHERE e.entityType = ? AND NOT EXISTS (
                        SELECT 1 FROM \(table) t WHERE t.seq = e.entitySeq AND t.id = e.entityId)
                    ORDER BY e.sequence
                    """,
                arguments: [table])
            for row in misplaced {
                let sequence: Int64 = row["sequence"]
                misfiled[table, default: [:]][row["entityId"]] = (sequence, row["newValue"])
                report.stateMismatches.append(
                    "audit event \(sequence) is filed under the wrong \(table) row: its locator was altered")
            }
        }
        report.eventCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM auditEvent") ?? 0
        // Each table is read a row at a time beside the newest event filed under each row
        // (found through the entity index): memory does not grow with the archive.
        report.siteCount = try Self.compareSites(db, misfiled: misfiled["site"], &report)
        report.surveyCount = try Self.compareRows(
            db, table: "survey", type: "survey", misfiled: misfiled["survey"], &report
        ) { _, row in
            let survey = try Survey(row: row)
            return (survey, survey.id, "survey \(survey.id)")
        }
        report.assessmentCount = try Self.compareRows(
            db, table: "conditionAssessment", type: "conditionAssessment",
            misfiled: misfiled["conditionAssessment"], &report
        ) { _, row in
            let assessment = try ConditionAssessment(row: row)
            return (assessment, assessment.id, "condition assessment \(assessment.id)")
        }
        try Self.compareRows(db, table: "asset", type: "asset", misfiled: misfiled["asset"], &report) { _, row in
            let asset = try Asset(row: row)
            return (asset, asset.id, "asset \(asset.id)")
        }
        report.versionCount = try Self.compareRows(
            db, table: "assetVersion", type: "assetVersion", misfiled: misfiled["assetVersion"], &report
        ) {
            _, row in
            let version = try AssetVersion(row: row)
            return (version, version.id, "asset version \(version.id)")
        }
        report.findingCount = try Self.compareRows(
            db, table: "finding", type: "finding", misfiled: misfiled["finding"], &report
        ) { _, row in
            let finding = try Finding(row: row)
            return (finding, finding.id, "finding \(finding.id)")
        }
        try Self.compareRows(
            db, table: "bagIngestion", type: "bagIngestion", misfiled: misfiled["bagIngestion"], &report
        ) { _, row in
            let ingestion = try BagIngestion(row: row)
            return (ingestion, ingestion.id, "bag ingestion \(ingestion.id)")
        }
        // An account's role or clearance raised behind the store's back shows here.
        try Self.compareRows(db, table: "account", type: "account", misfiled: misfiled["account"], &report) { _, row in
            let account = try Account(row: row)
            return (account, account.id, "account \(account.name)")
        }
        // A proposal approved, or its content changed, behind the store's back shows here.
        report.proposalCount = try Self.compareRows(
            db, table: "proposal", type: "proposal", misfiled: misfiled["proposal"], &report
        ) { _, row in
            let proposal = try Proposal(row: row)
            return (proposal, proposal.id, "proposal \(proposal.id)")
        }
        // Every blob the registry records must be on disk with the same bytes.
        let recorded = try String.fetchAll(db, sql: "SELECT sha256 FROM blob ORDER BY sha256")
        report.blobProblems = blobProblems(recorded)
        report.blobCount = recorded.count
        let known = Set(recorded)
        let store = blobs
        let inventory = store.inventory()
        report.orphans =
            inventory.blobs.filter { !known.contains($0) }.map { "unreferenced blob \($0)" }
            + inventory.temporaries.map { "leftover temporary file tmp/\($0)" }
        return report
    }

    /// Re-hashes blobs on every core; each one missing or changed is named.
    func blobProblems(_ hashes: [String]) -> [String] {
        let store = blobs
        return hashes.parallelMap(minimumChunk: 1) { sha256 -> String? in
            do {
                let found = try store.hash(sha256)
                return found == sha256 ? nil : "blob \(sha256) has changed: its bytes now hash to \(found)"
            } catch {
                return "blob \(sha256) is missing from \(Self.objectsFolderName)/"
            }
        }.compactMap { $0 }
    }

    /// Each row of `table` beside the newest audit event of type `type` filed under it, in
    /// row order (found through the entity index).
    static func auditJoinSQL(_ table: String) -> String {
        """
        SELECT t.*, e.sequence AS auditSequence, e.newValue AS auditValue
        FROM \(table) t LEFT JOIN auditEvent e ON e.sequence = (
            SELECT max(a.sequence) FROM auditEvent a
            WHERE a.entityType = ? AND a.entitySeq = t.seq AND a.entityId = t.id)
        ORDER BY t.seq
        """
    }

    /// The newest audit event about row `row` (of an ``auditJoinSQL(_:)`` query) of entity `id`:
    /// the one filed under the row, or a newer one of `misfiled` (by entity id).
    static func audited(_ row: Row, id: String, misfiled: [String: (Int64, String?)]?) -> (Int64, String?)? {
        let sequence: Int64? = row["auditSequence"]
        var audited = sequence.map { ($0, row["auditValue"] as String?) }
        if let other = misfiled?[id], other.0 > audited?.0 ?? 0 { audited = other }
        return audited
    }

    /// Compares every row of `table` (decoded by `decode` into a value, its id and how to name
    /// it) with the newest audit event about it, in one pass over a cursor. Returns how many
    /// rows there were.
    @discardableResult
    static func compareRows<T: Codable & Equatable & Sendable>(
        _ db: Database, table: String, type: String, misfiled: [String: (Int64, String?)]?,
        _ report: inout VerificationReport,
        decode: (Database, Row) throws -> (T, String, String)
    ) throws -> Int {
        let cursor = try Row.fetchCursor(db, sql: auditJoinSQL(table), arguments: [type])
        return try compareStream(&report) { () -> (T, String, String, (Int64, String?)?)? in
            guard let row = try cursor.next() else { return nil }
            let (value, id, noun) = try decode(db, row)
            return (value, id, noun, audited(row, id: id, misfiled: misfiled))
        }
    }

    /// The same for sites, their names, designations and external ids read in one ordered pass
    /// each (``SiteCursor``) rather than three queries a site.
    @discardableResult
    static func compareSites(
        _ db: Database, misfiled: [String: (Int64, String?)]?, _ report: inout VerificationReport
    ) throws -> Int {
        var sites = try SiteCursor(db, sitesSQL: auditJoinSQL("site"), arguments: ["site"])
        return try compareStream(&report) { () -> (Site, String, String, (Int64, String?)?)? in
            guard let (site, row) = try sites.next() else { return nil }
            return (site, site.id, "site \(site.code)", audited(row, id: site.id, misfiled: misfiled))
        }
    }

    /// Compares what `next` yields (a value, its id, its name, its newest audit event) until it
    /// yields nil. The events' JSON is decoded on another core, a batch behind: one batch in
    /// flight, so memory stays flat. Returns how many there were.
    static func compareStream<T: Codable & Equatable & Sendable>(
        _ report: inout VerificationReport, next: () throws -> (T, String, String, (Int64, String?)?)?
    ) throws -> Int {
        typealias Item = (T, String, String, (Int64, String?)?)
        let comparer = BatchPipeline<Item, [String]> { batch in
            var partial = VerificationReport()
            for (value, id, noun, audited) in batch {
                try compare(value, id: id, noun: noun, audited, &partial)
            }
            return partial.stateMismatches
        }
        var batch: [Item] = []
        var count = 0
        while let item = try next() {
            batch.append(item)
            count += 1
            if batch.count == 2048 {
                report.stateMismatches += try comparer.submit(batch) ?? []
                batch = []
            }
        }
        report.stateMismatches += try comparer.submit(batch) ?? []
        report.stateMismatches += try comparer.finish() ?? []
        return count
    }

    static func compare<T: Codable & Equatable>(
        _ stored: T, id: String, noun: String, _ audited: (Int64, String?)?, _ report: inout VerificationReport
    ) throws {
        guard let (sequence, json) = audited, let json else {
            report.stateMismatches.append("\(noun) has no audit event: it was added behind the store's back")
            return
        }
        let recorded = try? JSONText.decode(T.self, from: json)
        if recorded != stored {
            report.stateMismatches.append(
                "\(noun) differs from what audit event \(sequence) recorded: it was changed behind the store's back")
        }
    }
}

/// The outcome of ``HeritageArchive/verify()``.
public struct VerificationReport: Sendable, Codable {
    /// Problems reported by SQLite's `PRAGMA integrity_check` and `foreign_key_check`.
    public var databaseProblems: [String] = []
    /// The first break in the audit hash chain.
    public var chainBreak: ChainBreak?
    /// Records whose content is not what the audit log last recorded for them.
    public var stateMismatches: [String] = []
    /// Blobs that are missing or whose bytes no longer match their hash.
    public var blobProblems: [String] = []
    /// Files in the object store that no record points at (left by an interrupted import).
    /// They are harmless and reported, not failures.
    public var orphans: [String] = []
    public var eventCount = 0
    public var siteCount = 0
    public var assessmentCount = 0
    /// Surveys and findings checked (absent from reports written before they were counted).
    public var surveyCount: Int? = 0
    public var findingCount: Int? = 0
    /// Proposals checked (absent from reports written before there were any).
    public var proposalCount: Int? = 0
    public var versionCount = 0
    public var blobCount = 0

    package init() {}

    public var isValid: Bool {
        databaseProblems.isEmpty && chainBreak == nil && stateMismatches.isEmpty && blobProblems.isEmpty
    }

    /// Every problem as one line, first the most fundamental.
    public var problems: [String] {
        databaseProblems.map { "database: \($0)" } + (chainBreak.map { ["audit log: \($0.reason)"] } ?? [])
            + stateMismatches + blobProblems
    }
}
