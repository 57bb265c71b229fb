import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird
import NIOCore

/// Changes to the registry go through review. A surveyor's new site (`POST /api/sites`), edit
/// (`PATCH /api/sites/{code}`, a JSON merge patch) or condition assessment
/// (`POST /api/sites/{code}/assessments`) is answered 202 with a pending proposal; a reviewer
/// other than the proposer approves it into the registry or rejects it with a reason. The
/// actor is always the signed-in account.
struct ProposalRoutes {
    let store: HeritageArchive
    let pool: BlockingPool

    /// A proposal as shown, with the site as it stands now beside it (for a reviewer to compare).
    struct ProposalView: ResponseEncodable {
        var proposal: Proposal
        var current: Site?
    }

    struct ProposalList: ResponseEncodable {
        var proposals: [Proposal]
        var count: Int
    }

    struct Decision: Decodable {
        var reason: String?
    }

    /// An assessment as a form or script states it: vocabulary terms by slug or label. With
    /// `finding`, what is left out is drafted from that comparison, as `condition add
    /// --from-finding` does.
    struct AssessmentInput: Decodable {
        var overallCondition: String
        var certainty: String
        var date: String?
        var dateQualifier: String?
        var endDate: String?
        var activity: String?
        var damageExtent: String?
        var causeCategory: String?
        var causeType: String?
        var effects: [String]?
        var threat: String?
        var priority: String?
        var notes: String?
        var survey: String?
        var supersedes: String?
        /// Who assessed, when not the signed-in surveyor (a team, a named colleague).
        var assessor: String?
        var finding: String?
        var evidence: [String]?
        var note: String?
    }

    func add(to router: Router<HeritageRequestContext>) {
        router.post("/api/sites") { request, context -> Response in
            let account = try context.require(.surveyor)
            let body = try JSONMergePatch.object(
                try await Data(buffer: request.body.collect(upTo: context.maxUploadSize)))
            let (fields, evidence, note) = try Self.proposalFields(body)
            let defaults: [String: Any] = [
                "id": RecordID.make(), "sensitivity": "public", "designations": [], "externalIDs": [], "sources": [],
                "location": ["certainty": "high"],
            ]
            let site = try Self.site(from: JSONMergePatch.apply(fields, to: defaults))
            let draft = Proposal(
                kind: .siteCreate, siteID: site.id, site: site, evidence: evidence, note: note,
                proposedBy: account.name)
            return try await propose(draft, account: account, request: request, context: context)
        }
        router.patch("/api/sites/{code}") { request, context -> Response in
            let account = try context.require(.surveyor)
            let code = try context.parameters.require("code")
            let body = try JSONMergePatch.object(
                try await Data(buffer: request.body.collect(upTo: context.maxUploadSize)))
            let (patch, evidence, note) = try Self.proposalFields(body)
            let current = try await pool.run { try store.requireSite(code) }
            let currentJSON = try JSONSerialization.jsonObject(with: JSONEncoder().encode(current))
            let site = try Self.site(from: JSONMergePatch.apply(patch, to: currentJSON))
            let draft = Proposal(
                kind: .siteUpdate, siteID: current.id, site: site, evidence: evidence, note: note,
                proposedBy: account.name)
            return try await propose(draft, account: account, request: request, context: context)
        }
        router.post("/api/sites/{code}/assessments") { request, context -> Response in
            let account = try context.require(.surveyor)
            let code = try context.parameters.require("code")
            let input = try await request.decode(as: AssessmentInput.self, context: context)
            let draft = try await pool.run {
                try Self.assessmentProposal(input, site: code, account: account, store: store)
            }
            return try await propose(draft, account: account, request: request, context: context)
        }
        router.get("/api/proposals") { request, context -> ProposalList in
            let account = try context.require(.surveyor)
            let query = request.uri.queryParameters
            let status = try query.get("status").map(Proposal.Status.parse)
            // A surveyor sees their own proposals; reviewers see everyone's.
            let proposer = account.role >= .reviewer ? query.get("proposedBy") : account.name
            let limit = try query.number("limit", default: 100, in: 1...1_000)
            let offset = try query.number("offset", default: 0, in: 0...10_000_000)
            let site = query.get("site")
            let includeRestricted = context.mayReadRestricted
            let proposals = try await pool.run {
                try store.proposals(status: status, site: site, proposedBy: proposer, limit: limit, offset: offset)
                    .map { try store.released($0, includeRestricted: includeRestricted) }
            }
            return ProposalList(proposals: proposals, count: proposals.count)
        }
        router.get("/api/proposals/{id}") { _, context -> ProposalView in
            let account = try context.require(.surveyor)
            let id = try context.parameters.require("id")
            let includeRestricted = context.mayReadRestricted
            return try await pool.run {
                let proposal = try store.proposal(id)
                guard account.role >= .reviewer || proposal.proposedBy.lowercased() == account.name.lowercased() else {
                    throw APIError(
                        .forbidden, "a surveyor sees their own proposals; this one is \(proposal.proposedBy)'s")
                }
                return try view(proposal, includeRestricted: includeRestricted)
            }
        }
        for (verb, approve) in [("approve", true), ("reject", false)] {
            router.post("/api/proposals/{id}/\(verb)") { request, context -> ProposalView in
                let account = try context.require(.reviewer)
                let id = try context.parameters.require("id")
                let decision =
                    request.headers[.contentLength] == "0" || request.headers[.contentType] == nil
                    ? Decision(reason: nil) : try await request.decode(as: Decision.self, context: context)
                let includeRestricted = context.mayReadRestricted
                return try await pool.run {
                    let decided = try store.decide(
                        proposal: id, approve: approve, reason: decision.reason, actor: account.name)
                    return try view(decided, includeRestricted: includeRestricted)
                }
            }
        }
    }

    /// The proposal an assessment makes, drafted from its finding when it names one; for the
    /// API and for the page's form.
    static func assessmentProposal(
        _ input: AssessmentInput, site code: String, account: Account, store: HeritageArchive
    ) throws -> Proposal {
        var statement = AssessmentStatement(
            assessor: input.assessor ?? account.name, condition: try OverallCondition.parse(input.overallCondition),
            certainty: try Certainty.parse(input.certainty))
        statement.site = code
        statement.survey = input.survey
        statement.qualifier = try input.dateQualifier.map(DateQualifier.parse) ?? .on
        statement.date = input.date
        statement.endDate = input.endDate
        statement.activity = try input.activity.map(AssessmentActivity.parse)
        statement.extent = try input.damageExtent.map(DamageExtent.parse)
        statement.causeCategory = try input.causeCategory.map(DisturbanceCategory.parse)
        statement.causeType = try input.causeType.map(DisturbanceType.parse)
        statement.effects = try (input.effects ?? []).map(DisturbanceEffect.parse)
        statement.threat = try input.threat.map(RiskLevel.parse)
        statement.priority = try input.priority.map(RiskLevel.parse)
        statement.notes = input.notes
        statement.supersedes = input.supersedes
        let drafted = try store.draftAssessment(statement, fromFinding: input.finding)
        // The finding an assessment is drafted from is its first piece of evidence.
        let evidence = (drafted.1.map { [$0.id] } ?? []) + (input.evidence ?? [])
        return Proposal(
            kind: .conditionCreate, siteID: drafted.0.siteID, assessment: drafted.0,
            evidence: Array(NSOrderedSet(array: evidence).compactMap { $0 as? String }), note: input.note,
            proposedBy: account.name)
    }

    private func propose(
        _ draft: Proposal, account: Account, request: Request, context: HeritageRequestContext
    ) async throws -> Response {
        let includeRestricted = context.mayReadRestricted
        let view = try await pool.run {
            try self.view(try store.propose(draft, actor: account.name), includeRestricted: includeRestricted)
        }
        var response = try view.response(from: request, context: context)
        response.status = .accepted
        response.headers[.location] = "/api/proposals/\(view.proposal.id)"
        return response
    }

    private func view(_ proposal: Proposal, includeRestricted: Bool) throws -> ProposalView {
        let current = try store.site(proposal.siteID).map { site in
            try store.release(ofSite: site.id, includeRestricted: includeRestricted).releasedSite
        }
        return ProposalView(
            proposal: try store.released(proposal, includeRestricted: includeRestricted), current: current)
    }

    /// Splits a body into the record's fields and the proposal's own (`evidence`, `note`). Ids
    /// are the archive's to assign.
    static func proposalFields(_ body: [String: Any]) throws -> ([String: Any], [String], String?) {
        var fields = body
        guard fields["id"] == nil else { throw APIError(.badRequest, "a site's id is assigned by the archive") }
        let evidence = fields.removeValue(forKey: "evidence")
        let note = fields.removeValue(forKey: "note")
        guard evidence == nil || evidence is [String], note == nil || note is String || note is NSNull else {
            throw APIError(.badRequest, "evidence is a list of ids, and note a text")
        }
        return (fields, evidence as? [String] ?? [], note as? String)
    }

    /// A site from its JSON object: names without `isPrimary` are not primary (the first is
    /// made primary when none is), a GeoJSON boundary may be given as an object.
    static func site(from value: Any) throws -> Site {
        guard var object = value as? [String: Any] else { throw APIError(.badRequest, "the body is not a JSON object") }
        if let names = object["names"] as? [[String: Any]] {
            object["names"] = names.map { name in
                var name = name
                if name["isPrimary"] == nil { name["isPrimary"] = false }
                return name
            }
        }
        if let boundary = object["boundary"], boundary is [String: Any] {
            object["boundary"] = String(decoding: try JSONSerialization.data(withJSONObject: boundary), as: UTF8.self)
        }
        return try JSONDecoder().decode(Site.self, from: JSONSerialization.data(withJSONObject: object))
    }
}
