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

/// The routes of comparison jobs.
extension OpenAPIDocument {
    static var jobPaths: Object {
        let id = pathParameter("id", "The job's id (or its first characters)")
        let view = json(reference("JobView"))
        return [
            "/api/sites/{code}/comparisons": [
                "post": operation(
                    "compare",
                    "Compare two versions of the site's assets as a background job (surveyor): checked at once, "
                        + "then queued; answered 202 with the job. Parameters are heritage diff's options.",
                    parameters: [pathParameter("code", "The site's code or id")],
                    body: reference("ComparisonJobRequest"), ok: view, okStatus: "202",
                    errors: [400, 401, 403, 404, 413])
            ],
            "/api/jobs": [
                "get": operation(
                    "jobs", "Comparison jobs, newest first",
                    parameters: [
                        query("status", "queued, running, succeeded, failed or cancelled"),
                        query("site", "A site's code or id"),
                        query("limit", "At most this many (1-1,000, default 100)", type: "integer"),
                        query("offset", "Skip this many", type: "integer"),
                    ],
                    ok: json(
                        object(
                            ["jobs": ["type": "array", "items": reference("JobView")], "count": integer],
                            required: ["jobs", "count"])), errors: [400, 401, 403, 404])
            ],
            "/api/jobs/{id}": [
                "get": operation(
                    "job", "A job: its stage, percentage, and the finding it recorded", parameters: [id], ok: view,
                    errors: [401, 403, 404])
            ],
            "/api/jobs/{id}/events": [
                "get": operation(
                    "jobEvents",
                    "The job as it changes, as Server-Sent Events (event: progress, then succeeded, failed or "
                        + "cancelled; data: the job as JSON); ends with the job",
                    parameters: [id],
                    ok: ["description": "An event stream", "content": ["text/event-stream": ["schema": string]]],
                    errors: [401, 403, 404])
            ],
            "/api/jobs/{id}/cancel": [
                "post": operation(
                    "cancelJob", "Cancel a queued or running job (its requester, or a reviewer)", parameters: [id],
                    ok: view, errors: [401, 403, 404, 409])
            ],
            "/api/jobs/{id}/rerun": [
                "post": operation(
                    "rerunJob", "Run a failed or cancelled job again, as a new job (its requester, or a reviewer)",
                    parameters: [id], ok: view, okStatus: "202", errors: [400, 401, 403, 404, 409])
            ],
        ]
    }

    static var jobSchemas: Object {
        [
            "ComparisonJobRequest": object(
                [
                    "before": ["type": "string", "description": "ASSET@N"],
                    "after": ["type": "string", "description": "ASSET@N"],
                    "parameters": [
                        "type": "object",
                        "description":
                            "heritage diff's options by name (method, align, normalRadius, cylinderRadius, "
                            + "coreSpacing, orient, threshold, …)",
                    ] as Object,
                ], required: ["before", "after"]),
            "JobView": object(
                [
                    "job": object(
                        [
                            "id": string, "siteID": string, "requestedBy": string, "requestedAt": string,
                            "status": [
                                "type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"],
                            ] as Object,
                            "stage": string, "startedAt": string, "finishedAt": string, "error": string,
                            "findingID": string, "rerunOf": string, "request": string,
                        ], required: ["id", "siteID", "requestedBy", "requestedAt", "status", "request"]),
                    "request": ["type": "object"], "percent": integer,
                ], required: ["job", "percent"]),
        ]
    }
}

/// The routes that serve files.
extension OpenAPIDocument {
    static var filePaths: Object {
        let version = pathParameter(
            "version", "A version's id (or its first characters), or ASSET@N as the CLI names it")
        let range: Object = [
            "name": "Range", "in": "header", "required": false, "description": "bytes=FIRST-LAST, FIRST- or -COUNT",
            "schema": ["type": "string"],
        ]
        let file: Object = [
            "description": "The file (206 for a range)",
            "content": ["application/octet-stream": ["schema": ["type": "string", "format": "binary"]]],
        ]
        return [
            "/api/files/{version}": [
                "get": operation(
                    "file",
                    "An asset version's file, with Range requests and its SHA-256 as ETag. Without clearance, a "
                        + "restricted site's photographs come without their metadata (EXIF, XMP, IPTC) and its "
                        + "georeferenced files are refused (403)",
                    parameters: [version, range], ok: file, errors: [401, 403, 404, 416])
            ],
            "/api/files/{version}/thumbnail": [
                "get": operation(
                    "thumbnail", "A photograph's upright thumbnail (PNG)", parameters: [version],
                    ok: [
                        "description": "PNG",
                        "content": ["image/png": ["schema": ["type": "string", "format": "binary"]]],
                    ],
                    errors: [401, 403, 404])
            ],
        ]
    }
}

/// The audit log.
extension OpenAPIDocument {
    static var auditPaths: Object {
        [
            "/api/audit": [
                "get": operation(
                    "audit",
                    "The audit log, newest first, with the hash chain's state (reviewer). Without clearance, "
                        + "values holding a restricted site's position are withheld; hashes and links stay",
                    parameters: [
                        query("entity", "Events about this record (its id)"),
                        query("entityType", "site, survey, conditionAssessment, asset, assetVersion, finding, …"),
                        query("actor", "Events by this account"),
                        query("action", "An action (site.update) or a family of them (site.)"),
                        query("before", "Only events before this sequence (the next page)", type: "integer"),
                        query("limit", "At most this many (1-500, default 50)", type: "integer"),
                    ],
                    ok: json(
                        object(
                            [
                                "events": ["type": "array", "items": ["type": "object"]], "count": integer,
                                "nextBefore": integer,
                                "chain": object(
                                    [
                                        "intact": ["type": "boolean"], "checkedThrough": integer, "headHash": string,
                                        "problem": string, "checkedAt": string,
                                    ], required: ["intact", "checkedThrough", "headHash", "checkedAt"]),
                            ], required: ["events", "count", "chain"])), errors: [400, 401, 403])
            ]
        ]
    }
}

/// Reports and packages.
extension OpenAPIDocument {
    static var evidencePaths: Object {
        let code = pathParameter("code", "The site's code or id")
        let range = [
            query("from", "Only what happened on or after this date"),
            query("to", "Only what happened on or before this date"),
        ]
        let zip: Object = [
            "description": "A zip", "content": ["application/zip": ["schema": ["type": "string", "format": "binary"]]],
        ]
        return [
            "/api/sites/{code}/report.zip": [
                "get": operation(
                    "report",
                    "The site's evidence report (HTML, JSON, images, manifest) as heritage report writes it, zipped; "
                        + "refused (409) when the archive fails its check",
                    parameters: [code] + range, ok: zip, errors: [401, 403, 404, 409])
            ],
            "/api/sites/{code}/package.zip": [
                "get": operation(
                    "package",
                    "The site's BagIt package signed with the server's key, as heritage package writes it; 503 when "
                        + "the server has no key, 409 when the archive fails its check",
                    parameters: [code] + range, ok: zip, errors: [401, 403, 404, 409, 503])
            ],
        ]
    }
}
