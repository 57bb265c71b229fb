import Foundation
import GRDB

extension HeritageArchive {
    /// Checks what a report or package on one site is made of: the whole audit chain (every
    /// event it cites hangs on it), that the site and each of its surveys, assessments, assets,
    /// versions and findings is exactly what its latest audit event recorded, that those events
    /// are filed under the right rows, and that every blob of its versions still has its hash.
    ///
    /// A row changed behind the store's back (with its trigger dropped, say) shows here even
    /// though the audit log itself is intact; an evidence report must not be built on it.
    ///
    /// - Parameter reference: the site's code or id.
    /// - Returns: a report whose `problems` name each row, event or blob that fails; it checks
    ///   no other site's rows and lists no orphan blobs.
    /// - Throws: ``HeritageStoreError`` when there is no such site or the database cannot be read.
    public func verify(site reference: String) throws -> VerificationReport {
        let (report, blobHashes) = try read { db -> (VerificationReport, [String]) in
            guard let site = try Site.fetch(db, reference: reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            var report = VerificationReport()
            var located: [String: Int64] = [:]
            report.chainBreak = try AuditLog.firstBreak(db)
            report.eventCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM auditEvent") ?? 0
            report.siteCount = 1
            let siteSeq = try Int64.fetchOne(db, sql: "SELECT seq FROM site WHERE id = ?", arguments: [site.id]) ?? 0
            try Self.compareScoped(
                db, site, id: site.id, seq: siteSeq, type: "site", noun: "site \(site.code)", &report, &located)

            func rows(_ sql: String) throws -> [Row] { try Row.fetchAll(db, sql: sql, arguments: [site.id]) }
            for row in try rows("SELECT * FROM survey WHERE siteId = ? ORDER BY seq") {
                let survey = try Survey(row: row)
                try Self.compareScoped(
                    db, survey, id: survey.id, seq: row["seq"], type: "survey", noun: "survey \(survey.id)", &report,
                    &located)
                report.surveyCount = (report.surveyCount ?? 0) + 1
            }
            for row in try rows("SELECT * FROM conditionAssessment WHERE siteId = ? ORDER BY seq") {
                let assessment = try ConditionAssessment(row: row)
                try Self.compareScoped(
                    db, assessment, id: assessment.id, seq: row["seq"], type: "conditionAssessment",
                    noun: "condition assessment \(assessment.id)", &report, &located)
                report.assessmentCount += 1
            }
            var hashes: [String] = []
            for row in try rows("SELECT * FROM asset WHERE siteId = ? ORDER BY seq") {
                let asset = try Asset(row: row)
                try Self.compareScoped(
                    db, asset, id: asset.id, seq: row["seq"], type: "asset", noun: "asset \(asset.id)", &report,
                    &located)
            }
            let versions = try rows(
                "SELECT v.* FROM assetVersion v JOIN asset a ON a.id = v.assetId WHERE a.siteId = ? ORDER BY v.seq")
            for row in versions {
                let version = try AssetVersion(row: row)
                try Self.compareScoped(
                    db, version, id: version.id, seq: row["seq"], type: "assetVersion",
                    noun: "asset version \(version.id)", &report, &located)
                hashes.append(version.sha256)
                hashes += version.relatedFiles.map(\.sha256)
                report.versionCount += 1
            }
            for row in try rows("SELECT * FROM finding WHERE siteId = ? ORDER BY seq") {
                let finding = try Finding(row: row)
                try Self.compareScoped(
                    db, finding, id: finding.id, seq: row["seq"], type: "finding", noun: "finding \(finding.id)",
                    &report, &located)
                report.findingCount = (report.findingCount ?? 0) + 1
            }
            for row in try rows("SELECT * FROM bagIngestion WHERE siteId = ? ORDER BY seq") {
                let ingestion = try BagIngestion(row: row)
                try Self.compareScoped(
                    db, ingestion, id: ingestion.id, seq: row["seq"], type: "bagIngestion",
                    noun: "bag ingestion \(ingestion.id)", &report, &located)
            }
            try Self.checkStrays(db, located, &report)
            return (report, Array(Set(hashes)).sorted())
        }
        var result = report
        result.blobProblems = blobProblems(blobHashes)
        result.blobCount = blobHashes.count
        return result
    }

    /// Compares one row with the newest audit event filed under it, and checks that every event
    /// filed under it names it (the locator is not hashed).
    private static func compareScoped<T: Codable & Equatable>(
        _ db: Database, _ stored: T, id: String, seq: Int64, type: String, noun: String,
        _ report: inout VerificationReport, _ located: inout [String: Int64]
    ) throws {
        let events = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT sequence, entityId, newValue FROM auditEvent WHERE entityType = ? AND entitySeq = ? "
                    + "ORDER BY sequence"),
            arguments: [type, seq])
        var latest: (Int64, String?)?
        for event in events {
            let sequence: Int64 = event["sequence"]
            guard event["entityId"] as String == id else {
                report.stateMismatches.append(
                    "audit event \(sequence) is filed under \(noun) but is about another \(type): its locator was altered"
                )
                continue
            }
            latest = (sequence, event["newValue"])
        }
        try compare(stored, id: id, noun: noun, latest, &report)
        located[type + " " + id] = seq
    }

    /// An event about one of the rows but filed under another would hide a newer state: one
    /// pass over the log finds them all.
    private static func checkStrays(_ db: Database, _ located: [String: Int64], _ report: inout VerificationReport)
        throws
    {
        let ids = Set(located.keys.map { String($0.split(separator: " ", maxSplits: 1)[1]) })
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        guard !ids.isEmpty else { return }
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT sequence, entityType, entityId, entitySeq FROM auditEvent WHERE entityId IN (\(placeholders))",
            arguments: StatementArguments(Array(ids).map { $0 as (any DatabaseValueConvertible)? }))
        for row in rows {
            let key = (row["entityType"] as String) + " " + (row["entityId"] as String)
            guard let seq = located[key], row["entitySeq"] as Int64? != seq else { continue }
            report.stateMismatches.append(
                "audit event \(row["sequence"] as Int64) is about \(key) but filed under another row: "
                    + "its locator was altered")
        }
    }
}
