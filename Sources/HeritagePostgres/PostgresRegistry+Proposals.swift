import Foundation
import GRDB
import HeritageStore

/// Proposals on PostgreSQL: recorded, listed and decided with the archive's rules (shared in
/// ``Proposal``), messages and events. An approval makes its change and records the decision
/// in one transaction, as the archive does.
extension PostgresRegistry {
    /// Records a proposal by `actor` (`proposal.create`), checked as its change would be when
    /// approved.
    @discardableResult
    public func propose(_ draft: Proposal, actor: String, time: String = Timestamp.now()) async throws -> Proposal {
        var proposal = draft.pending(by: actor)
        try await transaction {
            try await self.lockAudit()
            switch proposal.kind {
            case .siteCreate:
                let site = try proposal.proposedNewSite()
                if let existing = try await self.strings(
                    "SELECT code AS value FROM site WHERE lower(code) = lower($1) OR id = $2", [site.code, site.id]
                ).first {
                    throw Proposal.siteExists(existing)
                }
                (proposal.site, proposal.siteID, proposal.base) = (site, site.id, nil)
            case .siteUpdate:
                guard let (current, _) = try await self.storedSite(proposal.siteID) else {
                    throw HeritageStoreError(.notFound, "no site with code or id '\(proposal.siteID)'")
                }
                let site = try proposal.proposedEdit(of: current)
                if site.code.lowercased() != current.code.lowercased(),
                    try await self.integer("SELECT 1 AS value FROM site WHERE lower(code) = lower($1)", [site.code])
                        != nil
                {
                    throw Site.codeTaken(site.code)
                }
                (proposal.site, proposal.base, proposal.siteID) = (site, current, current.id)
            case .conditionCreate:
                var assessment = try proposal.proposedAssessment()
                guard let (site, _) = try await self.storedSite(assessment.siteID) else {
                    throw HeritageStoreError(.notFound, "no site with code or id '\(assessment.siteID)'")
                }
                assessment.siteID = site.id
                if let survey = assessment.surveyID {
                    let id = try await self.resolveID(table: "survey", reference: survey, noun: "survey")
                    try await self.requireSameSite(table: "survey", id: id, site: site)
                    assessment.surveyID = id
                }
                if let earlier = assessment.supersedes {
                    let id = try await self.resolveID(
                        table: "conditionAssessment", reference: earlier, noun: "condition assessment")
                    try await self.requireSameSite(table: "conditionAssessment", id: id, site: site)
                    assessment.supersedes = id
                }
                assessment.recordedAt = nil
                (proposal.assessment, proposal.siteID, proposal.base, proposal.site) = (assessment, site.id, nil, nil)
            }
            var evidence: [String] = []
            for reference in proposal.evidence {
                evidence.append(try await self.evidenceID(reference, siteID: proposal.siteID))
            }
            proposal.evidence = evidence
            proposal.proposedAt = time
            let seq = (try await self.integer("SELECT coalesce(max(seq), 0) + 1 AS value FROM proposal")) ?? 1
            try await self.run(
                """
                INSERT INTO proposal (seq, id, kind, siteId, base, proposed, evidence, note, proposedBy, proposedAt,
                    status)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending')
                """,
                [
                    seq, proposal.id, proposal.kind.rawValue, proposal.siteID,
                    try proposal.base.map(RecordAudit.json), try proposal.proposedJSON,
                    try RecordAudit.jsonList(proposal.evidence), proposal.note, actor, time,
                ])
            try await self.appendEvent(
                actor: actor, action: "proposal.create", entityType: "proposal", entityID: proposal.id,
                entitySeq: seq, oldValue: nil, newValue: try RecordAudit.json(proposal), time: time)
        }
        return proposal
    }

    /// Approves or rejects a pending proposal as `actor`, who must not have made it; on approval
    /// its change is made, audited as made by `actor`.
    @discardableResult
    public func decide(
        proposal reference: String, approve: Bool, reason: String?, actor: String, time: String = Timestamp.now()
    ) async throws -> Proposal {
        let reason = try Proposal.checkedReason(reason, approve: approve)
        return try await transaction {
            try await self.lockAudit()
            let id = try await self.resolveID(table: "proposal", reference: reference, noun: "proposal")
            guard let row = try await self.rows("SELECT * FROM proposal WHERE id = $1 FOR UPDATE", [id]).first else {
                throw HeritageStoreError(.notFound, "no proposal with id '\(reference)'")
            }
            let old = try Proposal(row: row)
            var new = try old.decided(approve: approve, reason: reason, by: actor)
            if approve { new.resultID = try await self.apply(old, actor: actor, time: time) }
            new.decidedAt = time
            try await self.run(
                "UPDATE proposal SET status = $1, decidedBy = $2, decidedAt = $3, reason = $4, resultId = $5 WHERE seq = $6",
                [new.status.rawValue, actor, time, reason, new.resultID, row["seq"] as Int64])
            try await self.appendEvent(
                actor: actor, action: approve ? "proposal.approve" : "proposal.reject", entityType: "proposal",
                entityID: new.id, entitySeq: row["seq"], oldValue: try RecordAudit.json(old),
                newValue: try RecordAudit.json(new), time: time)
            return new
        }
    }

    /// Proposals, oldest first, optionally of one status, site (code or id) or proposer.
    public func proposals(
        status: Proposal.Status? = nil, site: String? = nil, proposedBy: String? = nil, limit: Int = 100,
        offset: Int = 0
    ) async throws -> [Proposal] {
        // A site being proposed is not in the registry yet: its id is matched as given.
        var siteID = site
        if let site, let (found, _) = try await storedSite(site) { siteID = found.id }
        return try await rows(
            """
            SELECT * FROM proposal
            WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR siteId = $2)
                AND ($3::text IS NULL OR lower(proposedBy) = lower($3))
            ORDER BY seq LIMIT $4 OFFSET $5
            """, [status?.rawValue, siteID, proposedBy, max(0, min(limit, 1000)), max(0, offset)]
        ).map(Proposal.init(row:))
    }

    /// The proposal with this id (or its first characters).
    public func proposal(_ reference: String) async throws -> Proposal {
        let id = try await resolveID(table: "proposal", reference: reference, noun: "proposal")
        guard let row = try await rows("SELECT * FROM proposal WHERE id = $1", [id]).first else {
            throw HeritageStoreError(.notFound, "no proposal with id '\(reference)'")
        }
        return try Proposal(row: row)
    }

    /// Makes the change a proposal proposes; returns the id of the record it made or changed.
    private func apply(_ proposal: Proposal, actor: String, time: String) async throws -> String {
        switch proposal.kind {
        case .siteCreate:
            guard let site = proposal.site else { throw HeritageStoreError(.integrity, "proposal without its site") }
            try await insertSite(site, actor: actor, time: time)
            return site.id
        case .siteUpdate:
            guard let site = proposal.site, proposal.base != nil else {
                throw HeritageStoreError(.integrity, "proposal without its site")
            }
            guard let (current, seq) = try await storedSite(proposal.siteID, forUpdate: true) else {
                throw HeritageStoreError(.notFound, "the site this proposal edits is gone")
            }
            try proposal.requireBase(is: current)
            _ = try await replaceSite(current, seq: seq, with: site, actor: actor, time: time)
            return site.id
        case .conditionCreate:
            guard let assessment = proposal.assessment else {
                throw HeritageStoreError(.integrity, "proposal without its assessment")
            }
            return try await insertAssessment(assessment, actor: actor, time: time).id
        }
    }

    /// The full id of a piece of evidence, which must belong to the site `siteID`.
    private func evidenceID(_ reference: String, siteID: String) async throws -> String {
        for table in Proposal.evidenceTables {
            guard let id = try? await resolveID(table: table, reference: reference, noun: table) else { continue }
            let owner = try await strings(
                table == "assetVersion"
                    ? "SELECT a.siteId AS value FROM assetVersion v JOIN asset a ON a.id = v.assetId WHERE v.id = $1"
                    : "SELECT siteId AS value FROM \(table) WHERE id = $1", [id]
            ).first
            guard owner == siteID else { throw Proposal.evidenceOfAnotherSite(reference) }
            return id
        }
        throw Proposal.noEvidence(reference)
    }

    private func requireSameSite(table: String, id: String, site: Site) async throws {
        let owner = try await strings("SELECT siteId AS value FROM \(table) WHERE id = $1", [id]).first
        guard owner == site.id else { throw Proposal.notOfSite(table, id, site) }
    }
}
