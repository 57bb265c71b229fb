import Foundation
import HeritageTestSupport
import Testing

@testable import EvidenceReport

@Suite struct TimestampTokenTests {
    /// The nonce is a DER INTEGER in its shortest positive form, whatever its random bytes
    /// (a leading zero byte made OpenSSL reject one request in two: "illegal padding").
    @Test(arguments: [[0x00, 0x01, 0x02], [0x80, 0x01], [0x7F, 0xFF], [0x00, 0x00, 0x80], [0x00]])
    func nonceIsMinimalDER(nonce: [UInt8]) throws {
        let request = try TimestampToken.request(sha256: [UInt8](repeating: 7, count: 32), nonce: nonce)
        // The nonce is the INTEGER after the message imprint: find its tag, length and content.
        let imprintEnd = request.firstRange(of: [0x04, 0x20] + [UInt8](repeating: 7, count: 32))?.upperBound
        let start = try #require(imprintEnd)
        #expect(request[start] == 0x02)
        let length = Int(request[start + 1])
        let content = Array(request[(start + 2)..<(start + 2 + length)])
        if content.count > 1 {
            #expect(!(content[0] == 0 && content[1] & 0x80 == 0), "non-minimal \(content)")
        }
        #expect(content[0] & 0x80 == 0, "negative \(content)")
        var expected = Array(nonce.drop { $0 == 0 })
        if expected.isEmpty { expected = [0] }
        if expected[0] & 0x80 != 0 { expected.insert(0, at: 0) }
        #expect(content == expected)
    }

    /// Bytes that are not a token are refused with a reason, never a crash.
    @Test func garbageIsRefused() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 5, 40, 300] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: TimestampError.self) { try TimestampToken(der: bytes) }
            #expect(throws: TimestampError.self) { try TimestampToken.fromResponse(bytes) }
        }
        // A well-formed SEQUENCE of the wrong shape.
        #expect(throws: TimestampError.self) { try TimestampToken(der: [0x30, 0x03, 0x02, 0x01, 0x00]) }
    }
}

@Suite struct HTTPPostTests {
    let url = URL(filePath: "/tsa")

    @Test func bodiesFramedEachWayAreRead() throws {
        let plain = Array("HTTP/1.0 200 OK\r\nContent-Type: application/timestamp-reply\r\n\r\nabc".utf8)
        #expect(try HTTPPost.parse(plain, url: url).body == Array("abc".utf8))
        let sized = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabc".utf8)
        #expect(try HTTPPost.parse(sized, url: url).body == Array("ab".utf8))
        let chunked = Array(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n".utf8)
        #expect(try HTTPPost.parse(chunked, url: url).body == Array("abcde".utf8))
        #expect(try HTTPPost.parse(Array("HTTP/1.1 503 Busy\r\n\r\n".utf8), url: url).status == 503)
    }

    @Test func brokenAnswersAreRefused() throws {
        for text in [
            "", "garbage", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ] {
            #expect(throws: TimestampError.self) { try HTTPPost.parse(Array(text.utf8), url: url) }
        }
        let secure = try #require(URL(string: "https://example.org/tsa"))
        #expect(throws: TimestampError.self) {
            try HTTPPost.send([], to: secure, contentType: "x", accept: "y", timeout: 1)
        }
    }
}

/// Mutated and truncated copies of a real authority's answer, and of real manifests and
/// bag-info files: every one is read or refused, none crashes (a seeded, repeatable sweep
/// that runs with the tests; it is not coverage-guided).
@Suite struct EvidenceParserMutationTests {
    static func mutations(of base: [UInt8], count: Int, seed: UInt64) -> [[UInt8]] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var bytes = base
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            case 1: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
            case 2:
                let at = Int.random(in: 0...bytes.count, using: &random)
                bytes.insert(
                    contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in
                        UInt8.random(in: 0...255, using: &random)
                    }, at: at)
            default:
                // A length byte set high: the classic way to make a DER reader overrun.
                if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &random)] = 0x84 }
            }
            return bytes
        }
    }

    @Test func timestampAnswersNeverCrashTheReader() throws {
        let authority: LocalTimestampAuthority
        do {
            authority = try LocalTimestampAuthority()
        } catch {
            print("skipped: \(error)")
            return
        }
        let query = authority.folder.appending(path: "q.tsq")
        try LocalTimestampAuthority.openssl(
            ["ts", "-query", "-data", "ts.cnf", "-sha256", "-cert", "-out", query.path], in: authority.folder)
        try LocalTimestampAuthority.openssl(
            ["ts", "-reply", "-config", "ts.cnf", "-queryfile", query.path, "-out", "r.tsr"], in: authority.folder)
        let answer = [UInt8](try Data(contentsOf: authority.folder.appending(path: "r.tsr")))
        let token = try TimestampToken.fromResponse(answer)
        #expect(token.certificates.count >= 1)
        var parsed = 0
        for bytes in Self.mutations(of: answer, count: 3_000, seed: 1) {
            if let read = try? TimestampToken.fromResponse(bytes) {
                parsed += 1
                _ = read.verify(digest: read.imprint, trusting: read.certificates)
            }
        }
        for bytes in Self.mutations(of: token.der, count: 3_000, seed: 2) {
            if let read = try? TimestampToken(der: bytes) {
                _ = read.verify(digest: read.imprint, trusting: read.certificates)
            }
        }
        #expect(parsed > 0, "some mutations (in unsigned fields) still parse")
    }

    @Test func manifestsAndTagFilesNeverCrashTheReaders() {
        let manifest = Array(
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  data/a%0Ab.txt\n# c\n\n*d41d8cd98f00b204e9800998ecf8427e ./data/x\n"
                .utf8)
        let info = Array("Source-Organization: A\n  folded\nPayload-Oxum: 6.1\nBad line\n".utf8)
        let declaration = Array("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8)
        for bytes in Self.mutations(of: manifest, count: 2_000, seed: 3) {
            var problems: [String] = []
            let text = String(decoding: bytes, as: UTF8.self)
            for algorithm in BagAlgorithm.allCases {
                _ = BagManifest.parse(text, name: "m", algorithm: algorithm, version: (1, 0), problems: &problems)
            }
        }
        for bytes in Self.mutations(of: info, count: 2_000, seed: 4) {
            let parsed = BagInfo.parse(Data(bytes))
            _ = parsed.first("Payload-Oxum").flatMap(PayloadOxum.init)
        }
        for bytes in Self.mutations(of: declaration, count: 2_000, seed: 5) {
            _ = BagDeclaration.parse(Data(bytes))
        }
        for bytes in Self.mutations(
            of: Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".utf8), count: 2_000,
            seed: 6)
        {
            _ = try? HTTPPost.parse(bytes, url: URL(filePath: "/tsa"))
        }
    }
}

@Suite struct BagZipMutationTests {
    /// Damaged zips of a small bag are refused or unpacked within limits, never a crash.
    @Test func damagedZipsNeverCrashTheExtractor() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bag = folder.appending(path: "bag")
        try FileManager.default.createDirectory(at: bag.appending(path: "data"), withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: bag.appending(path: "data/hello.txt"))
        try Data("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8).write(
            to: bag.appending(path: "bagit.txt"))
        try Data("Payload-Oxum: 6.1\n".utf8).write(to: bag.appending(path: "bag-info.txt"))
        let zip = folder.appending(path: "bag.zip")
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.currentDirectoryURL = folder
        process.arguments = ["python3", "-m", "zipfile", "-c", zip.path, "bag"]
        try process.run()
        process.waitUntilExit()
        let base = [UInt8](try Data(contentsOf: zip))
        let valid = folder.appending(path: "valid")
        try FileManager.default.createDirectory(at: valid, withIntermediateDirectories: true)
        #expect(try BagZip.extract(zip, into: valid).lastPathComponent == "bag")
        for (index, bytes) in EvidenceParserMutationTests.mutations(of: base, count: 300, seed: 7).enumerated() {
            let damaged = folder.appending(path: "damaged-\(index).zip")
            try Data(bytes).write(to: damaged)
            let into = folder.appending(path: "out-\(index)")
            try FileManager.default.createDirectory(at: into, withIntermediateDirectories: true)
            _ = try? BagZip.extract(damaged, into: into)
            // Nothing lands outside the folder it was given.
            #expect(
                Set(try FileManager.default.contentsOfDirectory(atPath: folder.path)).isSubset(
                    of: Set(["bag", "bag.zip", "valid"] + (0...index).flatMap { ["damaged-\($0).zip", "out-\($0)"] })))
        }
    }
}
