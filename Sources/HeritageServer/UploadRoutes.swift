import Crypto
import Foundation
import HTTPTypes
import HeritageOperations
import HeritageStore
import Hummingbird
import NIOCore
import ScanImport

/// `POST /api/sites/{code}/assets?filename=NAME[&survey=ID][&asset=ID]`: a scan or photograph
/// as the raw request body. It streams to a scratch file while it is hashed (never held in
/// memory), is read by the same readers as `heritage import`, and is stored as a new asset, or a
/// new version of `asset`, attributed to the signed-in surveyor. Nothing is left behind on any
/// path: not a row, not a file.
struct UploadRoutes {
    let store: HeritageArchive
    let resumable: ResumableUploads
    let pool: BlockingPool
    let configuration: ServerConfiguration
    let metrics: ServerMetrics

    func add(to router: Router<HeritageRequestContext>) {
        router.post("/api/sites/{code}/assets") { request, context -> Response in
            let account = try context.require(.surveyor)
            let site = try context.parameters.require("code")
            let query = request.uri.queryParameters
            if let boundary = try Self.formBoundary(request.headers[.contentType]) {
                guard request.headers[.xContentSHA256] == nil else {
                    throw APIError(
                        .badRequest,
                        "X-Content-SHA256 checks a raw body; a form's files are each hashed and answered with their "
                            + "SHA-256")
                }
                return try await receiveForm(
                    request, boundary: boundary, site: site, query: query, account: account, context: context)
            }
            let name = try Self.checkedName(query.get("filename"))
            let limit = configuration.maximumUploadBytes
            if let length = request.headers[.contentLength].flatMap(Int64.init), length > limit {
                throw APIError(.contentTooLarge, "\(name) is \(length) bytes; this server takes up to \(limit)")
            }
            // The body is written straight into the archive's temporary folder, so storing it
            // is a rename. The file's name is the store's: only a checked extension comes from
            // the client, as the readers of text formats go by it.
            let scratch = ScratchFile(
                try store.incomingFile(extension: Self.fileExtension(of: name)), pool: pool)
            defer { scratch.incoming.discard() }
            let (sha256, size) = try await receive(request.body, into: scratch, limit: limit, name: name)
            if let expected = request.headers[.xContentSHA256], expected.lowercased() != sha256 {
                throw APIError(
                    .badRequest,
                    "\(name) arrived with SHA-256 \(sha256), not the \(expected) its X-Content-SHA256 states; "
                        + "nothing was stored")
            }
            return try await self.store(
                scratch, name: name, size: size, site: site, survey: query.get("survey"), asset: query.get("asset"),
                account: account, request: request, context: context)
        }
        addResumable(to: router)
    }

    /// Reads a received file as `heritage import` would and stores it, attributed to `account`:
    /// 201 with the stored version, 200 when the archive already held the same bytes, 422 with
    /// the reader's reason (naming the file as the client does).
    func store(
        _ scratch: ScratchFile, name: String, size: Int64, site: String, survey: String?, asset: String?,
        account: Account, request: Request, context: HeritageRequestContext
    ) async throws -> Response {
        let file = scratch.url
        let upload = FileImportRequest(
            site: site, files: [.init(incoming: scratch.incoming, name: name)], survey: survey, asset: asset)
        let imported = try await pool.run { () throws -> [ImportedFile] in
            do {
                return try store.importFiles(upload, actor: account.name)
            } catch let error as ScanImportError {
                // The reader names the scratch file; the client knows it by its own name.
                throw APIError(
                    .unprocessableContent,
                    error.description.replacingOccurrences(of: file.path, with: name))
            }
        }
        metrics.uploadStored(bytes: size, files: 1)
        var response = try imported[0].response(from: request, context: context)
        response.status = imported[0].outcome == .stored ? .created : .ok
        return response
    }

    /// Streams `body` into `scratch` (hashed and written on the blocking pool while the next
    /// bytes arrive); refuses it once it passes `limit`. Returns its SHA-256 and size.
    func receive(_ body: RequestBody, into scratch: ScratchFile, limit: Int64, name: String) async throws -> (
        String, Int64
    ) {
        var received: Int64 = 0
        for try await buffer in body {
            received += Int64(buffer.readableBytes)
            guard received <= limit else {
                throw APIError(.contentTooLarge, "\(name) passed \(limit) bytes, the most this server takes")
            }
            try await scratch.append(buffer)
        }
        return (try await scratch.finish(), received)
    }

    static let writeSize = 4 << 20

    /// A file name as the client gives it: recorded and reported, never used as a path.
    static func checkedName(_ name: String?) throws -> String {
        guard let name, !name.isEmpty, name.count <= 255, !name.contains("/"), !name.contains("\\"),
            name != ".", name != "..",
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw APIError(.badRequest, "give the file's name as ?filename=NAME (no slashes, at most 255 characters)")
        }
        return name
    }

    /// ".ply" for "wall scan.PLY": letters and digits only, at most 8; else none.
    static func fileExtension(of name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        let ext = name[name.index(after: dot)...].lowercased()
        guard (1...8).contains(ext.count), ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return ""
        }
        return "." + ext
    }
}

extension HTTPField.Name {
    static let xContentSHA256 = named("X-Content-SHA256")
    /// How many bytes of a resumable upload the server holds (`/api/uploads/{id}`).
    static let uploadOffset = named("Upload-Offset")
}

extension ImportedFile: ResponseEncodable {}

/// An upload's bytes on their way into an ``IncomingFile``: they gather into writes of about
/// 4 MB, each hashed and written on the blocking pool while the next ones arrive (one write in
/// flight), so the event loop only copies.
final class ScratchFile {
    let incoming: IncomingFile
    var url: URL { incoming.url }
    private let pool: BlockingPool
    private var pending = Data()
    private var writing: Task<Void, any Error>?
    private(set) var size: Int64 = 0

    init(_ incoming: IncomingFile, pool: BlockingPool) {
        self.incoming = incoming
        self.pool = pool
    }

    func append(_ buffer: ByteBuffer) async throws {
        // Reserved when bytes come, so that an upload waiting for its next part holds none.
        if pending.isEmpty { pending.reserveCapacity(UploadRoutes.writeSize) }
        size += Int64(buffer.readableBytes)
        pending.append(contentsOf: buffer.readableBytesView)
        if pending.count >= UploadRoutes.writeSize {
            try await flush()
        }
    }

    /// Writes what has arrived so far: ``size`` bytes are then in the file.
    func settle() async throws {
        try await flush()
        try await writing?.value
    }

    private func flush() async throws {
        try await writing?.value
        let (chunk, incoming) = (pending, incoming)
        writing = Task { [pool] in try await pool.run { try chunk.withUnsafeBytes { try incoming.write($0) } } }
        pending = Data()
    }

    /// Writes what is left, flushes the file to disk, and returns its SHA-256.
    func finish() async throws -> String {
        try await flush()
        try await writing?.value
        let incoming = incoming
        return try await pool.run { try incoming.finish() }
    }
}
