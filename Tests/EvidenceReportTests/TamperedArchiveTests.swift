import EvidenceReport
import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

/// The attack of issue 13: rows edited behind the store's back (trigger dropped), then a
/// report and a signed package made from them. Neither may vouch for the forgery.
@Suite struct TamperedArchiveTests {
    /// Drops the assessment's no-update trigger and rewrites its condition and assessor, as
    /// someone with sqlite3 and write access to the file could.
    static func forgeAssessment(_ fixture: EvidenceFixture) throws {
        let queue = try DatabaseQueue(path: fixture.temporary.registryPath)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER conditionAssessment_noUpdate")
            try db.execute(sql: "UPDATE conditionAssessment SET overallCondition = 'good', assessor = 'Mallory'")
        }
        try queue.close()
    }

    @Test func aReportOnAForgedAssessmentIsRefusedNamingIt() throws {
        let fixture = try EvidenceFixture(sensitivity: .public)
        let assessment = try #require(try fixture.archive.conditionHistory(ofSite: "AM-TEST-1").first).assessment
        try Self.forgeAssessment(fixture)
        let out = fixture.files.appending(path: "report")
        let error = try #require(throws: EvidenceError.self) {
            try ReportWriter.write(site: "AM-TEST-1", from: fixture.archive, options: fixture.reportOptions, to: out)
        }
        #expect(error.description.contains("refusing"))
        #expect(error.description.contains("condition assessment \(assessment.id)"), "\(error)")
        #expect(error.description.contains("--allow-unverified"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(relativeFiles(under: fixture.files).allSatisfy { !$0.contains("report") })
    }

    @Test func aPackageOfAForgedArchiveIsRefusedAndLeavesNothing() throws {
        let fixture = try EvidenceFixture(sensitivity: .public)
        try Self.forgeAssessment(fixture)
        let key = try SigningKey.generate(at: fixture.files.appending(path: "key"), comment: "test")
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: fixture.files.path))
        let out = fixture.files.appending(path: "bag")
        let options = PackageOptions(
            report: fixture.reportOptions, organization: "Test Office", signingKey: key, zip: true)
        #expect(throws: EvidenceError.self) {
            try BagWriter.write(site: "AM-TEST-1", from: fixture.archive, options: options, to: out)
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: fixture.files.path)) == before)
    }

    @Test func aChangedBlobStopsTheReport() throws {
        let fixture = try EvidenceFixture(sensitivity: .public)
        let version = try #require(try fixture.archive.assets(ofSite: "AM-TEST-1").first?.versions.first)
        let blob = try fixture.archive.verifiedBlob(of: version)
        // Blobs are read-only files; the attacker replaces one.
        let bytes = try Data(contentsOf: blob)
        try FileManager.default.removeItem(at: blob)
        try (bytes + Data([0x20])).write(to: blob)
        let error = try #require(throws: EvidenceError.self) {
            try ReportWriter.write(
                site: "AM-TEST-1", from: fixture.archive, options: fixture.reportOptions,
                to: fixture.files.appending(path: "report"))
        }
        #expect(error.description.contains("blob \(version.sha256) has changed"), "\(error)")
    }

    @Test func allowUnverifiedSaysSoOnTheFirstScreenAndInBagInfo() throws {
        let fixture = try EvidenceFixture(sensitivity: .public)
        try Self.forgeAssessment(fixture)
        var options = fixture.reportOptions
        options.allowUnverified = true
        let report = try ReportWriter.write(
            site: "AM-TEST-1", from: fixture.archive, options: options, to: fixture.files.appending(path: "report"))
        #expect(!report.report.archiveCheck.verified)
        let html = try String(
            contentsOf: fixture.files.appending(path: "report/\(ReportWriter.htmlName)"), encoding: .utf8)
        // Before the navigation: the first thing a reader sees.
        let alarm = try #require(html.range(of: "UNVERIFIED"))
        let navigation = try #require(html.range(of: "<nav>"))
        #expect(alarm.lowerBound < navigation.lowerBound)
        #expect(html.contains("differs from what audit event"))

        let key = try SigningKey.generate(at: fixture.files.appending(path: "key"), comment: "test")
        let bag = fixture.files.appending(path: "bag")
        _ = try BagWriter.write(
            site: "AM-TEST-1", from: fixture.archive,
            options: PackageOptions(report: options, organization: "Test Office", signingKey: key), to: bag)
        let info = try String(contentsOf: bag.appending(path: "bag-info.txt"), encoding: .utf8)
        #expect(info.contains("\(BagVerifier.archiveCheckField): UNVERIFIED"))
        let verification = BagVerifier.verify(bag, trustedKey: key.publicKey)
        #expect(!verification.isValid)
        #expect(verification.problems.contains { $0.contains("failed its check") })
        // The forged assessor is in registry.json; the cross-check against its event names it.
        #expect(
            verification.problems.contains {
                $0.contains("registry.json") && $0.contains("assessor") && $0.contains("Mallory")
            }, "\(verification.problems)")
    }

    @Test func aSoundArchiveReportsItsCheck() throws {
        let fixture = try EvidenceFixture(sensitivity: .public)
        let written = try ReportWriter.write(
            site: "AM-TEST-1", from: fixture.archive, options: fixture.reportOptions,
            to: fixture.files.appending(path: "report"))
        #expect(written.report.archiveCheck.verified)
        #expect(written.report.archiveCheck.statement.contains("re-hashed"))
        let check = try fixture.archive.verify(site: "AM-TEST-1")
        #expect(check.isValid, "\(check.problems)")
        #expect(check.blobCount == 4 && check.versionCount == 3 && check.assessmentCount == 1)
    }

    /// A registry.json rewritten inside a bag, its manifests recomputed and the bag re-signed
    /// with the forger's own key: the signature checks out against the bag's key, the
    /// registry does not against the audit events it carries.
    @Test func aRewrittenRegistryIsCaughtByItsAuditEvents() throws {
        let fixture = try EvidenceFixture(sensitivity: .public)
        let key = try SigningKey.generate(at: fixture.files.appending(path: "key"), comment: "test")
        let bag = fixture.files.appending(path: "bag")
        _ = try BagWriter.write(
            site: "AM-TEST-1", from: fixture.archive,
            options: PackageOptions(report: fixture.reportOptions, organization: "Test Office", signingKey: key),
            to: bag)
        #expect(BagVerifier.verify(bag).crossCheckedRows >= 7)

        let registry = bag.appending(path: "data/registry/registry.json")
        var text = try String(contentsOf: registry, encoding: .utf8)
        let range = try #require(text.range(of: "\"overallCondition\" : \"poor\""))
        text.replaceSubrange(range, with: "\"overallCondition\" : \"good\"")
        try FileManager.default.removeItem(at: registry)
        try Data(text.utf8).write(to: registry)
        let forger = try SigningKey.generate(at: fixture.files.appending(path: "forger"), comment: "forger")
        try resign(bag, with: forger)

        let result = BagVerifier.verify(bag)
        #expect(result.signature == "valid (bag's own key)")
        #expect(
            result.problems.contains {
                $0.contains("registry.json") && $0.contains("overallCondition") && $0.contains("poor")
            }, "\(result.problems)")
    }
}

/// Recomputes a bag's manifests, Payload-Oxum and signature as a forger with their own key would.
func resign(_ bag: URL, with key: SigningKey) throws {
    var manifest = ""
    var bytes: Int64 = 0
    let payload = relativeFiles(under: bag.appending(path: "data"))
    for path in payload {
        let url = bag.appending(path: "data/" + path)
        manifest += "\(try FileHashing.sha256(of: url))  data/\(path)\n"
        bytes += Int64(try Data(contentsOf: url).count)
    }
    func replace(_ name: String, _ data: Data) throws {
        try? FileManager.default.removeItem(at: bag.appending(path: name))
        try data.write(to: bag.appending(path: name))
    }
    try replace("manifest-sha256.txt", Data(manifest.utf8))
    let info = try String(contentsOf: bag.appending(path: "bag-info.txt"), encoding: .utf8)
        .split(separator: "\n").map { line in
            line.hasPrefix("Payload-Oxum:") ? "Payload-Oxum: \(bytes).\(payload.count)" : String(line)
        }
    try replace("bag-info.txt", Data((info.joined(separator: "\n") + "\n").utf8))
    try replace(BagWriter.publicKeyName, Data(key.publicKey.line.utf8))
    var tags = ""
    for name in ["bag-info.txt", "bagit.txt", "manifest-sha256.txt", BagWriter.publicKeyName].sorted() {
        tags += "\(try FileHashing.sha256(of: bag.appending(path: name)))  \(name)\n"
    }
    try replace("tagmanifest-sha256.txt", Data(tags.utf8))
    try replace(
        BagWriter.signatureName, Data((try key.signature(for: Data(tags.utf8)).base64EncodedString() + "\n").utf8))
}
