import Foundation
import HeritageTestSupport
import Testing

/// `heritage package --tsa` against a local RFC 3161 authority, and `verify --bag` checking the
/// token offline: what it proves, and that each way of breaking it is caught.
@Suite struct TimestampCLITests {
    let folder: URL
    var archive: String { folder.appending(path: "archive").path }

    init() throws {
        folder = try temporaryFolder()
    }

    func heritage(_ arguments: [String]) throws -> HeritageBinary.Result {
        try HeritageBinary.run(arguments)
    }

    @Test(arguments: ["rsa", "ec"])
    func aTimestampedPackageVerifiesOfflineAndEachTamperingIsCaught(key: String) throws {
        let authority = try LocalTimestampAuthority(key: key)
        let stranger = try LocalTimestampAuthority(key: key)
        #expect(try heritage(["demo", "--into", archive, "--register-only"]).status == 0)
        let bag = folder.appending(path: "bag")
        let packaged = try heritage([
            "package", "--archive", archive, "--site", "SY-PAL-BEL", "--unsigned", "--out", bag.path, "--tsa",
            authority.url.absoluteString, "--tsa-cert", authority.caCertificate.path,
        ])
        #expect(packaged.status == 0, "\(packaged.stderr)")
        #expect(packaged.stdout.contains("timestamped 20"), "\(packaged.stdout)")

        let checked = try heritage(["verify", "--bag", bag.path, "--tsa-cert", authority.caCertificate.path])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("timestamp: the tag manifest existed at 20"), "\(checked.stdout)")
        #expect(checked.stdout.contains("Heritage Test TSA") && checked.stdout.contains(": valid"))
        // The stated time is now, give or take the run.
        let json = try heritage(["verify", "--bag", bag.path, "--tsa-cert", authority.caCertificate.path, "--json"])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let time = try #require((result["timestamp"] as? [String: Any])?["time"] as? String)
        let stated = try #require(ISO8601DateFormatter().date(from: time.replacingOccurrences(of: ".000Z", with: "Z")))
        #expect(abs(stated.timeIntervalSinceNow) < 600, "\(time)")
        // Without a certificate to trust, it holds against the bag's own, and says so.
        let own = try heritage(["verify", "--bag", bag.path])
        #expect(own.status == 0 && own.stdout.contains("valid (the bag's own certificates)"), "\(own.stdout)")

        // openssl agrees that the stored token is a standard one over the tag manifest.
        try LocalTimestampAuthority.openssl(
            [
                "ts", "-verify", "-data", bag.appending(path: "tagmanifest-sha256.txt").path, "-in",
                bag.appending(path: "tagmanifest-sha256.txt.tsr").path, "-token_in", "-CAfile",
                authority.caCertificate.path, "-untrusted", authority.tsaCertificate.path,
            ], in: folder)

        // Another authority's CA is not trusted for this token.
        let wrong = try heritage(["verify", "--bag", bag.path, "--tsa-cert", stranger.caCertificate.path])
        #expect(wrong.status != 0 && wrong.stderr.contains("does not chain"), "\(wrong.stderr)")

        // A changed byte in the token's signature, a changed tag manifest: each is named.
        func tampered(_ name: String, _ change: (inout [UInt8]) -> Void) throws -> HeritageBinary.Result {
            let copy = folder.appending(path: "copy-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: bag, to: copy)
            let url = copy.appending(path: name)
            var bytes = [UInt8](try Data(contentsOf: url))
            change(&bytes)
            try FileManager.default.removeItem(at: url)
            try Data(bytes).write(to: url)
            return try heritage(["verify", "--bag", copy.path, "--tsa-cert", authority.caCertificate.path])
        }
        let signature = try tampered("tagmanifest-sha256.txt.tsr") { $0[$0.count - 5] ^= 0x01 }
        #expect(signature.status != 0 && signature.stderr.contains("tagmanifest-sha256.txt.tsr"), "\(signature.stderr)")
        let manifest = try tampered("tagmanifest-sha256.txt") { $0 += Array("\n".utf8) }
        #expect(manifest.status != 0 && manifest.stderr.contains("another digest"), "\(manifest.stderr)")
    }

    @Test func anUnreachableAuthorityWritesNothing() throws {
        #expect(try heritage(["demo", "--into", archive, "--register-only"]).status == 0)
        let bag = folder.appending(path: "bag")
        let run = try heritage([
            "package", "--archive", archive, "--site", "SY-PAL-BEL", "--unsigned", "--out", bag.path, "--tsa",
            "http://127.0.0.1:9/tsa",
        ])
        #expect(run.status != 0 && run.stderr.contains("no timestamp"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["archive"])
    }
}
