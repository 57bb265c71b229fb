import Foundation
import HeritageStore

extension BagVerifier {
    /// Each row of `data/registry/registry.json` must equal what the newest audit event about it
    /// in the bag recorded: registry.json is what a reader will quote, the events are what the
    /// hash chain vouches for. Rows whose event values were withheld (a restricted site packaged
    /// without its position) are counted, not compared.
    static func checkRegistry(_ bag: URL, events: [PackagedAuditEvent], _ result: inout BagVerification) {
        let name = "data/registry/registry.json"
        guard let data = FileManager.default.contents(atPath: bag.appending(path: name).path) else {
            result.problems.append("\(name): missing")
            return
        }
        let extract: RegistryExtract
        do {
            extract = try JSONDecoder().decode(RegistryExtract.self, from: data)
        } catch {
            result.problems.append("\(name): not the expected registry extract (\(error))")
            return
        }
        var latest: [String: PackagedAuditEvent] = [:]
        for packaged in events { latest[packaged.event.entityType + " " + packaged.event.entityID] = packaged }

        func check<T: Codable & Equatable>(_ row: T, type: String, id: String, noun: String) {
            guard let packaged = latest[type + " " + id] else {
                result.problems.append("\(name): \(noun) has no audit event in the package")
                return
            }
            if packaged.valuesWithheld {
                result.uncheckedRows += 1
                return
            }
            let event = packaged.event
            guard let json = event.newValue, let recorded = try? JSONDecoder().decode(T.self, from: Data(json.utf8))
            else {
                result.problems.append(
                    "\(name): \(noun): audit event \(event.sequence) (\(event.action)) holds no readable value")
                return
            }
            if recorded != row {
                result.problems.append(
                    "\(name): \(noun) differs from what audit event \(event.sequence) (\(event.action), by "
                        + "\(event.actor)) recorded: \(differences(recorded, row).joined(separator: ", "))")
            } else {
                result.crossCheckedRows += 1
            }
        }
        check(extract.site, type: "site", id: extract.site.id, noun: "site \(extract.site.code)")
        for survey in extract.surveys { check(survey, type: "survey", id: survey.id, noun: "survey \(survey.id)") }
        for assessment in extract.assessments {
            check(
                assessment, type: "conditionAssessment", id: assessment.id,
                noun: "condition assessment \(assessment.id)")
        }
        for asset in extract.assets { check(asset, type: "asset", id: asset.id, noun: "asset \(asset.id)") }
        for version in extract.versions {
            check(version, type: "assetVersion", id: version.id, noun: "asset version \(version.id)")
        }
        for finding in extract.findings {
            check(finding, type: "finding", id: finding.id, noun: "finding \(finding.id)")
        }
    }

    /// The top-level fields in which two values' JSON differ, as "field: recorded → found".
    private static func differences<T: Encodable>(_ recorded: T, _ found: T) -> [String] {
        func fields(_ value: T) -> [String: String] {
            guard let data = try? JSONEncoder().encode(value),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return [:] }
            var result: [String: String] = [:]
            for (key, value) in object {
                let text =
                    (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
                result[key] = text
            }
            return result
        }
        let (a, b) = (fields(recorded), fields(found))
        let keys = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
        return keys.isEmpty ? ["their encodings"] : keys.map { "\($0): \(a[$0] ?? "none") → \(b[$0] ?? "none")" }
    }
}
