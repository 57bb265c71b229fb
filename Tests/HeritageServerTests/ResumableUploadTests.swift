import Foundation
import HTTPTypes
import HeritageOperations
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeritageServer

/// Uploads in parts that survive a dropped link: opened, sent part by part from the offset the
/// server holds, stored when whole; a part from the wrong offset, past the size, or another
/// account's is refused; a connection cut mid-part keeps what arrived.
@Suite(.serialized) struct ResumableUploadTests {
    /// An ASCII PLY of 400 points: 6 kB or so.
    static let ply: Data = {
        var text = "ply\nformat ascii 1.0\nelement vertex 400\nproperty float x\nproperty float y\nproperty float z\n"
        text += "end_header\n"
        for index in 0..<400 { text += "\(index % 20) \(index / 20) \(Double(index % 7) * 0.125)\n" }
        return Data(text.utf8)
    }()

    static let origin: HTTPFields = [.origin: "http://localhost"]

    func open(
        _ client: some TestClientProtocol, _ cookie: String, size: Int, name: String = "wall.ply",
        sha256: String? = nil
    ) async throws -> String {
        var headers = Self.origin
        headers[.cookie] = cookie
        if let sha256 { headers[.xContentSHA256] = sha256 }
        return try await client.execute(
            uri: "/api/sites/PUB-1/uploads?filename=\(name)&size=\(size)", method: .post, headers: headers
        ) { response -> String in
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(object["offset"] as? Int == 0 && object["size"] as? Int == size)
            let location = try #require(object["location"] as? String)
            #expect(response.headers[.location] == location)
            return location
        }
    }

    func send(
        _ client: some TestClientProtocol, _ cookie: String, _ location: String, offset: Int, _ bytes: Data
    ) async throws -> TestResponse {
        var headers = Self.origin
        headers[.cookie] = cookie
        headers[.uploadOffset] = String(offset)
        return try await client.execute(uri: location, method: .patch, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    func offset(_ client: some TestClientProtocol, _ cookie: String, _ location: String) async throws -> Int? {
        try await client.execute(uri: location, method: .get, headers: [.cookie: cookie]) { response in
            guard response.status == .ok else { return nil }
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect(response.headers[.uploadOffset] == "\(object?["offset"] as? Int ?? -1)")
            return object?["offset"] as? Int
        }
    }

    @Test func aFileSentInPartsIsStoredWholeAndOnlyItsOwnerMaySendThem() async throws {
        let fixture = try ServerFixture()
        let data = Self.ply
        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            let location = try await open(client, surveyor, size: data.count, sha256: UploadTests.hex(data))
            #expect(UploadTests.incomingFiles(fixture).count == 1)

            var response = try await send(client, surveyor, location, offset: 0, data.prefix(1000))
            #expect(response.status == .noContent && response.headers[.uploadOffset] == "1000")
            #expect(try await offset(client, surveyor, location) == 1000)
            // From the wrong offset: refused, told where to go on from; nothing written.
            response = try await send(client, surveyor, location, offset: 0, data.prefix(1000))
            #expect(response.status == .conflict && response.headers[.uploadOffset] == "1000")
            #expect(try await offset(client, surveyor, location) == 1000)
            // Past the announced size: refused, and what was held stays.
            response = try await send(client, surveyor, location, offset: 1000, data.dropFirst(1000) + Data("x".utf8))
            #expect(response.status == .contentTooLarge, "\(String(buffer: response.body))")
            #expect(try await offset(client, surveyor, location) == 1000)
            // Another account sees no such upload.
            let other = try await client.signIn("reviewer")
            #expect(try await offset(client, other, location) == nil)
            response = try await send(client, other, location, offset: 1000, data.dropFirst(1000))
            #expect(response.status == .notFound)
            #expect(
                try await client.execute(
                    uri: location, method: .get, headers: [.cookie: try await client.signIn("viewer")]
                )
                .status == .forbidden)

            // Two more parts make it whole: stored, hashed as the whole file.
            response = try await send(client, surveyor, location, offset: 1000, data[1000..<4000])
            #expect(response.status == .noContent)
            response = try await send(client, surveyor, location, offset: 4000, data.dropFirst(4000))
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let file = try JSONDecoder().decode(ImportedFile.self, from: Data(buffer: response.body))
            #expect(file.file == "wall.ply" && file.sha256 == UploadTests.hex(data) && file.outcome == .stored)
            let stored = try fixture.store.assetVersion(file.versionID).version
            #expect(try Data(contentsOf: fixture.store.verifiedBlob(of: stored)) == data)
            #expect(try fixture.store.auditEvents().last?.actor == "surveyor")
            // Finished, it is gone; nothing is left in the archive's temporary folder.
            #expect(try await offset(client, surveyor, location) == nil)
            #expect(UploadTests.incomingFiles(fixture).isEmpty)
        }
    }

    @Test func aWrongHashAnUnreadableFileAndACancelledUploadLeaveNothing() async throws {
        let fixture = try ServerFixture()
        let data = Self.ply
        let assetsBefore = try fixture.store.assets(ofSite: "PUB-1").count
        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            // The whole file, but not the one the client said it would send.
            var location = try await open(client, surveyor, size: data.count, sha256: String(repeating: "0", count: 64))
            var response = try await send(client, surveyor, location, offset: 0, data)
            #expect(response.status == .badRequest && String(buffer: response.body).contains("X-Content-SHA256"))
            #expect(try await offset(client, surveyor, location) == nil)
            // A file its reader refuses: the reason, naming the file as the client does.
            let broken = Data("ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nend_header\n1\n".utf8)
            location = try await open(client, surveyor, size: broken.count, name: "broken.ply")
            response = try await send(client, surveyor, location, offset: 0, broken)
            #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("broken.ply"))
            // Cancelled halfway: gone, and a part sent after is refused.
            location = try await open(client, surveyor, size: data.count)
            #expect(try await send(client, surveyor, location, offset: 0, data.prefix(2000)).status == .noContent)
            #expect(
                try await client.execute(
                    uri: location, method: .delete, headers: Self.origin.merging([.cookie: surveyor])
                ).status == .noContent)
            #expect(try await send(client, surveyor, location, offset: 2000, data.dropFirst(2000)).status == .notFound)
            // Bad requests: no size, a size past the server's limit, no site, no offset.
            for (uri, status) in [
                ("/api/sites/PUB-1/uploads?filename=a.ply", HTTPResponse.Status.badRequest),
                ("/api/sites/PUB-1/uploads?filename=a.ply&size=99999999999999", .contentTooLarge),
                ("/api/sites/NOPE/uploads?filename=a.ply&size=10", .notFound),
                ("/api/sites/PUB-1/uploads?filename=a.ply&size=10&survey=ffffffff", .notFound),
            ] {
                let answer = try await client.execute(
                    uri: uri, method: .post, headers: Self.origin.merging([.cookie: surveyor]))
                #expect(answer.status == status, "\(uri): \(String(buffer: answer.body))")
            }
            location = try await open(client, surveyor, size: 10)
            let noOffset = try await client.execute(
                uri: location, method: .patch, headers: Self.origin.merging([.cookie: surveyor]),
                body: ByteBuffer(string: "0123456789"))
            #expect(noOffset.status == .badRequest)
        }
        #expect(try fixture.store.assets(ofSite: "PUB-1").count == assetsBefore)
        // Only the last one is open; cancelling it leaves the archive's temporary folder empty.
        #expect(UploadTests.incomingFiles(fixture).count == 1)
    }

    @Test func idleUploadsAreDiscardedAndAnAccountMayHoldOnlySoMany() throws {
        let fixture = try ServerFixture()
        let uploads = ResumableUploads(idleLimit: 60, perAccount: 2)
        let pool = BlockingPool(threads: 1)
        var made: [ResumableUploads.Upload] = []
        func make(_ account: String, at time: Date) throws -> ResumableUploads.Upload {
            let upload = try uploads.open(
                { id in
                    ResumableUploads.Upload(
                        id: id, account: account, site: "PUB-1", name: "a.ply", size: 10, survey: nil, asset: nil,
                        sha256: nil,
                        scratch: ScratchFile(try fixture.store.incomingFile(extension: ".ply"), pool: pool),
                        now: time)
                }, account: account, now: time)
            made.append(upload)
            return upload
        }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try make("omar", at: start)
        _ = try make("omar", at: start.addingTimeInterval(30))
        #expect(throws: APIError.self) { try make("omar", at: start.addingTimeInterval(40)) }
        _ = try make("lena", at: start.addingTimeInterval(40))
        // A minute and a bit after the first was last used, it is discarded with its file.
        _ = try make("omar", at: start.addingTimeInterval(61))
        #expect(uploads.peek(first.id, account: "omar") == nil && uploads.count == 3)
        #expect(!FileManager.default.fileExists(atPath: first.scratch.url.path))
        // One request at a time: a second claim is refused until the first ends...
        let second = try #require(uploads.peek(try make("lena", at: start.addingTimeInterval(62)).id, account: "lena"))
        let (_, older) = try uploads.claim(second.id, account: "lena", now: start.addingTimeInterval(63))
        #expect(uploads.progress(second, claim: older, now: start.addingTimeInterval(70)))
        #expect(throws: APIError.self) {
            try uploads.claim(second.id, account: "lena", now: start.addingTimeInterval(80))
        }
        // ...unless it has had no bytes for the stall limit (20 s): a newer request takes over,
        // and the stalled one may no longer write or end the claim.
        let (_, newer) = try uploads.claim(second.id, account: "lena", now: start.addingTimeInterval(91))
        #expect(newer != older && !uploads.progress(second, claim: older, now: start.addingTimeInterval(92)))
        uploads.release(second, claim: older)
        #expect(throws: APIError.self) {
            try uploads.claim(second.id, account: "lena", now: start.addingTimeInterval(93))
        }
        // Cancelled while claimed: it goes when the claim ends.
        #expect(uploads.cancel(second.id, account: "lena"))
        #expect(FileManager.default.fileExists(atPath: second.scratch.url.path))
        uploads.release(second, claim: newer)
        #expect(!FileManager.default.fileExists(atPath: second.scratch.url.path) && uploads.count == 3)
        for upload in made { uploads.remove(upload) }
        #expect(UploadTests.incomingFiles(fixture).isEmpty)
    }

    /// A real connection, cut after part of a part: the bytes that arrived are kept, and the
    /// upload goes on from there.
    @Test func aConnectionCutMidPartKeepsWhatArrived() async throws {
        let fixture = try ServerFixture()
        let data = Self.ply
        try await fixture.application().test(.live) { client in
            let port = try #require(client.port)
            let surveyor = try await client.signIn("surveyor")
            let location = try await open(client, surveyor, size: data.count, sha256: UploadTests.hex(data))
            let request =
                "PATCH \(location) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nCookie: \(surveyor)\r\n"
                + "Origin: http://127.0.0.1:\(port)\r\nUpload-Offset: 0\r\nContent-Length: \(data.count)\r\n\r\n"
            try Self.sendAndCut(port: port, Data(request.utf8) + data.prefix(2500))
            // The server notices the cut and keeps the 2,500 bytes.
            var held: Int?
            for _ in 0..<100 {
                held = try await offset(client, surveyor, location)
                if held == 2500 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(held == 2500)
            var response = try await send(client, surveyor, location, offset: 2500, data.dropFirst(2500))
            for _ in 0..<50 where response.status == .conflict {
                try await Task.sleep(for: .milliseconds(50))
                response = try await send(client, surveyor, location, offset: 2500, data.dropFirst(2500))
            }
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let file = try JSONDecoder().decode(ImportedFile.self, from: Data(buffer: response.body))
            #expect(file.sha256 == UploadTests.hex(data))
        }
        #expect(UploadTests.incomingFiles(fixture).isEmpty)
    }

    /// Writes `bytes` to 127.0.0.1:`port` and closes the connection without reading an answer.
    static func sendAndCut(port: Int, _ bytes: Data) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        let sent = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
        try #require(sent == bytes.count)
        // Give the server the bytes before the connection goes.
        usleep(200_000)
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var copy = self
        for field in other { copy[field.name] = field.value }
        return copy
    }
}
