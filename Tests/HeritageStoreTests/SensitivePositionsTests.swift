import Foundation
import HeritageTestSupport
import Testing

@testable import HeritageStore

@Suite struct SensitivePositionsTests {
    func positions() -> SensitivePositions {
        var positions = SensitivePositions()
        positions.addDegrees(40.1792837)
        positions.addDegrees(44.5126129)
        positions.addProjected(445_123.25)
        positions.addProjected(12.5)  // too small to be a projected position: ignored
        return positions
    }

    @Test(arguments: [
        ("IMG_40.1792837_44.5126129.jpg", "IMG_[withheld]_[withheld].jpg"),
        ("near 40.1793, 44.5126 (rounded)", "near [withheld], [withheld] (rounded)"),
        ("origin 445123.250 m, sigma 12.5", "origin [withheld] m, sigma 12.5"),
        ("cell 40.15 44.55 and count 40", "cell 40.15 44.55 and count 40"),
        ("no position here", "no position here"),
        // The seconds of a time of day are not a position, though "40.179" is latitude 40.1792837
        // to three decimals: a report's timestamps were refused by chance (CI, 2026-12-04).
        ("recorded 2026-12-04T06:20:40.179Z", "recorded 2026-12-04T06:20:40.179Z"),
        ("at 40.179, recorded 06:20:44.513Z", "at [withheld], recorded 06:20:44.513Z"),
        ("2:40.179 and 20:40.179", "2:[withheld] and 20:[withheld]"),
    ])
    func numbersThatArePositionsAreWithheld(text: String, expected: String) {
        #expect(positions().search.redact(text) == expected)
        #expect(positions().search.reveals(text) == (text != expected))
    }

    /// A position written as a binary double (a PLY or LAS header) is found too.
    @Test func binaryDoublesAreFound() {
        var bytes: [UInt8] = Array("header ".utf8)
        withUnsafeBytes(of: (445_123.25).bitPattern.littleEndian) { bytes += $0 }
        #expect(positions().search.matcher.firstRange(in: bytes) == 7..<15)
        #expect(positions().search.matcher.firstRange(in: Array("header 445123".utf8)) == nil)
    }
}
