import Foundation
import GRDB

extension HeritageArchive {
    /// Appends a condition assessment (`condition.create` in the audit log).
    ///
    /// `siteID` may be a site code; `surveyID` and `supersedes` may be abbreviated ids. A
    /// correction (`supersedes`) must concern the same site, and an assessment can be
    /// superseded only once: correct the correction to change it again.
    @discardableResult
    public func addAssessment(_ draft: ConditionAssessment, actor: String, time: String) throws
        -> ConditionAssessment
    {
        let assessment = try draft.validated()
        return try write { db in try insertAssessment(db, assessment, actor: actor, time: time) }
    }

    /// Inserts a checked assessment in this transaction, resolving its references, audited as
    /// `condition.create`.
    func insertAssessment(
        _ db: Database, _ checked: ConditionAssessment, actor: String, time: String = Timestamp.now()
    ) throws -> ConditionAssessment {
        var assessment = checked
        guard let site = try Site.fetch(db, reference: assessment.siteID) else {
            throw HeritageStoreError(.notFound, "no site with code or id '\(assessment.siteID)'")
        }
        assessment.siteID = site.id
        if let survey = assessment.surveyID {
            let id = try resolveID(db, table: "survey", reference: survey, noun: "survey")
            let owner = try String.fetchOne(db, sql: "SELECT siteId FROM survey WHERE id = ?", arguments: [id])
            guard owner == site.id else { throw ConditionAssessment.surveyOfAnotherSite(id) }
            assessment.surveyID = id
        }
        if let earlier = assessment.supersedes {
            let id = try resolveID(
                db, table: "conditionAssessment", reference: earlier, noun: "condition assessment")
            if let by = try String.fetchOne(
                db, sql: "SELECT id FROM conditionAssessment WHERE supersedes = ?", arguments: [id])
            {
                throw ConditionAssessment.supersededAlready(id, by: by)
            }
            let owner = try String.fetchOne(
                db, sql: "SELECT siteId FROM conditionAssessment WHERE id = ?", arguments: [id])
            guard owner == site.id else { throw ConditionAssessment.correctionOfAnotherSite(id) }
            assessment.supersedes = id
        }
        assessment.recordedAt = time
        try db.execute(
            sql: """
                INSERT INTO conditionAssessment (id, siteId, surveyId, assessor, dateQualifier, date, endDate,
                    timelineDate, activity, overallCondition, damageExtent, causeCategory, causeType, effects,
                    certainty, threat, priority, notes, supersedes, recordedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                assessment.id, assessment.siteID, assessment.surveyID, assessment.assessor,
                assessment.dateQualifier.rawValue, assessment.date, assessment.endDate, assessment.timelineDate,
                assessment.activity.rawValue, assessment.overallCondition.rawValue,
                assessment.damageExtent.rawValue, assessment.causeCategory?.rawValue,
                assessment.causeType?.rawValue, try JSONText.encodeList(assessment.effects.map(\.rawValue)),
                assessment.certainty.rawValue, assessment.threat?.rawValue, assessment.priority?.rawValue,
                assessment.notes, assessment.supersedes, time,
            ])
        try AuditLog.append(
            db, actor: actor, action: "condition.create", entityType: "conditionAssessment",
            entityID: assessment.id, entitySeq: db.lastInsertedRowID, oldValue: nil,
            newValue: try JSONText.encode(assessment), time: time)
        return assessment
    }

    /// Every assessment of a site, in timeline order (by the date they speak for, then by when
    /// they were recorded), superseded ones included and marked.
    public func conditionHistory(ofSite reference: String) throws -> [TimelineEntry] {
        try read { db in
            guard let site = try Site.fetch(db, reference: reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.*, (SELECT c.id FROM conditionAssessment c WHERE c.supersedes = a.id) AS supersededBy
                    FROM conditionAssessment a WHERE a.siteId = ? ORDER BY a.timelineDate, a.seq
                    """,
                arguments: [site.id])
            return try rows.map { row in
                TimelineEntry(assessment: try ConditionAssessment(row: row), supersededBy: row["supersededBy"])
            }
        }
    }
}

/// An assessment in a site's timeline, and the correction that replaced it, if any.
public struct TimelineEntry: Codable, Hashable, Sendable {
    public var assessment: ConditionAssessment
    public var supersededBy: String?

    public init(assessment: ConditionAssessment, supersededBy: String?) {
        self.assessment = assessment
        self.supersededBy = supersededBy
    }
}

extension ConditionAssessment {
    package static func surveyOfAnotherSite(_ survey: String) -> HeritageStoreError {
        HeritageStoreError(.invalidInput, "survey \(survey.prefix(8)) was made at another site than this assessment's")
    }

    package static func supersededAlready(_ id: String, by: String) -> HeritageStoreError {
        HeritageStoreError(
            .conflict, "assessment \(id.prefix(8)) is already superseded by \(by.prefix(8)); supersede that one")
    }

    package static func correctionOfAnotherSite(_ id: String) -> HeritageStoreError {
        HeritageStoreError(
            .invalidInput, "assessment \(id.prefix(8)) is of another site: a correction concerns the same site")
    }

    /// An assessment from its row (the column names of the registry's table, on either backend).
    package init(row: Row) throws {
        let effects = try JSONText.decode([String].self, from: row["effects"]).map(DisturbanceEffect.stored)
        self.init(
            id: row["id"], siteID: row["siteId"], surveyID: row["surveyId"], assessor: row["assessor"],
            dateQualifier: try .stored(row["dateQualifier"]), date: row["date"], endDate: row["endDate"],
            activity: try .stored(row["activity"]), overallCondition: try .stored(row["overallCondition"]),
            damageExtent: try .stored(row["damageExtent"]),
            causeCategory: try (row["causeCategory"] as String?).map(DisturbanceCategory.stored),
            causeType: try (row["causeType"] as String?).map(DisturbanceType.stored), effects: effects,
            certainty: try .stored(row["certainty"]), threat: try (row["threat"] as String?).map(RiskLevel.stored),
            priority: try (row["priority"] as String?).map(RiskLevel.stored), notes: row["notes"],
            supersedes: row["supersedes"], recordedAt: row["recordedAt"])
    }
}
