import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird
import MultipartKit
import NIOCore
import ScanImport

/// Uploads from a browser's form: `multipart/form-data` with one or more file parts (any field
/// name, each with its filename) and optional `survey` and `asset` fields. Parsed as the body
/// streams in: each file goes to a scratch file of its own while it is hashed, never held in
/// memory.
extension UploadRoutes {
    struct ReceivedPart {
        var name: String
        var file: IncomingFile
        var size: Int64
    }

    /// A form as received. Its files are the archive's incoming files: the caller discards
    /// ``started`` whatever happens (those stored are gone by then).
    final class MultipartUpload {
        var files: [ReceivedPart] = []
        var fields: [String: String] = [:]
        var started: [IncomingFile] = []
    }

    /// The boundary of a `multipart/form-data` content type, or nil for any other type.
    static func formBoundary(_ contentType: String?) throws -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let boundary = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                guard (1...70).contains(boundary.count) else { break }
                return boundary
            }
        }
        throw APIError(.badRequest, "a multipart/form-data body needs its boundary (1-70 characters)")
    }

    /// Streams a multipart body's files into incoming files of the archive (listed in
    /// `upload` as each starts), refusing the body once it passes `limit`.
    func receiveForm(_ body: RequestBody, boundary: String, into upload: MultipartUpload, limit: Int64) async throws {
        enum Event {
            case header(String, String)
            case body(ByteBuffer)
            case end
        }
        var events: [Event] = []
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { events.append(.header($0, $1)) }
        parser.onBody = { events.append(.body($0)) }
        parser.onPartComplete = { events.append(.end) }

        func startFile(_ name: String) throws -> ScratchFile {
            let incoming = try store.incomingFile(extension: Self.fileExtension(of: name))
            upload.started.append(incoming)
            return ScratchFile(incoming, pool: pool)
        }
        var headers: [String: String] = [:]
        var scratch: ScratchFile?
        var fileName: String?
        var fieldValue = Data()
        var received: Int64 = 0
        for try await buffer in body {
            received += Int64(buffer.readableBytes)
            guard received <= limit else {
                throw APIError(.contentTooLarge, "the upload passed \(limit) bytes, the most this server takes")
            }
            do {
                try parser.execute(buffer)
            } catch {
                throw APIError(.badRequest, "the multipart/form-data body is malformed near byte \(received)")
            }
            for event in events {
                switch event {
                case .header(let name, let value):
                    headers[name.lowercased()] = value
                case .body(let chunk):
                    if scratch == nil && fileName == nil {
                        // The first bytes of a part: a file when its disposition names one.
                        let disposition = try Self.disposition(headers["content-disposition"])
                        if let name = disposition.fileName, !name.isEmpty {
                            let checked = try Self.checkedName(name)
                            fileName = checked
                            scratch = try startFile(checked)
                        } else {
                            fileName = nil
                        }
                    }
                    if let scratch {
                        try await scratch.append(chunk)
                    } else {
                        fieldValue.append(contentsOf: chunk.readableBytesView)
                        guard fieldValue.count <= 4096 else {
                            throw APIError(.badRequest, "a form field other than a file is at most 4 KB")
                        }
                    }
                case .end:
                    let disposition = try Self.disposition(headers["content-disposition"])
                    if let part = scratch, let name = fileName {
                        _ = try await part.finish()
                        upload.files.append(ReceivedPart(name: name, file: part.incoming, size: part.size))
                    } else if let name = disposition.fileName, !name.isEmpty {
                        // An empty file part: no body event came.
                        let checked = try Self.checkedName(name)
                        let empty = try startFile(checked)
                        _ = try await empty.finish()
                        upload.files.append(ReceivedPart(name: checked, file: empty.incoming, size: 0))
                    } else if let field = disposition.name {
                        upload.fields[field] = String(decoding: fieldValue, as: UTF8.self)
                    }
                    (headers, scratch, fileName, fieldValue) = ([:], nil, nil, Data())
                }
            }
            events.removeAll(keepingCapacity: true)
        }
        guard scratch == nil, headers.isEmpty else {
            throw APIError(
                .badRequest, "the form ends inside a part (its closing boundary is missing); nothing was stored")
        }
        guard !upload.files.isEmpty else {
            throw APIError(.badRequest, "the form holds no file (a part with a filename in its Content-Disposition)")
        }
    }

    /// The `name` and `filename` of a part's Content-Disposition (RFC 7578; `filename*` too).
    static func disposition(_ header: String?) throws -> (name: String?, fileName: String?) {
        guard let header, header.lowercased().hasPrefix("form-data") else {
            throw APIError(.badRequest, "each part of a form needs Content-Disposition: form-data")
        }
        var values: [String: String] = [:]
        var rest = Substring(header)
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...]
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = rest[rest.index(after: equals)...].drop { $0 == " " }
            if value.first == "\"" {
                value = value.dropFirst()
                var text = ""
                var escaped = false
                var end = value.endIndex
                for index in value.indices {
                    let character = value[index]
                    if escaped {
                        text.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        end = index
                        break
                    } else {
                        text.append(character)
                    }
                }
                values[key] = text
                rest = end < value.endIndex ? value[value.index(after: end)...] : ""
            } else {
                let end = value.firstIndex(of: ";") ?? value.endIndex
                values[key] = String(value[..<end]).trimmingCharacters(in: .whitespaces)
                rest = value[end...]
            }
        }
        var fileName = values["filename"]
        if let extended = values["filename*"], extended.lowercased().hasPrefix("utf-8''") {
            fileName = String(extended.dropFirst(7)).removingPercentEncoding ?? fileName
        }
        return (values["name"], fileName)
    }
}

extension UploadRoutes {
    /// The files of a form, imported together (all or none), each a new asset or, with one
    /// file and an `asset` field, a new version of it. Answered 201 when any was stored.
    func receiveForm(
        _ request: Request, boundary: String, site: String, query: Parameters, account: Account,
        context: HeritageRequestContext
    ) async throws -> Response {
        let (imported, _) = try await importForm(
            request.body, boundary: boundary, site: site, query: query, account: account)
        var response = try UploadedFiles(files: imported).response(from: request, context: context)
        response.status = imported.contains { $0.outcome == .stored } ? .created : .ok
        return response
    }

    /// Receives a form's files and imports them together; returns them with the form's other
    /// fields (a page's form token among them). A reader's refusal (422) names the file as the
    /// client named it.
    func importForm(
        _ body: RequestBody, boundary: String, site: String, query: Parameters, account: Account,
        check: ([String: String]) throws -> Void = { _ in }
    ) async throws -> ([ImportedFile], [String: String]) {
        let form = MultipartUpload()
        defer { for file in form.started { file.discard() } }
        try await receiveForm(body, boundary: boundary, into: form, limit: configuration.maximumUploadBytes)
        try check(form.fields)
        let upload = FileImportRequest(
            site: site, files: form.files.map { .init(incoming: $0.file, name: $0.name) },
            survey: form.fields["survey"].flatMap { $0.isEmpty ? nil : $0 } ?? query.get("survey"),
            asset: form.fields["asset"].flatMap { $0.isEmpty ? nil : $0 } ?? query.get("asset"))
        let names = form.files.map { (path: $0.file.url.path, name: $0.name) }
        let imported = try await pool.run { () throws -> [ImportedFile] in
            do {
                return try store.importFiles(upload, actor: account.name)
            } catch let error as ScanImportError {
                var message = error.description
                for part in names { message = message.replacingOccurrences(of: part.path, with: part.name) }
                throw APIError(.unprocessableContent, message)
            }
        }
        metrics.uploadStored(bytes: form.files.reduce(0) { $0 + $1.size }, files: form.files.count)
        return (imported, form.fields)
    }

    struct UploadedFiles: ResponseEncodable {
        var files: [ImportedFile]
    }
}
