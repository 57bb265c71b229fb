import Crypto
import Foundation
import HTTPTypes
import HeritageOperations
import HeritageStore
import Hummingbird
import NIOCore
import ScanImport

/// Asset versions as files: `GET /api/files/{version}` (a version id, or `ASSET@N` as the CLI
/// names it) and `GET /api/files/{version}/thumbnail`. Comparison outputs (heat maps,
/// changes.ply, summary.json) are versions too, named by the finding's `resultVersionIDs`.
///
/// Files stream from the blob store with Range requests (206, 416) and their SHA-256 as ETag.
/// Without clearance, a restricted site's photographs are served without their metadata
/// (EXIF, XMP, IPTC, PNG text), and files whose coordinates are positions (georeferenced
/// scans, world files, results derived from them) are refused; whatever is sent is searched
/// for the site's positions first.
struct DownloadRoutes {
    let store: HeritageArchive
    let pool: BlockingPool

    /// What to send: a blob as it is, or bytes made for this caller.
    enum Payload: Sendable {
        case blob(path: String, size: Int, sha256: String)
        case bytes([UInt8])
    }

    struct Prepared: Sendable {
        var payload: Payload
        var contentType: String
        var fileName: String
        /// The metadata was taken out for a caller without clearance.
        var stripped: Bool
    }

    func add(to router: Router<HeritageRequestContext>) {
        router.get("/api/files/{version}") { request, context -> Response in
            _ = try context.require(.viewer)
            let reference = try context.parameters.require("version")
            let includeRestricted = context.mayReadRestricted
            let prepared = try await pool.run { try file(reference, includeRestricted: includeRestricted) }
            return try await respond(prepared, to: request, context: context)
        }
        router.get("/api/files/{version}/thumbnail") { request, context -> Response in
            _ = try context.require(.viewer)
            let reference = try context.parameters.require("version")
            let includeRestricted = context.mayReadRestricted
            let prepared = try await pool.run { try thumbnail(reference, includeRestricted: includeRestricted) }
            return try await respond(prepared, to: request, context: context)
        }
    }

    /// A version by id, or ASSET[@N].
    private func version(_ reference: String) throws -> (Asset, AssetVersion) {
        if reference.contains("@") { return try store.resolveVersion(reference) }
        do {
            return try store.assetVersion(reference)
        } catch let error as HeritageStoreError where error.code == .notFound {
            return try store.resolveVersion(reference)  // an asset: its latest version
        }
    }

    private func file(_ reference: String, includeRestricted: Bool) throws -> Prepared {
        let (asset, version) = try version(reference)
        let release = try store.release(ofSite: asset.siteID, includeRestricted: includeRestricted)
        let name = release.released(version).fileName
        let type = Self.contentType(of: version.format)
        guard release.withholds(version) else {
            let path = store.blobLocation(sha256: version.sha256).path
            return Prepared(
                payload: .blob(path: path, size: Int(version.size), sha256: version.sha256), contentType: type,
                fileName: name, stripped: false)
        }
        guard ["jpeg", "png"].contains(version.format), !release.isGeoreferenced(version) else {
            throw APIError(
                .forbidden,
                "\(name) holds the position of a restricted site: it is served only to accounts with clearance")
        }
        let original = try [UInt8](Data(contentsOf: try store.verifiedBlob(of: version)))
        let stripped = try PhotoMetadataStripping.stripped(original, format: version.format, file: name)
        guard release.search.matcher.firstRange(in: stripped) == nil else {
            throw APIError(
                .forbidden,
                "\(name) still holds the position of a restricted site without its metadata: it is served only "
                    + "to accounts with clearance")
        }
        return Prepared(payload: .bytes(stripped), contentType: type, fileName: name, stripped: true)
    }

    private func thumbnail(_ reference: String, includeRestricted: Bool) throws -> Prepared {
        let (asset, version) = try version(reference)
        guard let related = version.relatedFiles.first(where: { $0.name == "thumbnail.png" }) else {
            throw APIError(.notFound, "version \(version.id.prefix(8)) has no thumbnail (only photographs do)")
        }
        let release = try store.release(ofSite: asset.siteID, includeRestricted: includeRestricted)
        let path = store.blobLocation(sha256: related.sha256).path
        if release.generalise {
            // Made by heritage without metadata; searched all the same.
            let bytes = try [UInt8](Data(contentsOf: URL(filePath: path)))
            guard release.search.matcher.firstRange(in: bytes) == nil else {
                throw APIError(.forbidden, "this thumbnail is served only to accounts with clearance")
            }
        }
        return Prepared(
            payload: .blob(path: path, size: Int(related.size), sha256: related.sha256), contentType: "image/png",
            fileName: "thumbnail.png", stripped: false)
    }

    private func respond(_ prepared: Prepared, to request: Request, context: HeritageRequestContext) async throws
        -> Response
    {
        let (size, sha256): (Int, String)
        switch prepared.payload {
        case .blob(_, let blobSize, let hash): (size, sha256) = (blobSize, hash)
        case .bytes(let bytes): (size, sha256) = (bytes.count, SHA256.hash(data: bytes).hexString)
        }
        let etag = "\"\(sha256)\""
        var headers: HTTPFields = [
            .contentType: prepared.contentType, .eTag: etag, .acceptRanges: "bytes",
            .contentDisposition: Self.disposition(prepared.fileName), .cacheControl: "private, no-cache",
        ]
        headers[.xContentSHA256] = sha256
        if prepared.stripped { headers[.xMetadataRemoved] = "exif, xmp, iptc, text" }
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: headers)
        }
        var range = try Self.range(request.headers[.range], size: size)
        if let ifRange = request.headers[.ifRange], ifRange != etag { range = nil }
        let status: HTTPResponse.Status = range == nil ? .ok : .partialContent
        let sent = range ?? (size > 0 ? 0...(size - 1) : nil)
        if let range { headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)" }
        headers[.contentLength] = "\(sent?.count ?? 0)"
        guard let sent else { return Response(status: status, headers: headers, body: .init()) }
        switch prepared.payload {
        case .blob(let path, _, _):
            let body = try await FileIO().loadFile(path: path, range: sent, context: context)
            return Response(status: status, headers: headers, body: body)
        case .bytes(let bytes):
            return Response(
                status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes[sent])))
        }
    }

    /// The one range a `Range: bytes=…` header asks for, nil for the whole file (no header,
    /// several ranges, another unit); 416 when it lies outside the file.
    static func range(_ header: String?, size: Int) throws -> ClosedRange<Int>? {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return nil }
        let unsatisfiable = APIError(
            .rangeNotSatisfiable, "the range \(spec) is outside the file's \(size) bytes",
            headers: [.contentRange: "bytes */\(size)"])
        if parts[0].isEmpty {
            guard let suffix = Int(parts[1]), suffix > 0, size > 0 else { throw unsatisfiable }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(parts[0]), start >= 0 else { return nil }
        guard start < size else { throw unsatisfiable }
        if parts[1].isEmpty { return start...(size - 1) }
        guard let end = Int(parts[1]), end >= start else { return nil }
        return start...min(end, size - 1)
    }

    static func contentType(of format: String) -> String {
        switch format {
        case "jpeg": "image/jpeg"
        case "png": "image/png"
        case "json": "application/json"
        case "obj": "model/obj"
        case "pdf": "application/pdf"
        case "txt", "csv": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    /// `attachment` with the name as RFC 6266 writes any script: an ASCII fallback and UTF-8.
    static func disposition(_ name: String) -> String {
        let ascii = String(
            name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" }
        )
        let encoded =
            name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_")))
            ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}

extension HTTPField.Name {
    static let xMetadataRemoved = named("X-Metadata-Removed")
}
