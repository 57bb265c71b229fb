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
            try await self.insertSite(site, actor: actor, time: time)
        }
        return site
    }

    /// Inserts a checked site and its `site.create` event, in the caller's transaction, which
    /// holds the audit lock.
    func insertSite(_ site: Site, actor: String, time: String) async throws {
        if let existing = try await rows(
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
        let seq = (try await integer("SELECT coalesce(max(seq), 0) + 1 AS value FROM site")) ?? 1
        try await insertRows(of: site, seq: seq, time: time)
        try await appendEvent(
            actor: actor, action: "site.create", entityType: "site", entityID: site.id, entitySeq: seq,
            oldValue: nil, newValue: try RecordAudit.json(site), time: time)
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
        let head = try await chainHead()
        let event = RecordAudit.seal(
            after: head.sequence, previousHash: head.hash, actor: actor, action: action, entityType: entityType,
            entityID: entityID, oldValue: oldValue, newValue: newValue, time: time)
        try await insert("auditEvent", Self.eventColumns, Self.eventRow(event, entitySeq: entitySeq))
        try await run("UPDATE auditEventUsed SET sequence = $1", [event.sequence])
    }

    /// The number the next event follows (the last ever used, from `auditEventUsed`, even if
    /// events were removed from the end of the log) and the hash it chains to; the caller holds
    /// the audit lock.
    func chainHead() async throws -> (sequence: Int64, hash: String) {
        let head = try await rows("SELECT sequence, hash FROM auditEvent ORDER BY sequence DESC LIMIT 1").first
        let used = try await integer("SELECT sequence AS value FROM auditEventUsed") ?? 0
        return (max(head?["sequence"] ?? 0, used), head?["hash"] ?? AuditEvent.genesisHash)
    }

    static let eventColumns = [
        "sequence", "time", "actor", "action", "entityType", "entityId", "entitySeq", "oldValue", "newValue",
        "previousHash", "hash",
    ]

    /// An event's row, in the order of ``eventColumns``.
    static func eventRow(_ event: AuditEvent, entitySeq: Int64?) -> [DatabaseValue] {
        [
            event.sequence.databaseValue, event.time.databaseValue, event.actor.databaseValue,
            event.action.databaseValue, event.entityType.databaseValue, event.entityID.databaseValue,
            entitySeq.databaseValue, event.oldValue.databaseValue, event.newValue.databaseValue,
            event.previousHash.databaseValue, event.hash.databaseValue,
        ]
    }

    /// Inserts one row of `values` into `columns` of `table`; `casts` adds a cast to a column's parameter.
    func insert(_ table: String, _ columns: [String], _ values: [DatabaseValue], casts: [String: String] = [:])
        async throws
    {
        let parameters = columns.indices.map { index in "$\(index + 1)" + (casts[columns[index]] ?? "") }
        try await run(
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(parameters.joined(separator: ", ")))",
            try values.map { try $0.postgresValue() })
    }

    /// A site's row and the rows that hang off it, as the archive writes them.
    private func insertRows(of site: Site, seq: Int64, time: String) async throws {
        try await insert("site", SiteRows.siteColumns, try SiteRows.site(site, seq: seq, time: time))
        try await insertChildRows(of: site, seq: seq)
    }

    /// A site's names, designations, external ids and full-text document.
    func insertChildRows(of site: Site, seq: Int64) async throws {
        for name in SiteRows.names(site, seq: seq) { try await insert("siteName", SiteRows.nameColumns, name) }
        for designation in SiteRows.designations(site, seq: seq) {
            try await insert("siteDesignation", SiteRows.designationColumns, designation)
        }
        for externalID in SiteRows.externalIDs(site, seq: seq) {
            try await insert("siteExternalId", SiteRows.externalIDColumns, externalID)
        }
        try await insert(
            "siteSearch", SiteRows.searchColumns, SiteRows.search(site, seq: seq), casts: ["document": "::tsvector"])
    }
}

/// The rows a site is stored as on PostgreSQL, one list of values per row in the order of the
/// table's columns below: written by INSERT for one site, by COPY for a register (one table at
/// a time, so each table's rows are made on their own).
enum SiteRows {
    static let siteColumns = [
        "seq", "id", "code", "kind", "community", "period", "description", "latitude", "longitude", "precisionMetres",
        "locationCertainty", "boundary", "country", "adminArea", "sensitivity", "sources", "createdAt", "updatedAt",
    ]
    static let nameColumns = ["siteSeq", "position", "language", "name", "isPrimary"]
    static let designationColumns = ["siteSeq", "position", "type", "reference", "date"]
    static let externalIDColumns = ["siteSeq", "position", "scheme", "value"]
    static let searchColumns = ["seq", "document", "names"]

    static func site(_ site: Site, seq: Int64, time: String) throws -> [DatabaseValue] {
        let point = site.location
        return [
            seq.databaseValue, site.id.databaseValue, site.code.databaseValue, site.kind.rawValue.databaseValue,
            site.community.databaseValue, site.period.databaseValue, site.description.databaseValue,
            point.latitude.databaseValue, point.longitude.databaseValue, point.precisionMetres.databaseValue,
            point.certainty.rawValue.databaseValue, site.boundary.databaseValue, site.country.databaseValue,
            site.adminArea.databaseValue, site.sensitivity.rawValue.databaseValue,
            try RecordAudit.jsonList(site.sources).databaseValue, time.databaseValue, time.databaseValue,
        ]
    }

    static func names(_ site: Site, seq: Int64) -> [[DatabaseValue]] {
        site.names.enumerated().map { position, name in
            [
                seq.databaseValue, position.databaseValue, name.language.databaseValue, name.name.databaseValue,
                (name.isPrimary ? 1 : 0).databaseValue,
            ]
        }
    }

    static func designations(_ site: Site, seq: Int64) -> [[DatabaseValue]] {
        site.designations.enumerated().map { position, designation in
            [
                seq.databaseValue, position.databaseValue, designation.type.rawValue.databaseValue,
                designation.reference.databaseValue, designation.date.databaseValue,
            ]
        }
    }

    static func externalIDs(_ site: Site, seq: Int64) -> [[DatabaseValue]] {
        site.externalIDs.enumerated().map { position, externalID in
            [
                seq.databaseValue, position.databaseValue, externalID.scheme.rawValue.databaseValue,
                externalID.value.databaseValue,
            ]
        }
    }

    /// The full-text document (see ``SearchText``) and the names for trigram matching.
    static func search(_ site: Site, seq: Int64) -> [DatabaseValue] {
        let names = site.names.map(\.name).joined(separator: " \u{2022} ")
        return [
            seq.databaseValue,
            SearchText.document(
                code: site.code, names: names, community: site.community, description: site.description
            ).databaseValue,
            names.databaseValue,
        ]
    }
}

extension DatabaseValue {
    /// The value bound as a statement parameter (nil for NULL). Site rows hold no blobs.
    func postgresValue() throws -> (any PostgresValue)? {
        switch storage {
        case .null: return nil
        case .int64(let number): return number
        case .double(let number): return number
        case .string(let text): return text
        case .blob: throw HeritageStoreError(.integrity, "a site row held binary data, which no site column takes")
        }
    }
}

extension PostgresRegistry {
    /// Appends a condition assessment (`condition.create`), checked and resolved as the archive
    /// does it: the site by code or id, the survey and the assessment it supersedes by id or at
    /// least 4 of its first characters; both must belong to the same site, and an assessment is
    /// superseded once at most.
    @discardableResult
    public func addAssessment(_ draft: ConditionAssessment, actor: String, time: String = Timestamp.now())
        async throws -> ConditionAssessment
    {
        let checked = try draft.validated()
        return try await transaction {
            try await self.lockAudit()
            return try await self.insertAssessment(checked, actor: actor, time: time)
        }
    }

    /// Inserts a checked assessment, its references resolved, and its `condition.create` event,
    /// in the caller's transaction, which holds the audit lock.
    func insertAssessment(_ checked: ConditionAssessment, actor: String, time: String) async throws
        -> ConditionAssessment
    {
        var assessment = checked
        guard
            let site = try await rows(
                "SELECT id FROM site WHERE id = $1 OR lower(code) = lower($1) LIMIT 1", [assessment.siteID]
            ).first
        else {
            throw HeritageStoreError(.notFound, "no site with code or id '\(assessment.siteID)'")
        }
        assessment.siteID = site["id"]
        if let survey = assessment.surveyID {
            let id = try await resolveID(table: "survey", reference: survey, noun: "survey")
            let owner =
                try await rows("SELECT siteId FROM survey WHERE id = $1", [id]).first?["siteId"]
                as String?
            guard owner == assessment.siteID else { throw ConditionAssessment.surveyOfAnotherSite(id) }
            assessment.surveyID = id
        }
        if let earlier = assessment.supersedes {
            let id = try await resolveID(
                table: "conditionAssessment", reference: earlier, noun: "condition assessment")
            if let by = try await rows("SELECT id FROM conditionAssessment WHERE supersedes = $1", [id]).first {
                throw ConditionAssessment.supersededAlready(id, by: by["id"])
            }
            let owner =
                try await rows("SELECT siteId FROM conditionAssessment WHERE id = $1", [id]).first?[
                    "siteId"] as String?
            guard owner == assessment.siteID else { throw ConditionAssessment.correctionOfAnotherSite(id) }
            assessment.supersedes = id
        }
        assessment.recordedAt = time
        let seq =
            (try await integer("SELECT coalesce(max(seq), 0) + 1 AS value FROM conditionAssessment")) ?? 1
        try await run(
            """
            INSERT INTO conditionAssessment (seq, id, siteId, surveyId, assessor, dateQualifier, date, endDate,
                timelineDate, activity, overallCondition, damageExtent, causeCategory, causeType, effects,
                certainty, threat, priority, notes, supersedes, recordedAt)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
            """,
            [
                seq, assessment.id, assessment.siteID, assessment.surveyID, assessment.assessor,
                assessment.dateQualifier.rawValue, assessment.date, assessment.endDate, assessment.timelineDate,
                assessment.activity.rawValue, assessment.overallCondition.rawValue,
                assessment.damageExtent.rawValue, assessment.causeCategory?.rawValue,
                assessment.causeType?.rawValue, try RecordAudit.jsonList(assessment.effects.map(\.rawValue)),
                assessment.certainty.rawValue, assessment.threat?.rawValue, assessment.priority?.rawValue,
                assessment.notes, assessment.supersedes, time,
            ])
        try await appendEvent(
            actor: actor, action: "condition.create", entityType: "conditionAssessment", entityID: assessment.id,
            entitySeq: seq, oldValue: nil, newValue: try RecordAudit.json(assessment), time: time)
        return assessment
    }

    /// Every assessment of a site in timeline order, superseded ones marked, as the archive
    /// lists them.
    public func conditionHistory(ofSite reference: String) async throws -> [TimelineEntry] {
        guard
            let site = try await rows(
                "SELECT id FROM site WHERE id = $1 OR lower(code) = lower($1) LIMIT 1", [reference]
            ).first
        else {
            throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
        }
        return try await rows(
            """
            SELECT a.*, (SELECT c.id FROM conditionAssessment c WHERE c.supersedes = a.id) AS supersededBy
            FROM conditionAssessment a WHERE a.siteId = $1 ORDER BY a.timelineDate, a.seq
            """, [site["id"] as String]
        ).map { TimelineEntry(assessment: try ConditionAssessment(row: $0), supersededBy: $0["supersededBy"]) }
    }

    /// An id given whole or by at least 4 of its first characters, as the archive resolves it.
    func resolveID(table: String, reference: String, noun: String) async throws -> String {
        let trimmed = reference.trimmingCharacters(in: .whitespaces).lowercased()
        if try await rows("SELECT id FROM \(table) WHERE id = $1", [trimmed]).first != nil { return trimmed }
        guard trimmed.count >= 4 else {
            throw HeritageStoreError(.notFound, "no \(noun) with id '\(reference)' (give at least 4 characters)")
        }
        let matches = try await rows(
            "SELECT id FROM \(table) WHERE starts_with(id, $1) ORDER BY id LIMIT 2", [trimmed]
        ).map { $0["id"] as String }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw HeritageStoreError(.notFound, "no \(noun) with id '\(reference)'")
        default: throw HeritageStoreError(.conflict, "'\(reference)' matches several \(noun)s; give more of the id")
        }
    }
}
