import Foundation
import GRDB
import HeritageStore

extension PostgresRegistry {
    /// Checks the registry as ``HeritageArchive/verify()`` checks an archive: the audit chain
    /// event by event (hashes recomputed, no gap, nothing cut from its end: the last number
    /// used is kept apart), and every recorded row (sites with their names, designations and
    /// external ids, surveys, assessments, assets, versions, findings, received bags, accounts,
    /// proposals) against the newest audit event about it, by the store's own comparison. So a
    /// row changed with the triggers disabled, by a superuser, shows. Then what PostgreSQL adds:
    /// each site's full-text document against its columns. Blobs are checked by verifying the
    /// archive whose object folder holds them.
    public func verify() async throws -> VerificationReport {
        try await transaction(isolation: "REPEATABLE READ") {
            var report = VerificationReport()
            let (chainBreak, reached) = try await self.walkChain(from: .genesis)
            report.chainBreak = chainBreak
            report.eventCount = Int(reached.sequence)
            report.stateMismatches += try await misfiledEvents()
            for table in RecordAudit.tables {
                let count = try await compareTable(table, &report)
                switch table {
                case "site": report.siteCount = count
                case "survey": report.surveyCount = count
                case "conditionAssessment": report.assessmentCount = count
                case "assetVersion": report.versionCount = count
                case "finding": report.findingCount = count
                case "proposal": report.proposalCount = count
                default: break
                }
            }
            report.databaseProblems += try await searchProblems()
            report.blobCount = Int(try await integer("SELECT count(*) AS value FROM blob") ?? 0)
            return report
        }
    }

    /// Checks the audit chain from just after `start` (an event checked before) to its end.
    public func checkAuditChain(from start: ChainPosition = .genesis) async throws -> (ChainBreak?, ChainPosition) {
        try await transaction(isolation: "REPEATABLE READ") { try await self.walkChain(from: start) }
    }

    /// Walks the chain from `start` in pages of 10,000 events: the first break, and the last
    /// event that followed. The caller holds a repeatable-read transaction.
    private func walkChain(from start: ChainPosition) async throws -> (ChainBreak?, ChainPosition) {
        var walk = ChainWalk(from: start)
        while true {
            let page = try await rows(
                """
                SELECT sequence, time, actor, action, entityType, entityId, oldValue, newValue, previousHash, hash
                FROM auditEvent WHERE sequence > $1 ORDER BY sequence LIMIT 10000
                """, [walk.reached.sequence])
            for row in page {
                if let broken = walk.check(Self.event(row)) { return (broken, walk.reached) }
            }
            if page.count < 10000 { break }
        }
        let used = try await integer("SELECT sequence AS value FROM auditEventUsed") ?? 0
        let startEvent =
            start.sequence > 0
            ? try await rows("SELECT * FROM auditEvent WHERE sequence = $1", [start.sequence]).first.map(Self.event)
            : nil
        return (walk.finish(lastUsed: used, startEvent: startEvent), walk.reached)
    }

    /// An event from its row.
    static func event(_ row: Row) -> AuditEvent {
        AuditEvent(
            sequence: row["sequence"], time: row["time"], actor: row["actor"], action: row["action"],
            entityType: row["entityType"], entityID: row["entityId"], oldValue: row["oldValue"],
            newValue: row["newValue"], previousHash: row["previousHash"], hash: row["hash"])
    }

    /// Events whose unhashed locator (`entitySeq`) names a row other than the one they are about.
    private func misfiledEvents() async throws -> [String] {
        var problems: [String] = []
        for table in RecordAudit.tables {
            for row in try await rows(
                """
                SELECT e.sequence FROM auditEvent e WHERE e.entityType = $1 AND NOT EXISTS (
                    SELECT 1 FROM \(table) t WHERE t.seq = e.entitySeq AND t.id = e.entityId)
                ORDER BY e.sequence
                """, [table])
            {
                problems.append(
                    "audit event \(row["sequence"] as Int64) is filed under the wrong \(table) row: its locator was altered"
                )
            }
        }
        return problems
    }

    /// Compares every row of `table` with the newest event filed under it, 5,000 rows a page.
    private func compareTable(_ table: String, _ report: inout VerificationReport) async throws -> Int {
        var after: Int64 = 0
        var count = 0
        while true {
            let page = try await rows(
                """
                SELECT t.*, e.sequence AS auditSequence, e.newValue AS auditValue
                FROM \(table) t LEFT JOIN auditEvent e ON e.sequence = (
                    SELECT max(a.sequence) FROM auditEvent a
                    WHERE a.entityType = $1 AND a.entitySeq = t.seq AND a.entityId = t.id)
                WHERE t.seq > $2 ORDER BY t.seq LIMIT 5000
                """, [table, after])
            guard let last = page.last else { break }
            var children: [Int64: RecordAudit.SiteChildren] = [:]
            if table == "site" {
                let range: [(any PostgresValue)?] = [page[0]["seq"] as Int64, last["seq"] as Int64]
                for row in try await rows(
                    "SELECT siteSeq, language, name, isPrimary FROM siteName WHERE siteSeq BETWEEN $1 AND $2 ORDER BY siteSeq, position",
                    range)
                {
                    children[row["siteSeq"], default: RecordAudit.SiteChildren()].names.append(row)
                }
                for row in try await rows(
                    "SELECT siteSeq, type, reference, date FROM siteDesignation WHERE siteSeq BETWEEN $1 AND $2 ORDER BY siteSeq, position",
                    range)
                {
                    children[row["siteSeq"], default: RecordAudit.SiteChildren()].designations.append(row)
                }
                for row in try await rows(
                    "SELECT siteSeq, scheme, value FROM siteExternalId WHERE siteSeq BETWEEN $1 AND $2 ORDER BY siteSeq, position",
                    range)
                {
                    children[row["siteSeq"], default: RecordAudit.SiteChildren()].externalIDs.append(row)
                }
            }
            for row in page {
                let sequence: Int64? = row["auditSequence"]
                let audited = sequence.map { ($0, row["auditValue"] as String?) }
                do {
                    report.stateMismatches += try RecordAudit.problems(
                        table: table, row: row, children: children[row["seq"]] ?? RecordAudit.SiteChildren(),
                        audited: audited)
                } catch {
                    let noun = RecordAudit.identify(table: table, row: row).noun
                    report.stateMismatches.append(
                        "\(noun) cannot be read as a record (\(error)): it was changed behind the store's back")
                }
            }
            count += page.count
            after = last["seq"]
        }
        return count
    }

    /// Sites whose full-text document is not what their columns give, or that have none: each
    /// page's documents are computed here and compared by PostgreSQL, which parses them.
    private func searchProblems() async throws -> [String] {
        var problems: [String] = []
        var after: Int64 = 0
        while true {
            let page = try await rows(
                """
                SELECT s.seq, s.code, s.community, s.description,
                    (SELECT string_agg(n.name, ' \u{2022} ' ORDER BY n.position) FROM siteName n WHERE n.siteSeq = s.seq) AS names
                FROM site s WHERE s.seq > $1 ORDER BY s.seq LIMIT 5000
                """, [after])
            guard let last = page.last else { break }
            var seqs: [Int64] = []
            var documents: [String] = []
            var names: [String] = []
            var codes: [Int64: String] = [:]
            for row in page {
                let siteNames: String = row["names"] ?? ""
                seqs.append(row["seq"])
                codes[row["seq"]] = row["code"]
                names.append(siteNames)
                documents.append(
                    SearchText.document(
                        code: row["code"], names: siteNames, community: row["community"],
                        description: row["description"]))
            }
            for row in try await rows(
                """
                SELECT e.seq FROM unnest($1::bigint[], $2::text[], $3::text[]) AS e(seq, document, names)
                LEFT JOIN siteSearch f ON f.seq = e.seq
                WHERE f.seq IS NULL OR f.document <> e.document::tsvector OR f.names <> e.names
                ORDER BY e.seq
                """, [seqs, documents, names])
            {
                problems.append(
                    "the full-text index does not hold site \(codes[row["seq"]] ?? "?") as its record says")
            }
            after = last["seq"]
        }
        return problems
    }
}
