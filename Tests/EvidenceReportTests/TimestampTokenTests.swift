import Foundation
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
