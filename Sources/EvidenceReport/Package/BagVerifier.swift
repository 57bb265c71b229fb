import Crypto
import Foundation
import HeritageStore

/// The outcome of checking a bag: each problem names the file or the audit event.
public struct BagVerification: Sendable, Codable {
    public var problems: [String] = []
    public var payloadFiles = 0
    public var payloadBytes: Int64 = 0
    public var auditEvents = 0
    /// Events whose values were withheld: their links are checked, their hashes cannot be.
    public var withheldEvents = 0
    public var archivedFiles = 0
    public var withheldFiles = 0
    /// Rows of registry.json found equal to the values their latest packaged audit event recorded.
    public var crossCheckedRows = 0
    /// Rows whose latest event's values were withheld (restricted site): not comparable.
    public var uncheckedRows = 0
    /// `valid`, `invalid`, `unsigned`, or `valid (bag's own key)` when no trusted key was given.
    public var signature = "unsigned"
    public var fingerprint: String?
    public var isValid: Bool { problems.isEmpty }
}

/// Checks a bag made by ``BagWriter``: BagIt completeness and every hash, the signature over
/// the tag manifest, the audit events' hashes and links, and that each archived file has the
/// hash its ingestion event recorded.
public enum BagVerifier {
    /// The bag-info.txt field that says whether the archive passed its check when packaged.
    public static let archiveCheckField = "Heritage-Archive-Check"

    public static func verify(_ bag: URL, trustedKey: PublicSigningKey? = nil) -> BagVerification {
        var result = BagVerification()
        func read(_ name: String) -> Data? {
            guard let data = FileManager.default.contents(atPath: bag.appending(path: name).path) else {
                result.problems.append("\(name): missing or unreadable")
                return nil
            }
            return data
        }
        guard let declaration = read("bagit.txt") else { return result }
        if !String(decoding: declaration, as: UTF8.self).hasPrefix("BagIt-Version: ") {
            result.problems.append("bagit.txt, line 1: expected 'BagIt-Version: 1.0'")
        }

        // Payload: every listed file matches, and every file under data/ is listed.
        if let manifest = read("manifest-sha256.txt") {
            let entries = parseManifest(manifest, name: "manifest-sha256.txt", problems: &result.problems)
            let listed = Set(entries.map(\.path))
            for path in EvidenceFiles.files(under: bag.appending(path: "data")).map({ "data/" + $0 })
            where !listed.contains(path) {
                result.problems.append("\(path): in the payload but not in manifest-sha256.txt")
            }
            let checks =
                entries.parallelMap(minimumChunk: 1) { entry -> (String?, Int64) in
                    let url = bag.appending(path: entry.path)
                    guard let found = try? FileHashing.sha256(of: url) else {
                        return ("\(entry.path): listed in manifest-sha256.txt but missing", 0)
                    }
                    let size = (try? EvidenceFiles.size(of: url)) ?? 0
                    return (
                        found == entry.sha256
                            ? nil : "\(entry.path): SHA-256 is \(found), the manifest says \(entry.sha256)", size
                    )
                }
            result.problems += checks.compactMap(\.0)
            result.payloadFiles = entries.count
            result.payloadBytes = checks.reduce(0) { $0 + $1.1 }
            if let info = read("bag-info.txt") {
                let oxum = String(decoding: info, as: UTF8.self).split(separator: "\n")
                    .first { $0.hasPrefix("Payload-Oxum:") }?.dropFirst("Payload-Oxum:".count)
                    .trimmingCharacters(in: .whitespaces)
                if oxum != "\(result.payloadBytes).\(result.payloadFiles)" {
                    result.problems.append(
                        "bag-info.txt: Payload-Oxum is \(oxum ?? "missing"), the payload is \(result.payloadBytes).\(result.payloadFiles)"
                    )
                }
                let check = String(decoding: info, as: UTF8.self).split(separator: "\n")
                    .first { $0.hasPrefix(archiveCheckField + ":") }
                if let check, check.contains("UNVERIFIED") {
                    result.problems.append(
                        "bag-info.txt: the package was made from an archive that failed its check (\(check))")
                }
            }
        }

        // Tag files, then the signature over the tag manifest.
        if let tagManifest = read("tagmanifest-sha256.txt") {
            for entry in parseManifest(tagManifest, name: "tagmanifest-sha256.txt", problems: &result.problems) {
                let found = try? FileHashing.sha256(of: bag.appending(path: entry.path))
                if found != entry.sha256 {
                    result.problems.append(
                        "\(entry.path): "
                            + (found.map { "SHA-256 is \($0), tagmanifest-sha256.txt says \(entry.sha256)" }
                                ?? "missing"))
                }
            }
            checkSignature(bag, tagManifest: tagManifest, trustedKey: trustedKey, &result)
        }

        if let events = checkAuditEvents(bag, &result) { checkRegistry(bag, events: events, &result) }
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

    private static func parseManifest(
        _ data: Data, name: String, problems: inout [String]
    ) -> [(sha256: String, path: String)] {
        var entries: [(String, String)] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64 else {
                problems.append("\(name), line \(index + 1): expected '<sha256> <path>'")
                continue
            }
            let path = BagText.decodePath(parts[1].trimmingCharacters(in: .whitespaces))
            if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                problems.append("\(name), line \(index + 1): path \(path) leaves the bag")
                continue
            }
            entries.append((String(parts[0]).lowercased(), path))
        }
        return entries
    }
}
