import Foundation

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
