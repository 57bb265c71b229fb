import Foundation
import Testing

@testable import HeritageStore

/// The audit events of imported sites are written by `SiteJSON`, not Foundation's encoder; their
/// hashes and verify depend on both giving the same bytes.
struct SiteJSONTests {
    @Test func theSameBytesAsTheEncoderOnEveryShapeOfSite() throws {
        var random = SystemRandomNumberGenerator()
        let pieces = [
            "Temple", "de Bel", "معبد بل", "Ջվարի", "Стари мост", "a\"quote", "back\\slash", "a/b", "ǅ", "😀",
            "\u{7F}", "\u{2028}", "\u{FEFF}", " ", "",
        ]
        // Control characters, which the encoder alone escapes, in one site of fifty.
        let controls = ["tab\there", "line\nbreak", "\u{1}"]
        var withControls = false
        func text() -> String {
            (0..<Int.random(in: 1...3, using: &random)).map { _ in
                (withControls && Int.random(in: 0..<4, using: &random) == 0 ? controls : pieces)
                    .randomElement(using: &random)!
            }.joined()
        }
        func maybe(_ value: @autoclosure () -> String) -> String? { Bool.random(using: &random) ? value() : nil }
        let numbers: [Double] = [0, -0.0, 1, 35, -70.6, 1e-5, 0.1, 7_900, 1e16, 1e21, 44.38081300588199, -180, 90]
        var plain = 0
        for _ in 0..<5_000 {
            withControls = Int.random(in: 0..<50, using: &random) == 0
            let latitude = Bool.random(using: &random) ? Double.random(in: -90...90, using: &random) : 1e-7
            let longitude = numbers.filter { abs($0) <= 180 }.randomElement(using: &random)!
            let site = Site(
                id: RecordID.make(), code: "X-\(Int.random(in: 0..<1000, using: &random))",
                names: (0..<Int.random(in: 1...3, using: &random)).map {
                    SiteName(
                        language: ["en", "ar", "und"].randomElement(using: &random)!, name: text(), isPrimary: $0 == 0)
                },
                kind: SiteKind.allCases.randomElement(using: &random)!, community: maybe(text()),
                period: maybe(text()), description: maybe(text()),
                location: SiteLocation(
                    latitude: latitude, longitude: longitude,
                    precisionMetres: Bool.random(using: &random)
                        ? numbers.randomElement(using: &random)!.magnitude : nil,
                    certainty: Certainty.allCases.randomElement(using: &random)!),
                boundary: maybe(#"{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6],[1,2]]]}"#),
                country: maybe("SY"), adminArea: maybe(text()),
                sensitivity: Sensitivity.allCases.randomElement(using: &random)!,
                designations: (0..<Int.random(in: 0...2, using: &random)).map { _ in
                    Designation(
                        type: DesignationType.allCases.randomElement(using: &random)!, reference: maybe(text()),
                        date: maybe("1980"))
                },
                externalIDs: (0..<Int.random(in: 0...2, using: &random)).map { _ in
                    ExternalID(scheme: ExternalIDScheme.allCases.randomElement(using: &random)!, value: text())
                },
                sources: (0..<Int.random(in: 0...2, using: &random)).map { _ in text() })
            let fast = try SiteJSON.encode(site)
            #expect(fast == (try JSONText.encode(site)), "\(site)")
            if SiteJSON.isPlain(site) { plain += 1 }
        }
        #expect(plain > 4_000 && plain < 5_000, "\(plain) of 5,000 sites took the fast path")
        // A number the encoder refuses is refused, as before.
        var broken = Site(
            code: "NAN", names: [SiteName(language: "en", name: "x", isPrimary: true)], kind: .church,
            location: SiteLocation(latitude: 1, longitude: 2, precisionMetres: .nan))
        #expect(throws: (any Error).self) { try SiteJSON.encode(broken) }
        broken.location.precisionMetres = 3
        #expect(try SiteJSON.encode(broken).contains(#""precisionMetres":3}"#))
    }
}
