import Crypto
import Foundation
import HTTPTypes
import HeritageOperations
import HeritageServer
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// Serialized: each test checks that no upload left a scratch folder behind.
@Suite(.serialized) struct UploadTests {
    /// A small ASCII PLY: four points.
    static let ply = Data(
        """
        ply
        format ascii 1.0
        element vertex 4
        property float x
        property float y
        property float z
        end_header
        0 0 0
        1 0 0
        0 1 0
        0 0 1

        """.utf8)

    static func hex(_ data: Data) -> String { SHA256.hash(data: data).hexString }

    /// Files left in the system's temporary folder by uploads.
    static func scratchFolders() -> Set<String> {
        Set(
            ((try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)) ?? [])
                .filter { $0.hasPrefix(".heritage-upload.partial-") })
    }

    /// Files in the archive's own temporary folder, where an upload's body is written.
    static func incomingFiles(_ fixture: ServerFixture) -> [String] {
        (try? FileManager.default.contentsOfDirectory(
            atPath: fixture.folder.appending(path: "archive/objects/tmp").path)) ?? []
    }

    @Test func aSurveyorUploadsAScanThroughTheSameReaders() async throws {
        let fixture = try ServerFixture()
        let before = Self.scratchFolders()
        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            let headers: HTTPFields = [
                .cookie: surveyor, .origin: "http://localhost", HTTPField.Name("X-Content-SHA256")!: Self.hex(Self.ply),
            ]
            let id = try await client.execute(
                uri: "/api/sites/PUB-1/assets?filename=north%20wall.ply", method: .post, headers: headers,
                body: ByteBuffer(bytes: Self.ply)
            ) { response -> String in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let file = try JSONDecoder().decode(ImportedFile.self, from: Data(buffer: response.body))
                #expect(file.file == "north wall.ply" && file.sha256 == Self.hex(Self.ply) && file.version == 1)
                return file.assetID
            }
            // A survey, then an upload that names it.
            let survey = try await client.execute(
                uri: "/api/sites/PUB-1/surveys", method: .post,
                headers: [.cookie: surveyor, .origin: "http://localhost", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"startDate": "2026-05-14", "method": "photogrammetry", "team": ["Lena"]}"#)
            ) { response -> String in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return try #require((object?["survey"] as? [String: Any])?["id"] as? String)
            }
            try await client.execute(
                uri: "/api/sites/PUB-1/assets?filename=east.ply&survey=\(survey)", method: .post,
                headers: [.cookie: surveyor, .origin: "http://localhost"],
                body: ByteBuffer(bytes: Self.ply + Data("\n".utf8))
            ) { #expect($0.status == .created) }
            #expect(try fixture.store.assets(ofSite: "PUB-1").contains { $0.asset.surveyID == survey })
            try await client.execute(
                uri: "/api/sites/PUB-1/surveys", method: .post,
                headers: [.cookie: surveyor, .origin: "http://localhost", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"startDate": "2026-13-40", "method": "photogrammetry"}"#)
            ) { #expect($0.status == .badRequest) }
            // The same bytes again: already stored, named.
            try await client.execute(
                uri: "/api/sites/PUB-1/assets?filename=copy.ply", method: .post, headers: headers,
                body: ByteBuffer(bytes: Self.ply)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("already-stored"))
            }
            let (asset, versions) = try fixture.store.asset(id)
            #expect(asset.title == "north wall.ply" && versions.first?.fileName == "north wall.ply")
            let event = try #require(try fixture.store.auditEvents().last { $0.action == "asset.version" })
            #expect(event.actor == "surveyor")
        }
        #expect(Self.scratchFolders().subtracting(before).isEmpty)
        #expect(Self.incomingFiles(fixture).isEmpty)
    }

    @Test func badUploadsAreRefusedAndLeaveNothing() async throws {
        let fixture = try ServerFixture()
        let before = Self.scratchFolders()
        let events = try fixture.store.auditEvents().count
        var small = ServerConfiguration()
        small.maximumUploadBytes = 200
        try await fixture.application(small).test(.router) { client in
            let viewer = try await client.signIn("viewer")
            let surveyor = try await client.signIn("surveyor")
            func upload(_ uri: String, _ body: Data, cookie: String, extra: HTTPFields = [:]) async throws
                -> (HTTPResponse.Status, String)
            {
                var headers: HTTPFields = [.cookie: cookie, .origin: "http://localhost"]
                headers.append(contentsOf: extra)
                return try await client.execute(
                    uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body)
                ) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            #expect(
                try await upload("/api/sites/PUB-1/assets?filename=a.ply", Self.ply, cookie: viewer).0 == .forbidden)
            #expect(try await upload("/api/sites/PUB-1/assets", Self.ply, cookie: surveyor).0 == .badRequest)
            #expect(
                try await upload("/api/sites/PUB-1/assets?filename=..%2Fescape.ply", Self.ply, cookie: surveyor).0
                    == .badRequest)
            let mismatch = try await upload(
                "/api/sites/PUB-1/assets?filename=a.ply", Self.ply, cookie: surveyor,
                extra: [HTTPField.Name("X-Content-SHA256")!: String(repeating: "0", count: 64)])
            #expect(mismatch.0 == .badRequest && mismatch.1.contains("nothing was stored"))
            let broken = try await upload(
                "/api/sites/PUB-1/assets?filename=broken.ply", Data("ply\nformat ascii 1.0\nelement".utf8),
                cookie: surveyor)
            #expect(broken.0 == .unprocessableContent, "\(broken)")
            #expect(broken.1.contains("broken.ply") && !broken.1.contains("incoming-"))
            let large = try await upload(
                "/api/sites/PUB-1/assets?filename=big.ply", Data(repeating: 65, count: 201), cookie: surveyor)
            #expect(large.0 == .contentTooLarge)
            #expect(
                try await upload("/api/sites/NONE/assets?filename=a.ply", Self.ply, cookie: surveyor).0 == .notFound)
        }
        #expect(try fixture.store.auditEvents().count == events)
        #expect(try fixture.store.assets(ofSite: "PUB-1").isEmpty)
        #expect(Self.scratchFolders().subtracting(before).isEmpty)
        #expect(Self.incomingFiles(fixture).isEmpty)
        #expect(try fixture.store.verify().orphans.isEmpty)
    }

    /// A browser's form: `parts` as (field name, file name or nil, content).
    static func form(_ parts: [(String, String?, Data)], boundary: String, close: Bool = true) -> ByteBuffer {
        var body = Data()
        for (field, file, content) in parts {
            body.append(Data("--\(boundary)\r\n".utf8))
            let name = file.map { "; filename=\"\($0)\"" } ?? ""
            body.append(Data("Content-Disposition: form-data; name=\"\(field)\"\(name)\r\n".utf8))
            if file != nil { body.append(Data("Content-Type: application/octet-stream\r\n".utf8)) }
            body.append(Data("\r\n".utf8))
            body.append(content)
            body.append(Data("\r\n".utf8))
        }
        if close { body.append(Data("--\(boundary)--\r\n".utf8)) }
        return ByteBuffer(bytes: body)
    }

    @Test func aBrowsersFormUploadsSeveralFilesAtOnce() async throws {
        let fixture = try ServerFixture()
        let before = Self.scratchFolders()
        let obj = Data("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n".utf8)
        let boundary = "----heritageFormBoundary7MA4YWxk"
        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            let headers: HTTPFields = [
                .cookie: surveyor, .origin: "http://localhost",
                .contentType: "multipart/form-data; boundary=\(boundary)",
            ]
            try await client.execute(
                uri: "/api/sites/PUB-1/assets", method: .post, headers: headers,
                body: Self.form(
                    [
                        ("files", "east wall.ply", Self.ply), ("note", nil, Data("ignored".utf8)),
                        ("files", "arch.obj", obj),
                    ],
                    boundary: boundary)
            ) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let files =
                    try JSONDecoder().decode(
                        [String: [ImportedFile]].self, from: Data(buffer: response.body))["files"] ?? []
                #expect(files.map(\.file) == ["east wall.ply", "arch.obj"])
                #expect(files.first?.sha256 == Self.hex(Self.ply) && files.last?.sha256 == Self.hex(obj))
            }
            // Cut off before its closing boundary: refused, nothing stored.
            try await client.execute(
                uri: "/api/sites/PUB-1/assets", method: .post, headers: headers,
                body: Self.form([("files", "cut.ply", Self.ply + Data("9 9 9".utf8))], boundary: boundary, close: false)
            ) { response in
                #expect(response.status == .badRequest, "\(String(buffer: response.body))")
            }
            // A name that is a path is refused, not followed.
            try await client.execute(
                uri: "/api/sites/PUB-1/assets", method: .post, headers: headers,
                body: Self.form([("files", "../../etc/passwd", Self.ply)], boundary: boundary)
            ) { #expect($0.status == .badRequest) }
            // A file the readers refuse: their message, with the client's name for the file.
            try await client.execute(
                uri: "/api/sites/PUB-1/assets", method: .post, headers: headers,
                body: Self.form(
                    [("files", "broken.ply", Data("ply\nformat ascii 1.0\nelement vertex 9\n".utf8))],
                    boundary: boundary)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("broken.ply"))
            }
        }
        let assets = try fixture.store.assets(ofSite: "PUB-1")
        #expect(assets.map(\.asset.title).sorted() == ["arch.obj", "east wall.ply"])
        #expect(Self.scratchFolders() == before)
        #expect(Self.incomingFiles(fixture).isEmpty)
    }
}

@Suite struct ScratchSpaceTests {
    /// An upload's incoming file left by a server that was killed is removed at the next
    /// start; a running server's is kept.
    @Test func aKilledServersIncomingFileIsRemovedAndARunningOnesKept() throws {
        let fixture = try ServerFixture()
        let ended = Process()
        ended.executableURL = URL(filePath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let folder = fixture.folder.appending(path: "archive/objects/tmp")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let abandoned = "incoming-\(ended.processIdentifier)-0badc0de.ply"
        try Data("ply".utf8).write(to: folder.appending(path: abandoned))
        let live = try fixture.store.incomingFile(extension: ".ply")
        defer { live.discard() }
        #expect(fixture.store.removeAbandonedIncomingFiles() == [abandoned])
        for wrong in ["/../x", ".p/y", "ply", ".toolongext", "..."] {
            #expect(throws: HeritageStoreError.self, "\(wrong)") { try fixture.store.incomingFile(extension: wrong) }
        }
        #expect(UploadTests.incomingFiles(fixture) == [live.url.lastPathComponent])
    }

    @Test func aKilledServersScratchIsRemovedAndARunningOnesKept() throws {
        let temporary = FileManager.default.temporaryDirectory
        // A process that has ended: its id names no one now.
        let ended = Process()
        ended.executableURL = URL(filePath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let abandoned = temporary.appending(path: ".heritage-upload.partial-\(ended.processIdentifier)-dead0001")
        let live = temporary.appending(path: ".heritage-upload.partial-\(getpid())-live0001")
        for folder in [abandoned, live] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: live) }
        let removed = ScratchSpace.removeAbandoned()
        #expect(removed.contains(abandoned.lastPathComponent))
        #expect(!FileManager.default.fileExists(atPath: abandoned.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
    }
}
