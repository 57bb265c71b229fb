import Foundation

/// The map's clusters.
extension OpenAPIDocument {
    static var mapPaths: Object {
        let cluster = object(
            [
                "latitude": number, "longitude": number, "count": integer, "south": number, "west": number,
                "north": number, "east": number,
                "conditions": ["type": "object", "additionalProperties": integer] as Object,
            ], required: ["latitude", "longitude", "count", "south", "west", "north", "east", "conditions"])
        let marker = object(
            [
                "site": reference("SiteSummary"),
                "cell": ["type": "array", "items": number, "minItems": 4, "maxItems": 4] as Object,
            ], required: ["site"])
        return [
            "/api/map": [
                "get": operation(
                    "map",
                    "The sites in a map's box, gathered on a grid that fits the zoom (a cell is 64 pixels of a "
                        + "Web Mercator map): a cell of several sites is a cluster with its count and conditions, "
                        + "a cell of one is that site. Without clearance, a restricted site is clustered at and "
                        + "drawn as its generalised 0.1° cell",
                    parameters: [
                        [
                            "name": "bbox", "in": "query", "required": true,
                            "description": "SOUTH,WEST,NORTH,EAST in degrees (WEST > EAST crosses the antimeridian)",
                            "schema": ["type": "string"],
                        ] as Object,
                        [
                            "name": "zoom", "in": "query", "required": true, "description": "The map's zoom, 0-22",
                            "schema": ["type": "integer", "minimum": 0, "maximum": 22],
                        ] as Object,
                        query("q", "Full-text search in every name, script and language; each word a prefix"),
                        query("kind", "Only sites of this kind (repeatable)"),
                        query("country", "ISO 3166-1 alpha-2"),
                        query("designation", "world-heritage, hague-enhanced, …"),
                        query("condition", "The latest overall condition, or unassessed"),
                    ],
                    ok: json(
                        object(
                            [
                                "zoom": integer, "total": integer,
                                "clusters": ["type": "array", "items": cluster] as Object,
                                "sites": ["type": "array", "items": marker] as Object,
                            ], required: ["zoom", "total", "clusters", "sites"])), errors: [400, 401])
            ]
        ]
    }
}
