import Foundation

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
