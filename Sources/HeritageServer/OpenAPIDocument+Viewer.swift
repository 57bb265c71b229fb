import Foundation

/// The 3D viewer's data.
extension OpenAPIDocument {
    static var viewerPaths: Object {
        let findingID = pathParameter("id", "The finding's id (or its first characters)")
        let vector = ["type": "array", "items": number, "minItems": 3, "maxItems": 3] as Object
        let region = object(
            [
                "id": integer, "kind": string, "pointCount": integer, "area": number, "volume": number,
                "meanDepth": number, "maxDepth": number, "centroid": vector, "lower": vector, "upper": vector,
            ], required: ["id", "kind", "pointCount", "centroid", "lower", "upper"])
        return [
            "/api/findings/{id}/scene": [
                "get": operation(
                    "findingScene",
                    "A comparison of scans for a 3D view: its origin (every point sent is relative to it), the "
                        + "measured points' bounds, the colour scale (±range, the heat maps' colours), the epochs "
                        + "and the damage regions. Without clearance, refused when a file of it holds a restricted "
                        + "site's position",
                    parameters: [findingID],
                    ok: json(
                        object(
                            [
                                "findingID": string, "method": string, "units": string, "origin": vector,
                                "lower": vector, "upper": vector, "range": number,
                                "colours": ["type": "object", "additionalProperties": string] as Object,
                                "epochs": [
                                    "type": "array",
                                    "items": object(
                                        ["name": string, "versionID": string, "fileName": string],
                                        required: ["name", "versionID", "fileName"]),
                                ] as Object,
                                "regions": ["type": "array", "items": region] as Object,
                            ],
                            required: [
                                "findingID", "method", "units", "origin", "lower", "upper", "range", "colours",
                                "epochs", "regions",
                            ])), errors: [400, 401, 403, 404])
            ],
            "/api/findings/{id}/points": [
                "get": operation(
                    "findingPoints",
                    "An even sample of at most `budget` points of an epoch, of the whole or of a box, as a binary "
                        + "little-endian PLY of float x, y, z (relative to the scene's origin) and uchar red, green, "
                        + "blue (the measured points by signed distance, no data grey); its comments give the points "
                        + "in the box and those kept",
                    parameters: [
                        findingID, query("epoch", "changes (default), before or after"),
                        query("budget", "At most this many points (1-5,000,000, default 2,000,000)", type: "integer"),
                        query("box", "x0,y0,z0,x1,y1,z1 relative to the scene's origin"),
                    ],
                    ok: [
                        "description": "PLY",
                        "content": ["application/octet-stream": ["schema": ["type": "string", "format": "binary"]]],
                    ], errors: [400, 401, 403, 404])
            ],
        ]
    }
}
