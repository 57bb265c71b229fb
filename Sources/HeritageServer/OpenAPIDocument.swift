import Foundation

/// `/openapi.json`: the API described as OpenAPI 3.1, written here beside the routes (a test
/// fails when a route and its description part ways, and validates the document).
enum OpenAPIDocument {
    typealias Object = [String: Any]

    static func json() throws -> Data {
        try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    static var document: Object {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "heritage", "version": "0.1.0",
                "description":
                    "A registry of cultural heritage sites and an archive of their surveys. Sign in with POST "
                    + "/api/login (a session cookie) or send Authorization: Bearer TOKEN (heritage user token). "
                    + "Without the restricted-access clearance, restricted sites are shown, searched and "
                    + "measured at the centre of their 0.1° cell.",
            ] as Object,
            "servers": [["url": "/"]],
            "security": [["session": [String]()], ["bearer": [String]()]],
            "paths": merged([
                paths, reviewPaths, jobPaths, filePaths, uploadPaths, auditPaths, evidencePaths, mapPaths, viewerPaths,
            ]
            ),
            "components": components,
        ]
    }

    static var paths: Object {
        [
            "/api/health": ["get": operation("health", "Whether the server answers", public: true, ok: text)],
            "/openapi.json": [
                "get": operation("openapi", "This document", public: true, ok: ["description": "OpenAPI 3.1"])
            ],
            "/api/login": [
                "post": operation(
                    "login", "Sign in: sets the heritage_session cookie (HttpOnly, SameSite=Strict)", public: true,
                    body: reference("Credentials"), ok: json(reference("Account")), errors: [400, 401, 413, 429])
            ],
            "/api/logout": [
                "post": operation(
                    "logout", "Sign out: ends the session and clears the cookie", public: true,
                    ok: ["description": "Signed out"], okStatus: "204", errors: [403])
            ],
            "/api/me": ["get": operation("me", "The signed-in account", ok: json(reference("Account")))],
            "/metrics": [
                "get": operation(
                    "metrics",
                    "Prometheus metrics (admin; a scraper sends an admin's API token): requests and latency by route "
                        + "pattern, uploads, comparison jobs",
                    ok: ["description": "Prometheus text format", "content": ["text/plain": ["schema": string]]],
                    errors: [401, 403])
            ],
            "/api/verify": [
                "get": operation(
                    "verify",
                    "The archive's whole check (admin): SQLite's integrity, the audit chain, every record against "
                        + "its audit trail, every blob against its hash",
                    ok: json(
                        object(
                            [
                                "isValid": ["type": "boolean"], "problems": ["type": "array", "items": string],
                                "report": ["type": "object"],
                            ], required: ["isValid", "problems", "report"])),
                    errors: [401, 403])
            ],
            "/api/accounts": [
                "get": operation(
                    "accounts", "Every account (admin)", ok: json(["type": "array", "items": reference("Account")]),
                    errors: [401, 403])
            ],
            "/api/sites": [
                "get": operation(
                    "sites",
                    "Sites by code, full text (q), distance (near, radiusKm) or box (bbox), filtered and paged",
                    parameters: siteQueryParameters, ok: json(reference("SiteList")), errors: [400, 401])
            ],
            "/api/sites.geojson": [
                "get": operation(
                    "sitesGeoJSON",
                    "The register, or the sites its filters select, as an RFC 7946 FeatureCollection (streamed)",
                    parameters: selectionParameters,
                    ok: [
                        "description": "GeoJSON", "content": ["application/geo+json": ["schema": ["type": "object"]]],
                    ],
                    errors: [400, 401])
            ],
            "/api/sites.csv": [
                "get": operation(
                    "sitesCSV",
                    "The register, or the sites its filters select, as CSV with a header row (streamed; the "
                        + "columns `site import` reads)",
                    parameters: selectionParameters,
                    ok: ["description": "CSV", "content": ["text/csv": ["schema": ["type": "string"]]]],
                    errors: [400, 401])
            ],
            "/api/sites/{code}/surveys": [
                "post": operation(
                    "addSurvey", "Record a survey of the site (surveyor)",
                    parameters: [pathParameter("code", "The site's code or id")], body: reference("NewSurvey"),
                    ok: json(object(["survey": ["type": "object"]], required: ["survey"])), okStatus: "201",
                    errors: [400, 401, 403, 404, 413])
            ],
            "/api/sites/{code}/findings": [
                "get": itemPageOperation("siteFindings", "findings", "A page of the site's findings, oldest first")
            ],
            "/api/sites/{code}/assets": [
                "get": itemPageOperation(
                    "siteAssets", "assets", "A page of the site's assets with their versions, oldest first"),
                "post": operation(
                    "upload",
                    "Upload a scan or photograph as the raw body, or several from a browser's form (surveyor): "
                        + "streamed, hashed, read as `heritage import` reads it; 201 when stored, 200 when the same "
                        + "bytes were already. The filename query parameter is for raw bodies.",
                    parameters: [
                        pathParameter("code", "The site's code or id"),
                        [
                            "name": "filename", "in": "query", "required": false,
                            "description": "The file's name (a raw body)",
                            "schema": ["type": "string"],
                        ] as Object,
                        query("survey", "The survey it comes from (id or its first characters)"),
                        query("asset", "Store it as the next version of this asset"),
                        contentSHA256("The body's SHA-256 (hex): checked before anything is stored"),
                    ],
                    rawBody: true,
                    ok: json([
                        "oneOf": [
                            reference("ImportedFile"),
                            object(
                                ["files": ["type": "array", "items": reference("ImportedFile")]], required: ["files"]),
                        ]
                    ]), okStatus: "201", alsoOK: "200", errors: [400, 401, 403, 404, 413, 422]),
            ],
            "/api/sites/{code}": [
                "get": operation(
                    "site",
                    "One site with its condition timeline, surveys, and its first 100 assets and findings "
                        + "(assetCount and findingCount say how many; the rest are paged at /assets and /findings)",
                    parameters: [pathParameter("code", "The site's code or id")], ok: json(reference("SitePage")),
                    errors: [401, 404])
            ],
        ]
    }

    /// The path items of several groups of routes, the operations of a path shared between
    /// groups put together.
    static func merged(_ groups: [Object]) -> Object {
        var result: Object = [:]
        for group in groups {
            for (path, item) in group {
                var operations = result[path] as? Object ?? [:]
                operations.merge(item as? Object ?? [:]) { first, _ in first }
                result[path] = operations
            }
        }
        return result
    }

    /// The filters a download of a selection takes.
    static var selectionParameters: [Object] {
        [
            query("q", "Full-text search in every name, script and language; each word a prefix"),
            query("kind", "Only sites of this kind (repeatable)"), query("country", "ISO 3166-1 alpha-2"),
            query("designation", "world-heritage, hague-enhanced, …"),
            query("condition", "The latest overall condition, or unassessed"),
        ]
    }

    static var siteQueryParameters: [Object] {
        [
            query("q", "Full-text search in every name, script and language; each word a prefix"),
            query("near", "LATITUDE,LONGITUDE: sites within radiusKm, nearest first"),
            query("radiusKm", "With near: kilometres (default 10)", type: "number"),
            query("bbox", "SOUTH,WEST,NORTH,EAST in degrees"),
            query("kind", "Only sites of this kind (repeatable)"),
            query("country", "ISO 3166-1 alpha-2"),
            query("designation", "world-heritage, hague-enhanced, …"),
            query("condition", "The latest overall condition: good, fair, poor, very-bad, destroyed, unknown"),
            query("limit", "At most this many (1-1,000, default 100)", type: "integer"),
            query("offset", "Skip this many", type: "integer"),
        ]
    }

    static var components: Object {
        [
            "securitySchemes": [
                "session": ["type": "apiKey", "in": "cookie", "name": "heritage_session"],
                "bearer": ["type": "http", "scheme": "bearer"],
            ] as Object,
            "schemas": [
                "Error": object(["error": string], required: ["error"]),
                "NewSurvey": object(
                    [
                        "startDate": string, "endDate": string, "team": ["type": "array", "items": string],
                        "method": string, "notes": string,
                    ], required: ["startDate", "method"]),
                "ImportedFile": object(
                    [
                        "file": string, "outcome": ["type": "string", "enum": ["stored", "already-stored"]],
                        "assetID": string, "versionID": string, "version": integer, "sha256": string,
                        "warnings": ["type": "array", "items": ["type": "string"]],
                    ], required: ["file", "outcome", "assetID", "versionID", "version", "sha256", "warnings"]),
                "Credentials": object(["username": string, "password": string], required: ["username", "password"]),
                "Account": object(
                    [
                        "name": string,
                        "role": ["type": "string", "enum": ["viewer", "surveyor", "reviewer", "admin"]],
                        "restrictedAccess": ["type": "boolean"],
                    ], required: ["name", "role", "restrictedAccess"]),
                "SiteSummary": object(
                    [
                        "id": string, "code": string, "name": string, "kind": string, "latitude": number,
                        "longitude": number, "distanceKm": number, "latestCondition": string, "country": string,
                        "sensitivity": ["type": "string", "enum": ["public", "restricted"]],
                        "generalised": ["type": "boolean"],
                    ], required: ["id", "code", "name", "kind", "latitude", "longitude", "sensitivity", "generalised"]),
                "SiteList": object(
                    [
                        "sites": ["type": "array", "items": reference("SiteSummary")], "count": integer,
                        "generalisedPositions": integer,
                    ], required: ["sites", "count", "generalisedPositions"]),
                "SitePage": object(
                    [
                        "site": ["type": "object"], "generalised": ["type": "boolean"],
                        "timeline": ["type": "array", "items": ["type": "object"]],
                        "surveys": ["type": "array", "items": ["type": "object"]],
                        "assets": ["type": "array", "items": ["type": "object"]],
                        "findings": ["type": "array", "items": ["type": "object"]],
                        "assetCount": integer, "findingCount": integer,
                    ],
                    required: [
                        "site", "generalised", "timeline", "surveys", "assets", "findings", "assetCount",
                        "findingCount",
                    ]),
            ].merging(reviewSchemas.merging(jobSchemas) { first, _ in first }) { first, _ in first } as Object,
        ]
    }

    static var string: Object { ["type": "string"] }
    static var number: Object { ["type": "number"] }
    static var integer: Object { ["type": "integer"] }
    static var text: Object { ["description": "ok", "content": ["text/plain": ["schema": ["type": "string"]]]] }

    static func object(_ properties: Object, required: [String]) -> Object {
        ["type": "object", "properties": properties, "required": required]
    }

    /// `GET /api/sites/{code}/NAME`: a page of a site's assets or findings.
    static func itemPageOperation(_ id: String, _ name: String, _ summary: String) -> Object {
        operation(
            id, summary,
            parameters: [
                pathParameter("code", "The site's code or id"),
                query("limit", "At most this many (default 100, at most 1,000)", type: "integer"),
                query("offset", "Skip this many", type: "integer"),
            ],
            ok: json(itemPage(name)), errors: [400, 401, 404])
    }

    /// A page of a site's assets or findings, the items under `name`.
    static func itemPage(_ name: String) -> Object {
        object(
            [
                "site": string, name: ["type": "array", "items": ["type": "object"]], "total": integer,
                "limit": integer, "offset": integer,
            ], required: ["site", name, "total", "limit", "offset"])
    }

    static func reference(_ name: String) -> Object { ["$ref": "#/components/schemas/\(name)"] }

    static func json(_ schema: Object) -> Object {
        ["description": "ok", "content": ["application/json": ["schema": schema]]]
    }

    static func query(_ name: String, _ description: String, type: String = "string") -> Object {
        ["name": name, "in": "query", "required": false, "description": description, "schema": ["type": type]]
    }

    /// The optional `X-Content-SHA256` header an upload may state its hash in.
    static func contentSHA256(_ description: String) -> Object {
        [
            "name": "X-Content-SHA256", "in": "header", "required": false, "description": description,
            "schema": ["type": "string"],
        ]
    }

    static func pathParameter(_ name: String, _ description: String) -> Object {
        ["name": name, "in": "path", "required": true, "description": description, "schema": ["type": "string"]]
    }

    static let errorDescriptions: [Int: String] = [
        400: "The request is malformed", 401: "Not signed in", 403: "Not allowed (role, or a cross-site change)",
        409: "In conflict with the archive as it stands (decided already, changed since, taken)",
        416: "The range lies outside the file", 422: "The file cannot be read (the reader's reason)",
        404: "No such record", 413: "The body is too large",
        429: "Too many at once: failed sign-ins (wait Retry-After), or unfinished uploads",
        500: "The server failed", 503: "Not available on this server (its configuration)",
    ]

    static func operation(
        _ id: String, _ summary: String, public isPublic: Bool = false, parameters: [Object] = [],
        body: Object? = nil, rawBody: Bool = false, ok: Object, okStatus: String = "200", alsoOK: String? = nil,
        errors: [Int] = [401]
    ) -> Object {
        var responses: Object = [okStatus: ok]
        // A second success with the same body (an upload of bytes stored already: 200, not 201).
        if let alsoOK { responses[alsoOK] = ok }
        for status in Set(errors + [500]).sorted() {
            responses[String(status)] = [
                "description": errorDescriptions[status] ?? "Error",
                "content": ["application/json": ["schema": reference("Error")]],
            ]
        }
        var operation: Object = ["operationId": id, "summary": summary, "responses": responses]
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if let body {
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]]
        }
        if rawBody {
            operation["requestBody"] = [
                "required": true,
                "content": [
                    "application/octet-stream": ["schema": ["type": "string", "format": "binary"]],
                    // A browser's form: file parts (any field name, each with its filename), and
                    // optional survey and asset fields; answered {"files": [ImportedFile]}.
                    "multipart/form-data": [
                        "schema": [
                            "type": "object",
                            "properties": [
                                "files": ["type": "array", "items": ["type": "string", "format": "binary"]],
                                "survey": ["type": "string"], "asset": ["type": "string"],
                            ] as Object,
                        ] as Object
                    ],
                ] as Object,
            ]
        }
        if isPublic { operation["security"] = [Object]() }
        return operation
    }
}
