import Crypto
import EvidenceReport
import Foundation
import HeritageStore
import HeritageTestSupport
import Testing

@Suite struct ReportTests {
    @Test func manifestListsEveryFileWithItsHash() throws {
        let fixture = try EvidenceFixture(sensitivity: .public)
        let out = fixture.files.appending(path: "report")
        let written = try ReportWriter.write(
            site: "AM-TEST-1", from: fixture.archive, options: fixture.reportOptions, to: out)

        let manifest = try String(contentsOf: out.appending(path: ReportWriter.manifestName), encoding: .utf8)
        var listed: [String: String] = [:]
        for line in manifest.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            listed[parts[1].trimmingCharacters(in: .whitespaces)] = String(parts[0])
        }
        let onDisk = relativeFiles(under: out).filter { $0 != ReportWriter.manifestName }
        #expect(Set(listed.keys) == Set(onDisk))
        for path in onDisk {
            let bytes = try Data(contentsOf: out.appending(path: path))
            #expect(listed[path] == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(), "\(path)")
        }
        // The photograph's thumbnail travels with the report, and the JSON lists it.
        #expect(
            written.report.manifest.map(\.path) == [
                "images/" + (onDisk.first { $0.hasPrefix("images/") }?.dropFirst(7) ?? "")
            ])

        let report = written.report
        #expect(report.site.designations.map(\.type) == ["world-heritage", "hague-enhanced"])
        #expect(report.site.designations[1].legalMeaning.contains("art. 15"))
        #expect(report.timeline.count == 1)
        let versions = report.surveys.flatMap { $0.assets.flatMap(\.versions) }
        #expect(versions.count == 3)
        let photo = try #require(versions.first { $0.format == "jpeg" })
        #expect(photo.gpsCheck?.consistent == true)
        #expect((photo.gpsCheck?.distanceKm ?? 99) < 0.1)
        // The chain of custody covers the site, survey, assets, versions and the assessment.
        let actions = Set(report.custody.events.map(\.action))
        #expect(actions.isSuperset(of: ["site.create", "survey.create", "condition.create"]))
        #expect(report.custody.events.count >= 7)
        #expect(report.custody.verified)

        let html = try String(contentsOf: out.appending(path: ReportWriter.htmlName), encoding: .utf8)
        #expect(html.contains("Hague Second Protocol enhanced protection"))
        #expect(html.contains(photo.sha256))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") && !html.contains("src=\"https"))

        // Nothing is overwritten.
        #expect(throws: EvidenceError.self) {
            try ReportWriter.write(site: "AM-TEST-1", from: fixture.archive, options: fixture.reportOptions, to: out)
        }
    }

    @Test func periodLimitsWhatTheReportCovers() throws {
        let fixture = try EvidenceFixture(sensitivity: .public)
        var options = fixture.reportOptions
        options.from = "2027"
        let written = try ReportWriter.write(
            site: "AM-TEST-1", from: fixture.archive, options: options, to: fixture.files.appending(path: "later"))
        #expect(written.report.timeline.isEmpty)
        #expect(written.report.surveys.isEmpty)
        #expect(written.report.custody.events.map(\.action) == ["site.create"])
    }
}

@Suite struct RestrictedLocationTests {
    static var exactTexts: [String] {
        [EvidenceFixture.latitude, EvidenceFixture.longitude].flatMap { value in
            ["\(value)", String(format: "%.4f", value), String(format: "%.5f", value)]
        } + ["40.1795837", "44.5124129", "40.1796", "44.5124"]
    }

    static func leaks(in folder: URL) throws -> [String] {
        var found: [String] = []
        for path in relativeFiles(under: folder) {
            let text = String(decoding: try Data(contentsOf: folder.appending(path: path)), as: UTF8.self)
            for exact in exactTexts where text.contains(exact) { found.append("\(path): \(exact)") }
        }
        return found
    }

    @Test func restrictedCoordinatesNeverLeaveWithoutTheFlag() throws {
        let fixture = try EvidenceFixture(sensitivity: .restricted)
        let key = try SigningKey.generate(at: fixture.files.appending(path: "key"), comment: "test")
        let report = fixture.files.appending(path: "report")
        let written = try ReportWriter.write(
            site: "AM-TEST-1", from: fixture.archive, options: fixture.reportOptions, to: report)
        #expect(written.report.locationGeneralised)
        #expect(written.report.site.boundary == nil)
        #expect(try Self.leaks(in: report) == [])

        let bag = fixture.files.appending(path: "bag")
        let package = try BagWriter.write(
            site: "AM-TEST-1", from: fixture.archive,
            options: PackageOptions(report: fixture.reportOptions, organization: "test", signingKey: key), to: bag)
        #expect(try Self.leaks(in: bag) == [])
        // The photograph (EXIF GPS) is withheld, listed with its hash; the scans travel.
        #expect(package.withheldFiles == 1)
        let verification = BagVerifier.verify(bag, trustedKey: key.publicKey)
        #expect(verification.isValid, "\(verification.problems)")
        #expect(verification.withheldFiles == 1)
        #expect(verification.withheldEvents > 0)

        // Asked for explicitly, the exact position is released.
        var options = fixture.reportOptions
        options.includeRestricted = true
        let full = fixture.files.appending(path: "full")
        _ = try ReportWriter.write(site: "AM-TEST-1", from: fixture.archive, options: options, to: full)
        #expect(try !Self.leaks(in: full).isEmpty)
    }
}

@Suite struct PackageTests {
    let fixture: EvidenceFixture
    let key: SigningKey
    let bag: URL

    init() throws {
        fixture = try EvidenceFixture(sensitivity: .public)
        key = try SigningKey.generate(at: fixture.files.appending(path: "signing-key"), comment: "test key")
        bag = fixture.files.appending(path: "bag")
        _ = try BagWriter.write(
            site: "AM-TEST-1", from: fixture.archive,
            options: PackageOptions(report: fixture.reportOptions, organization: "Test Office", signingKey: key),
            to: bag)
    }

    @Test func packageIsACompleteSignedBag() throws {
        let result = BagVerifier.verify(bag, trustedKey: key.publicKey)
        #expect(result.isValid, "\(result.problems)")
        #expect(result.signature == "valid")
        #expect(result.archivedFiles == 4)  // two scan versions, the photo and its thumbnail
        #expect(result.auditEvents >= 7)
        let info = try String(contentsOf: bag.appending(path: "bag-info.txt"), encoding: .utf8)
        for field in [
            "Source-Organization: Test Office", "External-Identifier: heritage:site:AM-TEST-1", "Bagging-Date: ",
            "Payload-Oxum: ", "Bag-Count: 1 of 1",
        ] {
            #expect(info.contains(field), "\(field)")
        }
        let files = relativeFiles(under: bag)
        #expect(files.contains { $0.hasPrefix("data/files/khachkar-scan-") && $0.hasSuffix("v2-khachkar-2.xyz") })
        #expect(files.contains("data/report/report.html"))
        #expect(files.contains("data/registry/registry.json"))
        #expect(files.contains { $0.hasPrefix("data/premis/") })

        // Another key does not verify it.
        let stranger = try SigningKey.generate(at: fixture.files.appending(path: "other"), comment: "other")
        let wrongKey = BagVerifier.verify(bag, trustedKey: stranger.publicKey)
        #expect(wrongKey.signature == "invalid")
        #expect(!wrongKey.isValid)
    }

    @Test func bagitPythonValidatesIt() throws {
        // .ci/run installs it into a venv and names it in $BAGIT_PY.
        let candidates =
            [ProcessInfo.processInfo.environment["BAGIT_PY"]].compactMap { $0 }
            + ["/usr/local/bin/bagit.py", "/usr/bin/bagit.py", "/tmp/bagit-venv/bin/bagit.py"]
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("skipped: bagit.py (pip install bagit) is not installed")
            return
        }
        let process = Process()
        process.executableURL = URL(filePath: tool)
        process.arguments = ["--validate", bag.path]
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("is valid"))
    }

    @Test func anyChangedByteIsNamed() throws {
        let files = relativeFiles(under: bag)
        let payload = try #require(files.first { $0.hasSuffix("v1-khachkar.xyz") })
        let cases: [(file: String, offset: Int, expected: String)] = [
            (payload, 0, payload),
            ("data/report/report.html", 100, "data/report/report.html"),
            ("tagmanifest-sha256.txt", 3, "signature"),
            (BagWriter.signatureName, 5, BagWriter.signatureName),
            ("bag-info.txt", 30, "bag-info.txt"),
            ("manifest-sha256.txt", 2, "manifest-sha256.txt"),
        ]
        for item in cases {
            let copy = fixture.files.appending(path: "copy-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: bag, to: copy)
            try flipByte(in: copy.appending(path: item.file), at: item.offset)
            let result = BagVerifier.verify(copy, trustedKey: key.publicKey)
            #expect(!result.isValid, "flipping \(item.file) went unnoticed")
            #expect(result.problems.contains { $0.contains(item.expected) }, "\(item.file): \(result.problems)")
        }
    }

    @Test func anAlteredAuditEventIsNamedEvenWithAConsistentManifest() throws {
        let events = bag.appending(path: "data/registry/audit-events.json")
        var text = try String(contentsOf: events, encoding: .utf8)
        // Change who recorded the assessment: one byte in one event.
        let range = try #require(text.range(of: "\"actor\" : \"assessor\""))
        text.replaceSubrange(range, with: "\"actor\" : \"assessoR\"")
        try Data(text.utf8).write(to: events)
        let result = BagVerifier.verify(bag, trustedKey: key.publicKey)
        #expect(result.problems.contains { $0.contains("audit event") && $0.contains("condition.create") })
        #expect(result.problems.contains { $0.contains("data/registry/audit-events.json") })
    }

    @Test func addedPayloadFileIsNamed() throws {
        try Data("extra".utf8).write(to: bag.appending(path: "data/extra.txt"))
        let result = BagVerifier.verify(bag, trustedKey: key.publicKey)
        #expect(result.problems.contains { $0.hasPrefix("data/extra.txt") })
    }
}

@Suite struct RepairTests {
    @Test func repairRemovesOnlyOrphans() throws {
        let fixture = try EvidenceFixture(sensitivity: .public)
        let objects = fixture.temporary.folder.appending(path: "objects")
        let orphanFolder = objects.appending(path: "sha256/ab")
        try FileManager.default.createDirectory(at: orphanFolder, withIntermediateDirectories: true)
        let orphan = orphanFolder.appending(path: String(repeating: "c", count: 62))
        try Data("orphan".utf8).write(to: orphan)
        #expect(try fixture.archive.verify().orphans.count == 1)

        // A fresh orphan may belong to an import about to commit: kept.
        let early = try fixture.archive.removeOrphans(actor: "tester")
        #expect(early.removed.isEmpty && early.keptAsRecent.count == 1)

        let repaired = try fixture.archive.removeOrphans(actor: "tester", minimumAge: 0)
        #expect(repaired.removed == ["sha256/ab/" + String(repeating: "c", count: 62)])
        #expect(!FileManager.default.fileExists(atPath: orphan.path))
        let after = try fixture.archive.verify()
        #expect(after.isValid, "\(after.problems)")
        #expect(after.orphans.isEmpty)
        #expect(after.blobCount == 4)
        #expect(try fixture.archive.auditEvents().last?.action == "archive.repair")
    }
}
