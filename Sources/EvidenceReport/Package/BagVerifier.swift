import Crypto
import Foundation
import HeritageStore
import X509

/// The outcome of checking a bag: each problem names the file or the audit event.
public struct BagVerification: Sendable, Codable {
    /// Every problem, the BagIt layer's first, then heritage's own files'.
    public var problems: [String] = []
    /// What checking the bag as BagIt found (whoever made it).
    public var bag = BagValidation()
    /// Whether the bag carries heritage's registry extract and audit events (a foreign bag does
    /// not, and is then checked as BagIt only).
    public var isHeritagePackage = false
    public var auditEvents = 0
    /// Events whose values were withheld: their links are checked, their hashes cannot be.
    public var withheldEvents = 0
    public var archivedFiles = 0
    public var withheldFiles = 0
    /// Rows of registry.json found equal to the values their latest packaged audit event recorded.
    public var crossCheckedRows = 0
    /// Rows whose latest event's values were withheld (restricted site): not comparable.
    public var uncheckedRows = 0
    /// The RFC 3161 timestamp over the tag manifest, when the bag holds one.
    public var timestamp: TimestampCheck?
    /// `valid`, `invalid`, `unsigned`, or `valid (bag's own key)` when no trusted key was given.
    public var signature = "unsigned"
    public var fingerprint: String?
    public var isValid: Bool { problems.isEmpty }
    public var isComplete: Bool { bag.isComplete }
}

/// Checks a bag: first as BagIt, whoever made it (``BagValidator``: every manifest and tag
/// manifest with each algorithm, completeness, Payload-Oxum, fetch.txt, no symbolic links);
/// then, when they are there, heritage's own files: the signature over the tag manifest, the
/// audit events' hashes and links, registry.json against those events, and each archived
/// file against the hash its ingestion event recorded.
public enum BagVerifier {
    /// The bag-info.txt field that says whether the archive passed its check when packaged.
    public static let archiveCheckField = "Heritage-Archive-Check"

    public static func verify(
        _ bag: URL, trustedKey: PublicSigningKey? = nil, trustedTimestampCertificates: [Certificate] = []
    ) -> BagVerification {
        let validation = BagValidator.validate(bag)
        var result = BagVerification()
        result.problems = validation.problems
        result.bag = validation
        guard validation.version != nil else { return result }

        if let info = FileManager.default.contents(atPath: bag.appending(path: "bag-info.txt").path) {
            let check = BagInfo.parse(info).first(archiveCheckField)
            if let check, check.contains("UNVERIFIED") {
                result.problems.append(
                    "bag-info.txt: the package was made from an archive that failed its check "
                        + "(\(archiveCheckField): \(check))")
            }
        }
        let signed = FileManager.default.fileExists(atPath: bag.appending(path: BagWriter.signatureName).path)
        if signed || trustedKey != nil {
            if let tagManifest = FileManager.default.contents(
                atPath: bag.appending(path: "tagmanifest-sha256.txt").path)
            {
                checkSignature(bag, tagManifest: tagManifest, trustedKey: trustedKey, &result)
            } else {
                result.problems.append("tagmanifest-sha256.txt: missing, so the signature covers nothing")
            }
        }
        checkTimestamp(bag, trusting: trustedTimestampCertificates, &result)
        result.isHeritagePackage = FileManager.default.fileExists(
            atPath: bag.appending(path: "data/registry/audit-events.json").path)
        if result.isHeritagePackage {
            if let events = checkAuditEvents(bag, &result) { checkRegistry(bag, events: events, &result) }
        }
        return result
    }

    private static func checkSignature(
        _ bag: URL, tagManifest: Data, trustedKey: PublicSigningKey?, _ result: inout BagVerification
    ) {
        let signatureURL = bag.appending(path: BagWriter.signatureName)
        guard let signatureText = FileManager.default.contents(atPath: signatureURL.path) else {
            result.signature = "unsigned"
            if trustedKey != nil {
                result.problems.append("\(BagWriter.signatureName): missing, but a key to check it with was given")
            }
            return
        }
        var key = trustedKey
        if key == nil {
            let url = bag.appending(path: BagWriter.publicKeyName)
            do {
                key = try PublicSigningKey.load(from: url)
            } catch {
                result.problems.append("\(BagWriter.publicKeyName): \(error)")
                return
            }
        }
        guard let key else { return }
        result.fingerprint = key.fingerprint
        guard
            let signature = Data(
                base64Encoded: String(decoding: signatureText, as: UTF8.self).trimmingCharacters(
                    in: .whitespacesAndNewlines))
        else {
            result.problems.append("\(BagWriter.signatureName): expected one line of base64")
            result.signature = "invalid"
            return
        }
        if key.isValid(signature, for: tagManifest) {
            result.signature = trustedKey == nil ? "valid (bag's own key)" : "valid"
        } else {
            result.signature = "invalid"
            result.problems.append(
                "\(BagWriter.signatureName): the signature over tagmanifest-sha256.txt does not verify with key \(key.fingerprint)"
            )
        }
    }

    /// Checks the events' hashes and links and the files against their ingestion events;
    /// returns the events for the registry check.
    private static func checkAuditEvents(_ bag: URL, _ result: inout BagVerification) -> [PackagedAuditEvent]? {
        let eventsName = "data/registry/audit-events.json"
        let filesName = "data/registry/files.json"
        let decoder = JSONDecoder()
        guard let eventData = FileManager.default.contents(atPath: bag.appending(path: eventsName).path) else {
            result.problems.append("\(eventsName): missing")
            return nil
        }
        let events: [PackagedAuditEvent]
        do {
            events = try decoder.decode([PackagedAuditEvent].self, from: eventData)
        } catch {
            result.problems.append("\(eventsName): not the expected JSON list of audit events (\(error))")
            return nil
        }
        result.auditEvents = events.count
        var previous: AuditEvent?
        var recordedHashes: [String: String] = [:]
        for packaged in events {
            let event = packaged.event
            if packaged.valuesWithheld {
                result.withheldEvents += 1
            } else if event.recomputedHash != event.hash {
                result.problems.append(
                    "audit event \(event.sequence) (\(event.action) \(event.entityID)): its content does not match its hash"
                )
            }
            if let previous, previous.sequence + 1 == event.sequence, event.previousHash != previous.hash {
                result.problems.append(
                    "audit event \(event.sequence): does not point at the hash of event \(previous.sequence)")
            }
            if let previous, event.sequence <= previous.sequence {
                result.problems.append("audit event \(event.sequence): out of order after \(previous.sequence)")
            }
            if event.entityType == "assetVersion", event.action.hasSuffix(".create"), let value = event.newValue,
                let object = try? JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: Any],
                let sha256 = object["sha256"] as? String
            {
                recordedHashes[event.entityID] = sha256
            }
            previous = event
        }
        // Each archived file: the hash on disk, files.json, and the ingestion event agree.
        guard let fileData = FileManager.default.contents(atPath: bag.appending(path: filesName).path),
            let files = try? decoder.decode([PackagedFile].self, from: fileData)
        else {
            result.problems.append("\(filesName): missing or not the expected JSON list")
            return events
        }
        for file in files {
            if file.relatedName == nil, let recorded = recordedHashes[file.versionID], recorded != file.sha256 {
                result.problems.append(
                    "\(file.path ?? file.versionID): files.json gives SHA-256 \(file.sha256), its ingestion event recorded \(recorded)"
                )
            }
            guard let path = file.path else {
                result.withheldFiles += 1
                continue
            }
            result.archivedFiles += 1
            let found = try? FileHashing.sha256(of: bag.appending(path: path))
            if found != file.sha256 {
                result.problems.append(
                    "\(path): " + (found.map { "SHA-256 is \($0), the archive recorded \(file.sha256)" } ?? "missing"))
            }
        }
        return events
    }
}
