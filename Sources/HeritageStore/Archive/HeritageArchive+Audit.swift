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
        try read { db in
            var report = VerificationReport()
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { report.databaseProblems = integrity }
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            for row in foreignKeys {
                report.databaseProblems.append("a row of \(row[0] as String? ?? "?") points at a missing parent")
            }
            // The R*Tree keeps 32-bit floats rounded outwards: a box must contain its site's point.
            let unindexed = try String.fetchAll(
                db,
                sql: """
                    SELECT s.code FROM site s LEFT JOIN siteLocation l ON l.seq = s.seq
                    WHERE l.seq IS NULL OR s.latitude NOT BETWEEN l.minLatitude AND l.maxLatitude
                        OR s.longitude NOT BETWEEN l.minLongitude AND l.maxLongitude
                    """)
            for code in unindexed {
                report.databaseProblems.append("the spatial index does not hold site \(code) at its position")
            }
            report.chainBreak = try AuditLog.firstBreak(db)
            // entitySeq is an unhashed locator: it must name the row that entityId names.
            for table in ["site", "survey", "conditionAssessment", "asset", "assetVersion", "finding", "bagIngestion"] {
                let misplaced = try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT e.sequence FROM auditEvent e WHERE e.entityType = ? AND NOT EXISTS (
                            SELECT 1 FROM \(table) t WHERE t.seq = e.entitySeq AND t.id = e.entityId)
                        """,
                    arguments: [table])
                for sequence in misplaced {
                    report.stateMismatches.append(
                        "audit event \(sequence) is filed under the wrong \(table) row: its locator was altered")
                }
            }
            report.eventCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM auditEvent") ?? 0
            let latest = try Self.latestAuditedValues(db)

            let sites = try Row.fetchAll(db, sql: "SELECT * FROM site ORDER BY seq")
            report.siteCount = sites.count
            for row in sites {
                let site = try Site(db, row: row)
                try Self.compare(site, id: site.id, noun: "site \(site.code)", latest["site"]?[site.id], &report)
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM survey ORDER BY seq") {
                let survey = try Survey(row: row)
                try Self.compare(
                    survey, id: survey.id, noun: "survey \(survey.id)", latest["survey"]?[survey.id], &report)
                report.surveyCount = (report.surveyCount ?? 0) + 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM conditionAssessment ORDER BY seq") {
                let assessment = try ConditionAssessment(row: row)
                try Self.compare(
                    assessment, id: assessment.id, noun: "condition assessment \(assessment.id)",
                    latest["conditionAssessment"]?[assessment.id], &report)
                report.assessmentCount += 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM asset ORDER BY seq") {
                let asset = try Asset(row: row)
                try Self.compare(asset, id: asset.id, noun: "asset \(asset.id)", latest["asset"]?[asset.id], &report)
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM assetVersion ORDER BY seq") {
                let version = try AssetVersion(row: row)
                try Self.compare(
                    version, id: version.id, noun: "asset version \(version.id)", latest["assetVersion"]?[version.id],
                    &report)
                report.versionCount += 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM finding ORDER BY seq") {
                let finding = try Finding(row: row)
                try Self.compare(
                    finding, id: finding.id, noun: "finding \(finding.id)", latest["finding"]?[finding.id], &report)
                report.findingCount = (report.findingCount ?? 0) + 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM bagIngestion ORDER BY seq") {
                let ingestion = try BagIngestion(row: row)
                try Self.compare(
                    ingestion, id: ingestion.id, noun: "bag ingestion \(ingestion.id)",
                    latest["bagIngestion"]?[ingestion.id], &report)
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

    /// entityType → entityID → (sequence, newValue) of the newest event about it.
    private static func latestAuditedValues(_ db: Database) throws -> [String: [String: (Int64, String?)]] {
        var result: [String: [String: (Int64, String?)]] = [:]
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT sequence, entityType, entityId, newValue FROM auditEvent ORDER BY sequence")
        while let row = try cursor.next() {
            result[row["entityType"], default: [:]][row["entityId"]] = (row["sequence"], row["newValue"])
        }
        return result
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
    public var versionCount = 0
    public var blobCount = 0

    public var isValid: Bool {
        databaseProblems.isEmpty && chainBreak == nil && stateMismatches.isEmpty && blobProblems.isEmpty
    }

    /// Every problem as one line, first the most fundamental.
    public var problems: [String] {
        databaseProblems.map { "database: \($0)" } + (chainBreak.map { ["audit log: \($0.reason)"] } ?? [])
            + stateMismatches + blobProblems
    }
}
