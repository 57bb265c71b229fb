import EvidenceReport
import Foundation
import HTTPTypes
import HeritageServer
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing
import ZIPFoundation

/// Reports and signed packages as `heritage report` and `heritage package` make them.
@Suite(.serialized) struct EvidenceTests {
    static func scratchFolders() -> Set<String> {
        Set(
            ((try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)) ?? [])
                .filter { $0.hasPrefix(".heritage-evidence.partial-") })
    }

    @Test func aReportAndASignedPackageComeAsZipsAndLeaveNothingBehind() async throws {
        let fixture = try ServerFixture()
        let key = try SigningKey.generate(at: fixture.folder.appending(path: "server-key"), comment: "test server")
        var configuration = ServerConfiguration()
        configuration.signingKeyPath = fixture.folder.appending(path: "server-key").path
        let before = Self.scratchFolders()
        let received = fixture.folder.appending(path: "received")
        try FileManager.default.createDirectory(at: received, withIntermediateDirectories: true)
        try await fixture.application(configuration).test(.router) { client in
            let viewer = try await client.signIn("viewer")
            try await client.execute(uri: "/api/sites/PUB-1/report.zip", method: .get, headers: [.cookie: viewer]) {
                response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/zip")
                let zip = received.appending(path: "report.zip")
                try Data(buffer: response.body).write(to: zip)
                let archive = try Archive(url: zip, accessMode: .read)
                let names = Set(archive.map(\.path))
                #expect(
                    names.contains("report-PUB-1/report.html") && names.contains("report-PUB-1/manifest-sha256.txt"))
            }
            try await client.execute(uri: "/api/sites/RES-1/package.zip", method: .get, headers: [.cookie: viewer]) {
                response in
                #expect(response.status == .ok, "\(String(buffer: response.body).prefix(500))")
                let zip = received.appending(path: "package.zip")
                try Data(buffer: response.body).write(to: zip)
                try BagZip.withBag(at: zip) { bag in
                    let verification = BagVerifier.verify(bag, trustedKey: key.publicKey)
                    #expect(verification.problems.isEmpty, "\(verification.problems)")
                    #expect(verification.isHeritagePackage && verification.signature.contains("valid"))
                    // Without clearance the restricted site's position is in no file of it.
                    for path in relativeFiles(under: bag) {
                        let text = String(decoding: try Data(contentsOf: bag.appending(path: path)), as: UTF8.self)
                        #expect(!text.contains(ServerFixture.secretLatitude), "\(path) leaks the position")
                    }
                }
            }
        }
        try await fixture.application().test(.router) { client in
            let viewer = try await client.signIn("viewer")
            try await client.execute(uri: "/api/sites/PUB-1/package.zip", method: .get, headers: [.cookie: viewer]) {
                response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("--signing-key"))
            }
        }
        #expect(Self.scratchFolders() == before)
    }
}
