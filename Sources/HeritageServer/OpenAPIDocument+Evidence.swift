import Foundation

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
