import Foundation

/// The resumable uploads' routes (`UploadRoutes+Resumable.swift`).
extension OpenAPIDocument {
    static func required(_ parameter: Object) -> Object {
        parameter.merging(["required": true]) { _, new in new }
    }

    static var uploadPaths: Object {
        let id = pathParameter("id", "The upload's id, as its creation answered")
        let offsetHeader: Object = [
            "Upload-Offset": [
                "description": "How many bytes of the file the server holds", "schema": ["type": "integer"],
            ]
        ]
        let state = object(
            [
                "id": ["type": "string"], "filename": ["type": "string"], "size": ["type": "integer"],
                "offset": ["type": "integer"], "location": ["type": "string"],
            ], required: ["id", "filename", "size", "offset", "location"])
        var send = operation(
            "sendUploadPart",
            "Send the upload's next bytes from Upload-Offset (surveyor, its owner). The bytes that arrive are kept "
                + "even if the connection drops; 204 with the new offset while the file is not whole, 409 with the "
                + "right offset when sent from another. The part that completes the file is answered as an upload "
                + "is: 201 stored, 200 already held, 422 refused by its reader.",
            parameters: [
                id,
                [
                    "name": "Upload-Offset", "in": "header", "required": true,
                    "description": "Where these bytes go: the offset the server holds",
                    "schema": ["type": "integer", "minimum": 0],
                ] as Object,
            ],
            ok: json(reference("ImportedFile")), okStatus: "201", alsoOK: "200",
            errors: [400, 401, 403, 404, 409, 413, 422])
        send["requestBody"] = [
            "required": true,
            "content": ["application/octet-stream": ["schema": ["type": "string", "format": "binary"]]],
        ]
        var responses = send["responses"] as? Object ?? [:]
        responses["204"] = ["description": "Kept; the file is not whole yet", "headers": offsetHeader]
        send["responses"] = responses
        return [
            "/api/sites/{code}/uploads": [
                "post": operation(
                    "openUpload",
                    "Open a resumable upload of a scan or photograph (surveyor), for links that drop: the site, "
                        + "survey and asset are checked now; send the bytes with PATCH /api/uploads/{id}. An "
                        + "upload idle for a day, or open when the server restarts, is discarded.",
                    parameters: [
                        pathParameter("code", "The site's code or id"),
                        required(query("filename", "The file's name")),
                        required(query("size", "The file's size in bytes", type: "integer")),
                        query("survey", "The survey it comes from (id or its first characters)"),
                        query("asset", "Store it as the next version of this asset"),
                        contentSHA256("The whole file's SHA-256 (hex): checked before it is stored"),
                    ],
                    ok: json(state), okStatus: "201", errors: [400, 401, 403, 404, 413, 429])
            ],
            "/api/uploads/{id}": [
                "get": operation(
                    "uploadState", "How far a resumable upload has come (surveyor, its owner)", parameters: [id],
                    ok: json(state), errors: [401, 403, 404]),
                "patch": send,
                "delete": operation(
                    "cancelUpload", "Cancel a resumable upload; its bytes are removed (surveyor, its owner)",
                    parameters: [id], ok: ["description": "Cancelled"], okStatus: "204", errors: [401, 403, 404]),
            ],
        ]
    }
}
