import Foundation

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
