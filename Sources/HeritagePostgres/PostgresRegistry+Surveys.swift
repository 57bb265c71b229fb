import Foundation
import GRDB
import HeritageStore

/// Surveys and findings on PostgreSQL, with the archive's rules, messages and events.
extension PostgresRegistry {
    /// Records a survey of a site (`survey.create`); the site by code or id.
    @discardableResult
    public func addSurvey(_ draft: Survey, actor: String, time: String = Timestamp.now()) async throws -> Survey {
        var survey = try draft.validated()
        try await transaction {
            try await self.lockAudit()
            guard let (site, _) = try await self.storedSite(survey.siteID) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(survey.siteID)'")
            }
            survey.siteID = site.id
            let seq = (try await self.integer("SELECT coalesce(max(seq), 0) + 1 AS value FROM survey")) ?? 1
            try await self.run(
                """
                INSERT INTO survey (seq, id, siteId, startDate, endDate, team, method, notes, createdAt)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                [
                    seq, survey.id, survey.siteID, survey.startDate, survey.endDate,
                    try RecordAudit.jsonList(survey.team), survey.method.rawValue, survey.notes, time,
                ])
            try await self.appendEvent(
                actor: actor, action: "survey.create", entityType: "survey", entityID: survey.id, entitySeq: seq,
                oldValue: nil, newValue: try RecordAudit.json(survey), time: time)
        }
        return survey
    }

    /// A site's surveys, oldest first.
    public func surveys(ofSite reference: String) async throws -> [Survey] {
        guard let (site, _) = try await storedSite(reference) else {
            throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
        }
        return try await rows("SELECT * FROM survey WHERE siteId = $1 ORDER BY startDate, seq", [site.id]).map(
            Survey.init(row:))
    }

    /// The survey with this id (or an unambiguous prefix of at least 4 characters).
    public func survey(_ reference: String) async throws -> Survey {
        let id = try await resolveID(table: "survey", reference: reference, noun: "survey")
        guard let row = try await rows("SELECT * FROM survey WHERE id = $1", [id]).first else {
            throw HeritageStoreError(.notFound, "no survey with id '\(reference)'")
        }
        return try Survey(row: row)
    }

    /// A page of the findings recorded on a site, oldest first, and how many it has.
    public func findings(ofSite reference: String, limit: Int, offset: Int) async throws -> (
        total: Int, findings: [Finding]
    ) {
        guard let (site, _) = try await storedSite(reference) else {
            throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
        }
        let total = try await integer("SELECT count(*) AS value FROM finding WHERE siteId = $1", [site.id]) ?? 0
        let findings = try await rows(
            "SELECT * FROM finding WHERE siteId = $1 ORDER BY seq LIMIT $2 OFFSET $3",
            [site.id, max(0, limit), max(0, offset)]
        ).map(Finding.init(row:))
        return (Int(total), findings)
    }

    /// The finding with this id or an unambiguous prefix of at least 4 characters.
    public func finding(_ reference: String) async throws -> Finding {
        let id = try await resolveID(table: "finding", reference: reference, noun: "finding")
        guard let row = try await rows("SELECT * FROM finding WHERE id = $1", [id]).first else {
            throw HeritageStoreError(.notFound, "no finding with id '\(reference)'")
        }
        return try Finding(row: row)
    }
}
