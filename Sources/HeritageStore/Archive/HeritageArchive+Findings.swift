import Foundation
import GRDB

extension HeritageArchive {
    /// Records what a comparison found (`finding.record` in the audit log). The versions it names
    /// must belong to the site.
    @discardableResult
    public func recordFinding(_ draft: Finding, actor: String) throws -> Finding {
        try write { db in try insertFinding(db, draft, actor: actor) }
    }

    /// Stores a comparison's output files as derived asset versions and records the finding
    /// that cites them, in one transaction: both are in the archive, or neither is. The
    /// finding's `resultVersionIDs` are those of the stored outputs, in the order given.
    @discardableResult
    public func recordFinding(_ draft: Finding, storing outputs: [AssetImportRequest], actor: String) throws -> (
        Finding, [AssetImportOutcome]
    ) {
        try Self.checkNumbers(draft)
        try checkReferences(outputs)
        try read { db in try Self.checkComparedVersions(db, draft) }
        return try storingBlobs(outputs) { db, stored in
            let outcomes = try insertVersions(db, outputs, stored, actor: actor)
            var finding = draft
            finding.resultVersionIDs = outcomes.map { outcome in
                switch outcome {
                case .stored(let version), .alreadyStored(let version): version.id
                }
            }
            return (try insertFinding(db, finding, actor: actor), outcomes)
        }
    }

    private static func checkNumbers(_ finding: Finding) throws {
        guard
            [finding.lossVolume, finding.gainVolume, finding.lossArea, finding.maxDepth, finding.changedArea ?? 0]
                .allSatisfy(\.isFinite)
        else {
            throw HeritageStoreError(.invalidInput, "a finding's volumes, area and depth must be finite numbers")
        }
    }

    /// The compared versions are two different versions of the site's assets.
    @discardableResult
    private static func checkComparedVersions(
        _ db: Database, _ finding: Finding, results: [String] = []
    ) throws -> Site {
        guard let site = try Site.fetch(db, reference: finding.siteID) else {
            throw HeritageStoreError(.notFound, "no site with code or id '\(finding.siteID)'")
        }
        if finding.beforeVersionID == finding.afterVersionID {
            throw HeritageStoreError(
                .invalidInput,
                "a comparison needs two different versions; both name asset version \(finding.beforeVersionID)")
        }
        for versionID in [finding.beforeVersionID, finding.afterVersionID] + results {
            let owner = try String.fetchOne(
                db,
                sql: "SELECT a.siteId FROM assetVersion v JOIN asset a ON a.id = v.assetId WHERE v.id = ?",
                arguments: [versionID])
            guard owner == site.id else {
                throw HeritageStoreError(
                    .invalidInput, "asset version \(versionID) does not belong to site \(site.code)")
            }
        }
        return site
    }

    private func insertFinding(_ db: Database, _ draft: Finding, actor: String) throws -> Finding {
        try Self.checkNumbers(draft)
        var finding = draft
        finding.siteID = try Self.checkComparedVersions(db, draft, results: draft.resultVersionIDs).id
        let time = Timestamp.now()
        finding.recordedAt = time
        finding.recordedBy = actor
        try db.execute(
            sql: """
                INSERT INTO finding (id, siteId, method, beforeVersionId, afterVersionId, resultVersionIds,
                    measuredCount, significantCount, noDataCount, regionCount, lossVolume, gainVolume, lossArea,
                    changedArea, maxDepth, units, summary, recordedAt, recordedBy)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                finding.id, finding.siteID, finding.method.rawValue, finding.beforeVersionID, finding.afterVersionID,
                try JSONText.encodeList(finding.resultVersionIDs), finding.measuredCount, finding.significantCount,
                finding.noDataCount, finding.regionCount, finding.lossVolume, finding.gainVolume, finding.lossArea,
                finding.changedArea, finding.maxDepth, finding.units, finding.summary, time, actor,
            ])
        try AuditLog.append(
            db, actor: actor, action: "finding.record", entityType: "finding", entityID: finding.id,
            entitySeq: db.lastInsertedRowID, oldValue: nil, newValue: try JSONText.encode(finding), time: time)
        return finding
    }

    /// A page of the findings recorded on a site, oldest first, and how many it has.
    public func findings(ofSite reference: String, limit: Int, offset: Int) throws -> (total: Int, findings: [Finding])
    {
        try read { db in
            guard let site = try Site.fetch(db, reference: reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            let total = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM finding WHERE siteId = ?", arguments: [site.id])
            let findings = try Row.fetchAll(
                db, sql: "SELECT * FROM finding WHERE siteId = ? ORDER BY seq LIMIT ? OFFSET ?",
                arguments: [site.id, max(0, limit), max(0, offset)]
            )
            .map(Finding.init(row:))
            return (total ?? 0, findings)
        }
    }

    /// The finding with this id (or an unambiguous prefix of at least 4 characters).
    public func finding(_ reference: String) throws -> Finding {
        try read { db in
            let id = try resolveID(db, table: "finding", reference: reference, noun: "finding")
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM finding WHERE id = ?", arguments: [id]) else {
                throw HeritageStoreError(.notFound, "no finding with id '\(reference)'")
            }
            return try Finding(row: row)
        }
    }
}

extension Finding {
    package init(row: Row) throws {
        self.init(
            id: row["id"], siteID: row["siteId"], method: try .stored(row["method"]),
            beforeVersionID: row["beforeVersionId"],
            afterVersionID: row["afterVersionId"],
            resultVersionIDs: try JSONText.decode([String].self, from: row["resultVersionIds"]),
            measuredCount: row["measuredCount"], significantCount: row["significantCount"],
            noDataCount: row["noDataCount"], regionCount: row["regionCount"], lossVolume: row["lossVolume"],
            gainVolume: row["gainVolume"], lossArea: row["lossArea"], changedArea: row["changedArea"],
            maxDepth: row["maxDepth"], units: row["units"],
            summary: row["summary"], recordedAt: row["recordedAt"], recordedBy: row["recordedBy"])
    }
}
