import Foundation
import GRDB

/// A change someone proposed (on a server, a surveyor's edit) that a reviewer approves into the
/// registry or rejects with a reason. Proposals are kept either way; what one proposes never
/// changes after it is made.
public struct Proposal: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A new site (`site` is the whole record).
        case siteCreate = "site.create"
        /// An edit of a site (`site` is the whole record as it would be; `base`, as it was).
        case siteUpdate = "site.update"
        /// A condition assessment to append to a site's history.
        case conditionCreate = "condition.create"
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case pending, approved, rejected

        /// Parses a status, naming the ones there are when it is not one.
        public static func parse(_ text: String) throws -> Self {
            guard let status = Self(rawValue: text.lowercased()) else {
                throw HeritageStoreError(
                    .invalidInput,
                    "unknown proposal status '\(text)': one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return status
        }
    }

    public var id: String
    public var kind: Kind
    /// The site concerned (for `site.create`, the id the new site will have).
    public var siteID: String
    /// For `site.update`: the site as it stood when the edit was proposed. Approval refuses when
    /// the site has changed since, so that no one's edit is silently overwritten.
    public var base: Site?
    /// For `site.create` and `site.update`: the site as it would be.
    public var site: Site?
    /// For `condition.create`: the assessment.
    public var assessment: ConditionAssessment?
    /// What supports it: ids of findings, asset versions or surveys of the site.
    public var evidence: [String]
    public var note: String?
    /// The signed-in account that proposed it (never a name the client sent).
    public var proposedBy: String
    public var proposedAt: String
    public var status: Status
    public var decidedBy: String?
    public var decidedAt: String?
    /// Why it was rejected (required), or a reviewer's remark on approval.
    public var reason: String?
    /// The id of the record approval made: the site, or the assessment.
    public var resultID: String?

    public init(
        id: String = RecordID.make(), kind: Kind, siteID: String, base: Site? = nil, site: Site? = nil,
        assessment: ConditionAssessment? = nil, evidence: [String] = [], note: String? = nil, proposedBy: String,
        proposedAt: String = "", status: Status = .pending, decidedBy: String? = nil, decidedAt: String? = nil,
        reason: String? = nil, resultID: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.siteID = siteID
        self.base = base
        self.site = site
        self.assessment = assessment
        self.evidence = evidence
        self.note = note
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.status = status
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.reason = reason
        self.resultID = resultID
    }

    /// What the row's `proposed` column holds: the site or the assessment.
    package var proposedJSON: String {
        get throws {
            switch kind {
            case .siteCreate, .siteUpdate:
                guard let site else {
                    throw HeritageStoreError(.invalidInput, "a \(kind.rawValue) proposal needs its site")
                }
                return try JSONText.encode(site)
            case .conditionCreate:
                guard let assessment else {
                    throw HeritageStoreError(.invalidInput, "a condition.create proposal needs its assessment")
                }
                return try JSONText.encode(assessment)
            }
        }
    }
}

extension Proposal {
    package init(row: Row) throws {
        let kind = try Kind.stored(row["kind"])
        let proposed: String = row["proposed"]
        self.init(
            id: row["id"], kind: kind, siteID: row["siteId"],
            base: try (row["base"] as String?).map { try JSONText.decode(Site.self, from: $0) },
            site: kind == .conditionCreate ? nil : try JSONText.decode(Site.self, from: proposed),
            assessment: kind == .conditionCreate ? try JSONText.decode(ConditionAssessment.self, from: proposed) : nil,
            evidence: try JSONText.decode([String].self, from: row["evidence"]), note: row["note"],
            proposedBy: row["proposedBy"], proposedAt: row["proposedAt"], status: try Status.stored(row["status"]),
            decidedBy: row["decidedBy"], decidedAt: row["decidedAt"], reason: row["reason"],
            resultID: row["resultId"])
    }
}

extension Proposal.Kind {
    static func stored(_ text: String) throws -> Self {
        guard let kind = Self(rawValue: text) else {
            throw HeritageStoreError(.integrity, "a proposal row has the unknown kind '\(text)'")
        }
        return kind
    }
}

extension Proposal.Status {
    static func stored(_ text: String) throws -> Self {
        guard let status = Self(rawValue: text) else {
            throw HeritageStoreError(.integrity, "a proposal row has the unknown status '\(text)'")
        }
        return status
    }
}
