import Foundation

/// The routes of review: proposing a site, an edit or an assessment, and deciding proposals.
extension OpenAPIDocument {
    static var reviewPaths: Object {
        let code = pathParameter("code", "The site's code or id")
        let id = pathParameter("id", "The proposal's id (or its first characters)")
        let accepted = json(reference("ProposalView"))
        return [
            "/api/sites": [
                "post": operation(
                    "proposeSite",
                    "Propose a new site (surveyor): a site record (code, names, kind, location, …) with optional "
                        + "evidence and note; answered 202 with the pending proposal",
                    body: reference("SiteProposal"), ok: accepted, okStatus: "202",
                    errors: [400, 401, 403, 409, 413])
            ],
            "/api/sites/{code}": [
                "patch": operation(
                    "proposeSiteEdit",
                    "Propose an edit of a site (surveyor) as a JSON merge patch (RFC 7396) of its record, with "
                        + "optional evidence and note; answered 202 with the pending proposal",
                    parameters: [code], body: reference("SiteProposal"), ok: accepted, okStatus: "202",
                    errors: [400, 401, 403, 404, 409, 413])
            ],
            "/api/sites/{code}/assessments": [
                "post": operation(
                    "proposeAssessment",
                    "Propose a condition assessment (surveyor), EAMENA terms by slug or label; with finding, "
                        + "what is left out is drafted from that comparison; answered 202",
                    parameters: [code], body: reference("AssessmentProposal"), ok: accepted, okStatus: "202",
                    errors: [400, 401, 403, 404, 409, 413])
            ],
            "/api/proposals": [
                "get": operation(
                    "proposals", "Proposals, oldest first: a surveyor's own, or everyone's for a reviewer",
                    parameters: [
                        query("status", "pending, approved or rejected"), query("site", "A site's code or id"),
                        query("proposedBy", "Reviewers: only this account's"),
                        query("limit", "At most this many (1-1,000, default 100)", type: "integer"),
                        query("offset", "Skip this many", type: "integer"),
                    ],
                    ok: json(
                        object(
                            ["proposals": ["type": "array", "items": reference("Proposal")], "count": integer],
                            required: ["proposals", "count"])), errors: [400, 401, 403])
            ],
            "/api/proposals/{id}": [
                "get": operation(
                    "proposal", "One proposal beside the site as it stands", parameters: [id], ok: accepted,
                    errors: [401, 403, 404])
            ],
            "/api/proposals/{id}/approve": [
                "post": operation(
                    "approve",
                    "Approve (reviewer, not the proposer): the change is made and audited in the approver's name",
                    parameters: [id], body: reference("Decision"), ok: accepted, errors: [400, 401, 403, 404, 409])
            ],
            "/api/proposals/{id}/reject": [
                "post": operation(
                    "reject", "Reject with a reason (reviewer, not the proposer); the proposal is kept",
                    parameters: [id], body: reference("Decision"), ok: accepted, errors: [400, 401, 403, 404, 409])
            ],
        ]
    }

    static var reviewSchemas: Object {
        let strings: Object = ["type": "array", "items": string]
        return [
            "SiteProposal": [
                "type": "object", "description": "Fields of a site record, plus evidence (ids) and note",
                "properties": [
                    "code": string, "names": ["type": "array", "items": ["type": "object"]], "kind": string,
                    "location": ["type": "object"], "description": string, "period": string, "community": string,
                    "country": string, "sensitivity": string, "evidence": strings, "note": string,
                ] as Object,
            ] as Object,
            "AssessmentProposal": object(
                [
                    "overallCondition": string, "certainty": string, "date": string, "dateQualifier": string,
                    "endDate": string, "activity": string, "damageExtent": string, "causeCategory": string,
                    "causeType": string, "effects": strings, "threat": string, "priority": string, "notes": string,
                    "survey": string, "supersedes": string, "assessor": string, "finding": string,
                    "evidence": strings, "note": string,
                ], required: ["overallCondition", "certainty"]),
            "Decision": object(["reason": string], required: []),
            "Proposal": object(
                [
                    "id": string,
                    "kind": ["type": "string", "enum": ["site.create", "site.update", "condition.create"]],
                    "siteID": string, "site": ["type": "object"], "base": ["type": "object"],
                    "assessment": ["type": "object"], "evidence": strings, "note": string, "proposedBy": string,
                    "proposedAt": string, "status": ["type": "string", "enum": ["pending", "approved", "rejected"]],
                    "decidedBy": string, "decidedAt": string, "reason": string, "resultID": string,
                ], required: ["id", "kind", "siteID", "evidence", "proposedBy", "proposedAt", "status"]),
            "ProposalView": object(
                ["proposal": reference("Proposal"), "current": ["type": "object"]], required: ["proposal"]),
        ]
    }
}
