import Foundation

/// One assessment of a site's condition. Assessments are never changed: a correction is a new
/// assessment whose `supersedes` names the one it replaces.
public struct ConditionAssessment: Codable, Hashable, Sendable {
    public var id: String
    public var siteID: String
    public var surveyID: String?
    public var assessor: String
    public var dateQualifier: DateQualifier
    /// The date (ISO 8601, possibly reduced); for `between`, the first date.
    public var date: String
    /// For `between` only: the last date.
    public var endDate: String?
    public var activity: AssessmentActivity
    public var overallCondition: OverallCondition
    public var damageExtent: DamageExtent
    public var causeCategory: DisturbanceCategory?
    public var causeType: DisturbanceType?
    public var effects: [DisturbanceEffect]
    public var certainty: Certainty
    public var threat: RiskLevel?
    public var priority: RiskLevel?
    public var notes: String?
    /// The id of an earlier assessment this one corrects.
    public var supersedes: String?
    /// When it was recorded in the archive (UTC, ISO 8601), set by the store.
    public var recordedAt: String?

    public init(
        id: String = RecordID.make(), siteID: String, surveyID: String? = nil, assessor: String,
        dateQualifier: DateQualifier = .on, date: String, endDate: String? = nil, activity: AssessmentActivity,
        overallCondition: OverallCondition, damageExtent: DamageExtent = .unknown,
        causeCategory: DisturbanceCategory? = nil, causeType: DisturbanceType? = nil,
        effects: [DisturbanceEffect] = [], certainty: Certainty, threat: RiskLevel? = nil,
        priority: RiskLevel? = nil, notes: String? = nil, supersedes: String? = nil, recordedAt: String? = nil
    ) {
        self.id = id
        self.siteID = siteID
        self.surveyID = surveyID
        self.assessor = assessor
        self.dateQualifier = dateQualifier
        self.date = date
        self.endDate = endDate
        self.activity = activity
        self.overallCondition = overallCondition
        self.damageExtent = damageExtent
        self.causeCategory = causeCategory
        self.causeType = causeType
        self.effects = effects
        self.certainty = certainty
        self.threat = threat
        self.priority = priority
        self.notes = notes
        self.supersedes = supersedes
        self.recordedAt = recordedAt
    }

    /// The date the assessment speaks for, used to order a timeline: the end of a `between` span.
    public var timelineDate: String { dateQualifier == .between ? (endDate ?? date) : date }

    /// A human reading of the date: "on 2015-08-30", "between 2015-08-27 and 2015-08-31".
    public var dateText: String {
        switch dateQualifier {
        case .between: "between \(date) and \(endDate ?? "?")"
        default: "\(dateQualifier.rawValue) \(date)"
        }
    }

    package func validated() throws -> ConditionAssessment {
        var copy = self
        copy.assessor = assessor.trimmed
        guard !copy.assessor.isEmpty else {
            throw HeritageStoreError(.invalidInput, "a condition assessment needs its assessor")
        }
        try checkPartialDate(date, field: "assessment date")
        switch (dateQualifier, endDate) {
        case (.between, nil):
            throw HeritageStoreError(.invalidInput, "a 'between' assessment date needs an end date")
        case (.between, let end?):
            try checkPartialDate(end, field: "assessment end date")
            guard end >= date else {
                throw HeritageStoreError(.invalidInput, "assessment end date \(end) is before its date \(date)")
            }
        case (_, .some):
            throw HeritageStoreError(.invalidInput, "an end date is only allowed with the 'between' qualifier")
        default: break
        }
        if overallCondition == .good && !(damageExtent == .none || damageExtent == .unknown) {
            throw HeritageStoreError(
                .invalidInput, "overall condition 'good' contradicts damage extent \(damageExtent.label)")
        }
        copy.notes = notes.nilIfBlank
        copy.effects = Array(Set(effects)).sorted { $0.rawValue < $1.rawValue }
        return copy
    }
}
