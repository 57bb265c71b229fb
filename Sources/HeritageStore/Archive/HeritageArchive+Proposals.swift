import Foundation
import GRDB

extension HeritageArchive {
    /// Records a proposal by `actor` (`proposal.create`), checked as its change would be when
    /// approved: a valid site whose code is free, an edit that changes something, an assessment
    /// of an existing site whose references resolve. Evidence must be findings, surveys, assets
    /// or asset versions of the same site.
    ///
    /// - Returns: the proposal as recorded: pending, with its site resolved and, for an edit,
    ///   the site as it stands now as its base.
    @discardableResult
    public func propose(_ draft: Proposal, actor: String, time: String) throws -> Proposal {
        var proposal = draft.pending(by: actor)
        return try write { db in
            switch proposal.kind {
            case .siteCreate:
                let site = try proposal.proposedNewSite()
                if let existing = try String.fetchOne(
                    db, sql: "SELECT code FROM site WHERE code = ? COLLATE NOCASE OR id = ?",
                    arguments: [site.code, site.id])
                {
                    throw Proposal.siteExists(existing)
                }
                proposal.site = site
                proposal.siteID = site.id
                proposal.base = nil
            case .siteUpdate:
                guard let current = try Site.fetch(db, reference: proposal.siteID) else {
                    throw HeritageStoreError(.notFound, "no site with code or id '\(proposal.siteID)'")
                }
                let site = try proposal.proposedEdit(of: current)
                if site.code.lowercased() != current.code.lowercased(),
                    try Bool.fetchOne(
                        db, sql: "SELECT 1 FROM site WHERE code = ? COLLATE NOCASE", arguments: [site.code]) == true
                {
                    throw Site.codeTaken(site.code)
                }
                proposal.site = site
                proposal.base = current
                proposal.siteID = current.id
            case .conditionCreate:
                var assessment = try proposal.proposedAssessment()
                guard let site = try Site.fetch(db, reference: assessment.siteID) else {
                    throw HeritageStoreError(.notFound, "no site with code or id '\(assessment.siteID)'")
                }
                assessment.siteID = site.id
                if let survey = assessment.surveyID {
                    let id = try resolveID(db, table: "survey", reference: survey, noun: "survey")
                    try Self.requireSameSite(db, table: "survey", id: id, site: site)
                    assessment.surveyID = id
                }
                if let earlier = assessment.supersedes {
                    let id = try resolveID(
                        db, table: "conditionAssessment", reference: earlier, noun: "condition assessment")
                    try Self.requireSameSite(db, table: "conditionAssessment", id: id, site: site)
                    assessment.supersedes = id
                }
                assessment.recordedAt = nil
                proposal.assessment = assessment
                proposal.siteID = site.id
                proposal.base = nil
                proposal.site = nil
            }
            proposal.evidence = try proposal.evidence.map { try evidenceID(db, $0, siteID: proposal.siteID) }
            proposal.proposedAt = time
            try db.execute(
                sql: """
                    INSERT INTO proposal (id, kind, siteId, base, proposed, evidence, note, proposedBy, proposedAt,
                        status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')
                    """,
                arguments: [
                    proposal.id, proposal.kind.rawValue, proposal.siteID, try proposal.base.map(JSONText.encode),
                    try proposal.proposedJSON, try JSONText.encodeList(proposal.evidence), proposal.note, actor, time,
                ])
            try AuditLog.append(
                db, actor: actor, action: "proposal.create", entityType: "proposal", entityID: proposal.id,
                entitySeq: db.lastInsertedRowID, oldValue: nil, newValue: try JSONText.encode(proposal), time: time)
            return proposal
        }
    }

    /// Approves or rejects a pending proposal, as `actor`, who must not be its proposer. On
    /// approval its change is made (audited as made by `actor`) and the decision recorded
    /// (`proposal.approve`, naming proposer and approver), in one transaction. A rejection
    /// needs a reason and changes nothing else (`proposal.reject`).
    ///
    /// - Throws: `notFound`; `conflict` when it was decided already, or when the site it edits
    ///   changed since it was proposed; `notPermitted` for one's own proposal; `invalidInput`
    ///   for a rejection without a reason.
    @discardableResult
    public func decide(proposal reference: String, approve: Bool, reason: String?, actor: String, time: String)
        throws -> Proposal
    {
        let reason = try Proposal.checkedReason(reason, approve: approve)
        return try write { db in
            let id = try resolveID(db, table: "proposal", reference: reference, noun: "proposal")
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM proposal WHERE id = ?", arguments: [id]) else {
                throw HeritageStoreError(.notFound, "no proposal with id '\(reference)'")
            }
            let old = try Proposal(row: row)
            var new = try old.decided(approve: approve, reason: reason, by: actor)
            if approve { new.resultID = try apply(db, old, actor: actor, time: time) }
            new.decidedAt = time
            try db.execute(
                sql:
                    "UPDATE proposal SET status = ?, decidedBy = ?, decidedAt = ?, reason = ?, resultId = ? WHERE seq = ?",
                arguments: [new.status.rawValue, actor, time, reason, new.resultID, row["seq"] as Int64])
            try AuditLog.append(
                db, actor: actor, action: approve ? "proposal.approve" : "proposal.reject", entityType: "proposal",
                entityID: new.id, entitySeq: row["seq"], oldValue: try JSONText.encode(old),
                newValue: try JSONText.encode(new), time: time)
            return new
        }
    }

    /// Makes the change a proposal proposes; returns the id of the record it made or changed.
    private func apply(_ db: Database, _ proposal: Proposal, actor: String, time: String) throws -> String {
        switch proposal.kind {
        case .siteCreate:
            guard let site = proposal.site else { throw HeritageStoreError(.integrity, "proposal without its site") }
            try Self.insertSite(db, site, actor: actor, time: time)
            return site.id
        case .siteUpdate:
            guard let site = proposal.site, proposal.base != nil else {
                throw HeritageStoreError(.integrity, "proposal without its site")
            }
            guard let current = try Site.fetch(db, reference: proposal.siteID) else {
                throw HeritageStoreError(.notFound, "the site this proposal edits is gone")
            }
            try proposal.requireBase(is: current)
            try Self.replaceSite(db, old: current, with: site, actor: actor, time: time)
            return site.id
        case .conditionCreate:
            guard let assessment = proposal.assessment else {
                throw HeritageStoreError(.integrity, "proposal without its assessment")
            }
            return try insertAssessment(db, assessment, actor: actor, time: time).id
        }
    }

    /// Proposals, oldest first, optionally only those of one status, site (code or id) or
    /// proposer; `limit` and `offset` page through them.
    public func proposals(status: Proposal.Status?, site: String?, proposedBy: String?, limit: Int, offset: Int)
        throws -> [Proposal]
    {
        try read { db in
            var filter = SQLFilter()
            filter.add("status = ?", status?.rawValue)
            // A site being proposed is not in the registry yet: its id is matched as given.
            filter.add("siteId = ?", try site.map { try Site.fetch(db, reference: $0)?.id ?? $0 })
            filter.add("proposedBy = ? COLLATE NOCASE", proposedBy)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM proposal \(filter.clause) ORDER BY seq LIMIT ? OFFSET ?",
                arguments: filter.arguments(then: [max(0, min(limit, 1000)), max(0, offset)])
            ).map(Proposal.init(row:))
        }
    }

    /// The proposal with this id (or its first characters).
    public func proposal(_ reference: String) throws -> Proposal {
        try read { db in
            let id = try resolveID(db, table: "proposal", reference: reference, noun: "proposal")
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM proposal WHERE id = ?", arguments: [id]) else {
                throw HeritageStoreError(.notFound, "no proposal with id '\(reference)'")
            }
            return try Proposal(row: row)
        }
    }

    /// A proposal as it may be shown to someone with or without clearance: when its site is
    /// restricted (as it stands, as proposed, or as it was), positions are generalised and
    /// free text cleared of every position known for it.
    public func released(_ proposal: Proposal, includeRestricted: Bool) throws -> Proposal {
        let sites = [proposal.site, proposal.base].compactMap { $0 }
        let existing = try site(proposal.siteID)
        let restricted = (sites + [existing].compactMap { $0 }).contains { $0.sensitivity == .restricted }
        guard restricted, !includeRestricted else { return proposal }
        var positions =
            existing != nil
            ? try release(ofSite: proposal.siteID, includeRestricted: false).positions : SensitivePositions()
        for site in sites {
            positions.addDegrees(site.location.latitude)
            positions.addDegrees(site.location.longitude)
            if let boundary = site.boundary { Self.collectNumbers(inJSON: boundary) { positions.addDegrees($0) } }
        }
        let search = positions.search
        func generalised(_ site: Site) -> Site {
            var copy = site
            copy.sensitivity = .restricted
            copy = copy.released(includeRestricted: false)
            copy.sensitivity = site.sensitivity
            copy.description = copy.description.map(search.redact)
            copy.names = copy.names.map {
                SiteName(language: $0.language, name: search.redact($0.name), isPrimary: $0.isPrimary)
            }
            copy.sources = copy.sources.map(search.redact)
            return copy
        }
        var copy = proposal
        copy.site = proposal.site.map(generalised)
        copy.base = proposal.base.map(generalised)
        copy.assessment = proposal.assessment.map { assessment in
            var shown = assessment
            shown.notes = assessment.notes.map(search.redact)
            shown.assessor = search.redact(assessment.assessor)
            return shown
        }
        copy.note = proposal.note.map(search.redact)
        copy.reason = proposal.reason.map(search.redact)
        return copy
    }

    /// The full id of a piece of evidence (an id, or its first characters, of a finding,
    /// survey, asset or asset version), which must belong to the site `siteID`.
    private func evidenceID(_ db: Database, _ reference: String, siteID: String) throws -> String {
        for table in Proposal.evidenceTables {
            guard let id = try? resolveID(db, table: table, reference: reference, noun: table) else { continue }
            let owner =
                table == "assetVersion"
                ? try String.fetchOne(
                    db, sql: "SELECT a.siteId FROM assetVersion v JOIN asset a ON a.id = v.assetId WHERE v.id = ?",
                    arguments: [id])
                : try String.fetchOne(db, sql: "SELECT siteId FROM \(table) WHERE id = ?", arguments: [id])
            guard owner == siteID else { throw Proposal.evidenceOfAnotherSite(reference) }
            return id
        }
        throw Proposal.noEvidence(reference)
    }

    private static func requireSameSite(_ db: Database, table: String, id: String, site: Site) throws {
        let owner = try String.fetchOne(db, sql: "SELECT siteId FROM \(table) WHERE id = ?", arguments: [id])
        guard owner == site.id else { throw Proposal.notOfSite(table, id, site) }
    }
}

extension String {
    package var nilIfEmpty: String? { isEmpty ? nil : self }
}
