import Foundation
import GRDB

extension HeritageArchive {
    /// Records a survey of a site (`survey.create` in the audit log).
    @discardableResult
    public func addSurvey(_ draft: Survey, actor: String, time: String) throws -> Survey {
        var survey = try draft.validated()
        return try write { db in
            guard let site = try Site.fetch(db, reference: survey.siteID) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(survey.siteID)'")
            }
            survey.siteID = site.id
            try db.execute(
                sql: """
                    INSERT INTO survey (id, siteId, startDate, endDate, team, method, notes, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    survey.id, survey.siteID, survey.startDate, survey.endDate, try JSONText.encodeList(survey.team),
                    survey.method.rawValue, survey.notes, time,
                ])
            try AuditLog.append(
                db, actor: actor, action: "survey.create", entityType: "survey", entityID: survey.id,
                entitySeq: db.lastInsertedRowID,
                oldValue: nil, newValue: try JSONText.encode(survey), time: time)
            return survey
        }
    }

    /// The surveys of a site, oldest first.
    public func surveys(ofSite reference: String) throws -> [Survey] {
        try read { db in
            guard let site = try Site.fetch(db, reference: reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            return try Row.fetchAll(
                db, sql: "SELECT * FROM survey WHERE siteId = ? ORDER BY startDate, seq", arguments: [site.id]
            ).map(Survey.init(row:))
        }
    }

    /// The survey with this id (or an unambiguous prefix of at least 4 characters).
    public func survey(_ reference: String) throws -> Survey {
        try read { db in
            let id = try resolveID(db, table: "survey", reference: reference, noun: "survey")
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM survey WHERE id = ?", arguments: [id]) else {
                throw HeritageStoreError(.notFound, "no survey with id '\(reference)'")
            }
            return try Survey(row: row)
        }
    }
}

extension Survey {
    package init(row: Row) throws {
        self.init(
            id: row["id"], siteID: row["siteId"], startDate: row["startDate"], endDate: row["endDate"],
            team: try JSONText.decode([String].self, from: row["team"]), method: try .stored(row["method"]),
            notes: row["notes"])
    }
}
