import Foundation
import HeritageStore

/// What an assessor states about a site's condition. With a finding, what is left out is
/// proposed from it (site, today's date, activity, extent, effects) and the notes cite it.
public struct AssessmentStatement: Sendable {
    public var site: String?
    public var survey: String?
    public var assessor: String
    public var condition: OverallCondition
    public var certainty: Certainty
    public var qualifier: DateQualifier = .on
    public var date: String?
    public var endDate: String?
    public var activity: AssessmentActivity?
    public var extent: DamageExtent?
    public var causeCategory: DisturbanceCategory?
    public var causeType: DisturbanceType?
    /// Empty: the finding's proposed effects, if any.
    public var effects: [DisturbanceEffect] = []
    public var threat: RiskLevel?
    public var priority: RiskLevel?
    public var notes: String?
    public var supersedes: String?

    public init(assessor: String, condition: OverallCondition, certainty: Certainty) {
        self.assessor = assessor
        self.condition = condition
        self.certainty = certainty
    }
}

extension SiteStore where Self: ConditionStore {
    /// The assessment `statement` makes, drafted from `finding` (an id or its first
    /// characters) when one is given. Nothing is stored: `addAssessment` does that.
    ///
    /// - Parameter today: the date (YYYY-MM-DD, UTC) a drafted assessment defaults to.
    public func draftAssessment(
        _ statement: AssessmentStatement, fromFinding reference: String? = nil, today: String = Timestamp.todayUTC()
    ) throws -> (ConditionAssessment, Finding?) {
        let finding = try reference.map { try self.finding($0) }
        if let finding, let site = statement.site, try self.site(site)?.id != finding.siteID {
            throw HeritageStoreError(.invalidInput, "finding \(finding.id) was recorded on another site than \(site)")
        }
        return (try statement.draft(from: finding, today: today), finding)
    }
}

extension AssessmentStatement {
    /// The assessment this statement makes, its gaps filled from `finding` when there is one
    /// (already read, and of the statement's site).
    public func draft(from finding: Finding?, today: String = Timestamp.todayUTC()) throws -> ConditionAssessment {
        let statement = self
        guard let site = statement.site ?? finding?.siteID else {
            throw HeritageStoreError(.invalidInput, "an assessment needs its site (or a finding to draft it from)")
        }
        guard let date = statement.date ?? finding.map({ _ in today }) else {
            throw HeritageStoreError(.invalidInput, "an assessment needs its date (or a finding to draft it from)")
        }
        // A photo comparison of orthophotos (map units) is an aerial-imagery assessment; of
        // ordinary photographs, "other" (the vocabulary has no ground-photo term).
        let proposedActivity = finding.map { finding -> AssessmentActivity in
            guard finding.method == .photo else { return .scanComparison }
            return finding.units == "px" ? .other : .aerialImageryAssessment
        }
        guard let activity = statement.activity ?? proposedActivity else {
            throw HeritageStoreError(.invalidInput, "an assessment needs its activity (or a finding to draft it from)")
        }
        var notes = finding.map {
            "From finding \($0.id) (\($0.method.rawValue), result versions \($0.resultVersionIDs.joined(separator: ", "))): "
                + $0.summary
        }
        if let stated = statement.notes { notes = notes.map { $0 + "\n" + stated } ?? stated }
        let draft = ConditionAssessment(
            siteID: site, surveyID: statement.survey, assessor: statement.assessor, dateQualifier: statement.qualifier,
            date: date, endDate: statement.endDate, activity: activity, overallCondition: statement.condition,
            damageExtent: statement.extent ?? finding?.proposedExtent ?? .unknown,
            causeCategory: statement.causeCategory, causeType: statement.causeType,
            effects: statement.effects.isEmpty ? finding?.proposedEffects ?? [] : statement.effects,
            certainty: statement.certainty, threat: statement.threat, priority: statement.priority, notes: notes,
            supersedes: statement.supersedes)
        return draft
    }
}
