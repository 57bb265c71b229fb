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
            let scratch = ScratchSpace.folder("upload")
            defer { try? FileManager.default.removeItem(at: scratch) }
            // The file's name is the server's: only a checked extension comes from the client, as
            // the readers of text formats go by it.
            let file = scratch.appending(path: "upload" + Self.fileExtension(of: name))
            let (sha256, size) = try await receive(request.body, into: file, limit: limit, name: name)
            if let expected = request.headers[.xContentSHA256], expected.lowercased() != sha256 {
                throw APIError(
                    .badRequest,
                    "\(name) arrived with SHA-256 \(sha256), not the \(expected) its X-Content-SHA256 states; "
                        + "nothing was stored")
            }
            let upload = FileImportRequest(
                site: site, files: [.init(path: file.path, name: name)], survey: query.get("survey"),
                asset: query.get("asset"))
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
    }

    /// Streams `body` into `file`, hashing it, in writes of about 4 MB made on the blocking
    /// pool while the next ones arrive (one write in flight); refuses it once it passes
    /// `limit`. Returns its SHA-256 and size.
    func receive(_ body: RequestBody, into file: URL, limit: Int64, name: String) async throws -> (String, Int64) {
        let scratch = try ScratchFile(file, pool: pool)
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
}

extension ImportedFile: ResponseEncodable {}

/// A scratch file an upload streams into while it is hashed: the bytes gather into writes of
/// about 4 MB, made on the blocking pool while the next ones arrive (one write in flight).
final class ScratchFile {
    let url: URL
    private let handle: FileHandle
    private let pool: BlockingPool
    private var hasher = SHA256()
    private var pending = Data()
    private var writing: Task<Void, any Error>?
    private(set) var size: Int64 = 0

    init(_ url: URL, pool: BlockingPool) throws {
        self.url = url
        self.pool = pool
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw APIError(.internalServerError, "the server cannot write its scratch file")
        }
        handle = try FileHandle(forWritingTo: url)
        pending.reserveCapacity(UploadRoutes.writeSize)
    }

    deinit {
        writing?.cancel()
        try? handle.close()
    }

    func append(_ buffer: ByteBuffer) async throws {
        size += Int64(buffer.readableBytes)
        buffer.withUnsafeReadableBytes { bytes in
            hasher.update(bufferPointer: bytes)
            pending.append(contentsOf: bytes)
        }
        if pending.count >= UploadRoutes.writeSize {
            try await flush()
        }
    }

    private func flush() async throws {
        try await writing?.value
        let (chunk, handle) = (pending, handle)
        writing = Task { [pool] in try await pool.run { try handle.write(contentsOf: chunk) } }
        pending = Data()
        pending.reserveCapacity(UploadRoutes.writeSize)
    }

    /// Writes what is left, syncs the file, and returns its SHA-256.
    func finish() async throws -> String {
        try await flush()
        try await writing?.value
        let handle = handle
        try await pool.run { try handle.synchronize() }
        return hasher.finalize().hexString
    }
}
