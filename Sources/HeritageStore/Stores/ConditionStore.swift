import Foundation

/// Where a site's surveys, condition history and findings are kept: the archive or a
/// PostgreSQL registry, with the same rules, messages and audit events.
public protocol ConditionStore: Sendable {
    /// Records a survey of a site (`survey.create`); the site by code or id.
    @discardableResult
    func addSurvey(_ draft: Survey, actor: String, time: String) throws -> Survey
    /// A site's surveys, oldest first.
    func surveys(ofSite reference: String) throws -> [Survey]
    /// The survey with this id (or an unambiguous prefix of at least 4 characters).
    func survey(_ reference: String) throws -> Survey
    /// Appends a condition assessment (`condition.create`): the site by code or id, the survey
    /// and the assessment it corrects by id or its first characters, all of the same site; an
    /// assessment is corrected once at most.
    @discardableResult
    func addAssessment(_ draft: ConditionAssessment, actor: String, time: String) throws -> ConditionAssessment
    /// Every assessment of a site in timeline order, superseded ones marked.
    func conditionHistory(ofSite reference: String) throws -> [TimelineEntry]
    /// The finding with this id or an unambiguous prefix of at least 4 characters.
    func finding(_ reference: String) throws -> Finding
    /// A page of the findings recorded on a site, oldest first, and how many it has.
    func findings(ofSite reference: String, limit: Int, offset: Int) throws -> (total: Int, findings: [Finding])
}

extension ConditionStore {
    /// Records a survey, now.
    @discardableResult
    public func addSurvey(_ draft: Survey, actor: String) throws -> Survey {
        try addSurvey(draft, actor: actor, time: Timestamp.now())
    }

    /// Appends a condition assessment, now.
    @discardableResult
    public func addAssessment(_ draft: ConditionAssessment, actor: String) throws -> ConditionAssessment {
        try addAssessment(draft, actor: actor, time: Timestamp.now())
    }

    /// Every finding recorded on a site, oldest first.
    public func findings(ofSite reference: String) throws -> [Finding] {
        try findings(ofSite: reference, limit: Int.max, offset: 0).findings
    }

    /// The newest assessment of a site that no correction replaced, or nil.
    public func latestCondition(ofSite reference: String) throws -> ConditionAssessment? {
        try conditionHistory(ofSite: reference).last(where: { $0.supersededBy == nil })?.assessment
    }
}

extension HeritageArchive: ConditionStore {}
