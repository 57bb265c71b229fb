import EvidenceReport
import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird
import NIOCore

/// A site's evidence over HTTP, made as `heritage report` and `heritage package` make it (the
/// archive checked first; refused when it fails): `GET /api/sites/{code}/report.zip`, the report
/// folder (HTML, JSON, images, manifest) zipped, and `GET /api/sites/{code}/package.zip`, the
/// BagIt package signed with the server's key. Each is written to a scratch folder, sent from
/// disk a chunk at a time, and the folder removed once sent. Without clearance, restricted
/// positions are generalised and revealing files withheld, as the CLI does.
struct EvidenceRoutes {
    let store: HeritageArchive
    let pool: BlockingPool
    let configuration: ServerConfiguration

    func add(to router: Router<HeritageRequestContext>) {
        router.get("/api/sites/{code}/report.zip") { request, context -> Response in
            let account = try context.require(.viewer)
            let code = try context.parameters.require("code")
            let options = reportOptions(request, account: account, includeRestricted: context.mayReadRestricted)
            return try await makeAndSend("report", site: code) { site, scratch, name in
                let written = try ReportWriter.write(
                    site: site.id, from: store, options: options, to: scratch.appending(path: name))
                let zip = scratch.appending(path: name + ".zip")
                try BagZip.zip(written.folder, rootName: name, to: zip)
                return zip
            }
        }
        router.get("/api/sites/{code}/package.zip") { request, context -> Response in
            let account = try context.require(.viewer)
            let code = try context.parameters.require("code")
            guard let keyPath = configuration.signingKeyPath else {
                throw APIError(
                    .serviceUnavailable,
                    "this server has no signing key for packages: start it with --signing-key (heritage key generate)")
            }
            let options = reportOptions(request, account: account, includeRestricted: context.mayReadRestricted)
            let organization = configuration.organization
            return try await makeAndSend("package", site: code) { site, scratch, name in
                let key = try SigningKey.load(from: URL(filePath: keyPath))
                let written = try BagWriter.write(
                    site: site.id, from: store,
                    options: PackageOptions(report: options, organization: organization, signingKey: key, zip: true),
                    to: scratch.appending(path: name))
                guard let zip = written.zip else { throw APIError(.internalServerError, "no zip was written") }
                return zip
            }
        }
    }

    /// Makes a zip (`make`: the site, the scratch folder, the name to write under; returns the
    /// zip) on the blocking pool in a scratch folder of its own, and sends it as KIND-CODE.zip.
    /// The folder goes once the zip is sent, or at once if making it fails; a refusal of the
    /// evidence (the archive fails its check, a position would be released) is a 409.
    private func makeAndSend(
        _ kind: String, site code: String,
        make: @escaping @Sendable (Site, URL, String) throws -> URL
    ) async throws -> Response {
        let scratch = Self.scratchFolder()
        do {
            let (zip, name) = try await pool.run { () throws -> (URL, String) in
                let site = try store.requireSite(code)
                let name = "\(kind)-\(Self.safe(site.code))"
                return (try make(site, scratch, name), name + ".zip")
            }
            return try send(zip, name: name, removing: scratch)
        } catch let error as EvidenceError {
            try? FileManager.default.removeItem(at: scratch)
            throw APIError(.conflict, error.description)
        } catch {
            try? FileManager.default.removeItem(at: scratch)
            throw error
        }
    }

    /// `from` and `to` (dates) narrow the report, as the CLI's options do.
    private func reportOptions(_ request: Request, account: Account, includeRestricted: Bool) -> ReportOptions {
        let query = request.uri.queryParameters
        return ReportOptions(
            from: query.get("from"), to: query.get("to"), includeRestricted: includeRestricted,
            actor: account.name, software: HeritageRelease.software)
    }

    static func scratchFolder() -> URL { ScratchSpace.folder("evidence") }

    /// A site code as part of a file name: letters, digits, - and _ only.
    static func safe(_ code: String) -> String {
        String(code.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    /// Streams `file` a megabyte at a time and removes `folder` once it is sent (or the client
    /// goes away).
    private func send(_ file: URL, name: String, removing folder: URL) throws -> Response {
        let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
        let handle = try FileHandle(forReadingFrom: file)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zip", .contentLength: "\(size)",
                .contentDisposition: DownloadRoutes.disposition(name), .cacheControl: "private, no-store",
            ],
            body: ResponseBody { writer in
                defer {
                    try? handle.close()
                    try? FileManager.default.removeItem(at: folder)
                }
                while true {
                    let chunk = try await pool.run { try handle.read(upToCount: 1 << 20) ?? Data() }
                    if chunk.isEmpty { break }
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            })
    }
}
