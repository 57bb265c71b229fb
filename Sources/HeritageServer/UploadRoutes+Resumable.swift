import Foundation
import HTTPTypes
import HeritageStore
import Hummingbird
import NIOCore

/// Resumable uploads, for links that drop (surveyor; each upload is its owner's alone):
/// - `POST /api/sites/{code}/uploads?filename=NAME&size=BYTES[&survey=ID][&asset=ID]` opens one
///   (an `X-Content-SHA256` header states the whole file's hash, checked before it is stored);
/// - `PATCH /api/uploads/{id}` with `Upload-Offset: N` sends the next bytes from offset N. The
///   bytes that arrived are kept even when the connection drops mid-part; a part sent at the
///   wrong offset gets 409 with the right one. The part that completes the file is answered as
///   `POST /api/sites/{code}/assets` answers (201 stored, 200 already held, 422 refused);
/// - `GET /api/uploads/{id}` says how far it has come (`Upload-Offset` and JSON), so a client
///   whose part failed knows where to go on from;
/// - `DELETE /api/uploads/{id}` cancels it.
extension UploadRoutes {
    func addResumable(to router: Router<HeritageRequestContext>) {
        router.post("/api/sites/{code}/uploads") { request, context -> Response in
            let account = try context.require(.surveyor)
            let site = try context.parameters.require("code")
            let query = request.uri.queryParameters
            let name = try Self.checkedName(query.get("filename"))
            let limit = configuration.maximumUploadBytes
            guard let size = query.get("size").flatMap({ Int64($0) }), size >= 0 else {
                throw APIError(.badRequest, "give the file's size in bytes as ?size=N")
            }
            guard size <= limit else {
                throw APIError(.contentTooLarge, "\(name) is \(size) bytes; this server takes up to \(limit)")
            }
            let sha256 = try request.headers[.xContentSHA256].map { text in
                let hex = text.lowercased()
                guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
                    throw APIError(.badRequest, "X-Content-SHA256 is 64 hexadecimal digits")
                }
                return hex
            }
            let (survey, asset) = (query.get("survey"), query.get("asset"))
            // What the finished upload will be stored under is checked now, not after the bytes.
            let siteID = try await pool.run { () throws -> String in
                guard let found = try store.site(site) else { throw APIError(.notFound, "no site \(site)") }
                if let survey { _ = try store.survey(survey) }
                if let asset { _ = try store.asset(asset) }
                return found.id
            }
            let extensionName = Self.fileExtension(of: name)
            let upload = try resumable.open(
                { id in
                    ResumableUploads.Upload(
                        id: id, account: account.name, site: siteID, name: name, size: size, survey: survey,
                        asset: asset, sha256: sha256,
                        scratch: ScratchFile(try store.incomingFile(extension: extensionName), pool: pool), now: Date())
                }, account: account.name)
            var response = SiteRoutes.json(try Self.state(upload))
            response.status = .created
            response.headers[.location] = "/api/uploads/\(upload.id)"
            response.headers[.uploadOffset] = "0"
            return response
        }
        router.get("/api/uploads/{id}") { _, context -> Response in
            let account = try context.require(.surveyor)
            let id = try context.parameters.require("id")
            guard let upload = resumable.peek(id, account: account.name) else {
                throw APIError(.notFound, "no unfinished upload \(id) of yours")
            }
            var response = SiteRoutes.json(try Self.state(upload))
            response.headers[.uploadOffset] = String(upload.offset)
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.delete("/api/uploads/{id}") { _, context -> Response in
            let account = try context.require(.surveyor)
            let id = try context.parameters.require("id")
            guard resumable.cancel(id, account: account.name) else {
                throw APIError(.notFound, "no unfinished upload \(id) of yours")
            }
            return Response(status: .noContent)
        }
        router.patch("/api/uploads/{id}") { request, context -> Response in
            let account = try context.require(.surveyor)
            let id = try context.parameters.require("id")
            guard let stated = request.headers[.uploadOffset].flatMap({ Int64($0) }) else {
                throw APIError(.badRequest, "say where these bytes go with an Upload-Offset header")
            }
            let (upload, claim) = try resumable.claim(id, account: account.name)
            var finished = false
            defer { if !finished { resumable.release(upload, claim: claim) } }
            guard stated == upload.offset else {
                throw APIError(
                    .conflict, "upload \(id) holds \(upload.offset) bytes: send from there",
                    headers: [.uploadOffset: String(upload.offset)])
            }
            try await receivePart(request.body, into: upload, claim: claim)
            guard upload.offset == upload.size else {
                return Response(status: .noContent, headers: [.uploadOffset: String(upload.offset)])
            }
            // Whole: read and stored, or refused; either way the upload is over.
            finished = true
            defer { resumable.remove(upload) }
            let sha256 = try await upload.scratch.finish()
            if let expected = upload.sha256, expected != sha256 {
                throw APIError(
                    .badRequest,
                    "\(upload.name) arrived with SHA-256 \(sha256), not the \(expected) its X-Content-SHA256 "
                        + "stated; nothing was stored")
            }
            return try await store(
                upload.scratch, name: upload.name, size: upload.size, site: upload.site, survey: upload.survey,
                asset: upload.asset, account: account, request: request, context: context)
        }
    }

    /// Appends a part's bytes. What arrived before the connection dropped is written and
    /// kept; bytes beyond the stated size are refused. A file that cannot be written ends the
    /// upload.
    private func receivePart(_ body: RequestBody, into upload: ResumableUploads.Upload, claim: Int) async throws {
        var failure: (any Error)?
        do {
            for try await buffer in body {
                // A request whose bytes stopped coming for a while may have been taken over by
                // a newer one: it then leaves the file alone.
                guard resumable.progress(upload, claim: claim) else {
                    throw APIError(.conflict, "a newer request took over upload \(upload.id)")
                }
                guard upload.offset + Int64(buffer.readableBytes) <= upload.size else {
                    throw APIError(
                        .contentTooLarge,
                        "\(upload.name) was announced as \(upload.size) bytes; this part goes past that",
                        headers: [.uploadOffset: String(upload.offset)])
                }
                try await upload.scratch.append(buffer)
            }
        } catch {
            failure = error
        }
        guard resumable.progress(upload, claim: claim) else {
            throw failure ?? APIError(.conflict, "a newer request took over upload \(upload.id)")
        }
        do {
            try await upload.scratch.settle()
        } catch {
            resumable.remove(upload)
            throw APIError(.internalServerError, "upload \(upload.id) could not be written, and is cancelled: \(error)")
        }
        if let failure { throw failure }
    }

    static func state(_ upload: ResumableUploads.Upload) throws -> Data {
        try JSONSerialization.data(
            withJSONObject: [
                "id": upload.id, "filename": upload.name, "size": upload.size, "offset": upload.offset,
                "location": "/api/uploads/\(upload.id)",
            ], options: [.sortedKeys])
    }
}
