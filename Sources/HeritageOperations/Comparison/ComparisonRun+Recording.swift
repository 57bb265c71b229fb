import Foundation
import HeritageStore
import SurveyDiff

extension ComparisonRun {
    /// Stores the outputs as derived asset versions of the site (each citing both compared
    /// versions, the method and every parameter) and records the finding, in one transaction.
    /// `files` are the output files (name, what it is, format) in `folder`, summary first.
    func record(
        _ summary: ComparisonSummary, files: [(name: String, title: String, format: String)], folder: URL,
        in recording: Recording
    ) throws -> Finding {
        guard let beforeID = summary.inputs[0].assetVersion, let afterID = summary.inputs[1].assetVersion else {
            throw HeritageStoreError(.invalidInput, "a comparison recorded on a site compares asset versions (ASSET@N)")
        }
        var parameters = summary.parameters.textValues
        parameters["method"] = summary.method
        parameters["software"] = HeritageRelease.software
        let transform = summary.registration.map { $0.transform.flatMap { $0 } }
        let derivation = Derivation(
            sourceVersionIDs: [beforeID, afterID], process: "diff \(summary.method)", parameters: parameters,
            transform: transform)
        let label = "\(summary.inputs[1].name) vs \(summary.inputs[0].name)"
        let summaryJSON = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        let requests = files.filter { FileManager.default.fileExists(atPath: folder.appending(path: $0.name).path) }
            .map { file in
                AssetImportRequest(
                    file: folder.appending(path: file.name), site: recording.site,
                    title: "\(summary.method) \(file.title), \(label)",
                    kind: .derived,
                    format: file.format, summaryJSON: file.format == "json" ? summaryJSON : "{}",
                    derivation: derivation, importerVersion: HeritageRelease.software)
            }
        let losses = summary.regions.filter { $0.kind == .loss }
        let gains = summary.regions.filter { $0.kind == .gain }
        guard let method = FindingMethod(rawValue: summary.method) else {
            throw HeritageStoreError(.invalidInput, "a comparison by the unknown method '\(summary.method)'")
        }
        let isPhoto = summary.photo != nil
        let finding = Finding(
            siteID: recording.site, method: method, beforeVersionID: beforeID, afterVersionID: afterID,
            resultVersionIDs: [], measuredCount: summary.coreCount - summary.noDataCount,
            significantCount: summary.significantCount, noDataCount: summary.noDataCount,
            regionCount: summary.regions.count, lossVolume: losses.reduce(0) { $0 + $1.volume },
            gainVolume: gains.reduce(0) { $0 + $1.volume }, lossArea: isPhoto ? 0 : losses.reduce(0) { $0 + $1.area },
            changedArea: isPhoto ? summary.regions.reduce(0) { $0 + $1.area } : nil,
            maxDepth: isPhoto ? 0 : summary.regions.map(\.maxDepth).max() ?? 0, units: summary.units,
            summary: Self.account(of: summary) + ".")
        return try recording.store.recordFinding(finding, storing: requests, actor: recording.actor).0
    }

    /// A finding's account of a comparison, in one sentence.
    static func account(of summary: ComparisonSummary) -> String {
        if let photo = summary.photo { return photoAccount(summary, photo) }
        let losses = summary.regions.filter { $0.kind == .loss }
        let gains = summary.regions.filter { $0.kind == .gain }
        let u = summary.units
        var account =
            "\(summary.method.uppercased()) of \(summary.inputs[1].name) against \(summary.inputs[0].name): "
            + "\(summary.significantCount) of \(summary.coreCount - summary.noDataCount) measured points changed significantly"
        if let largest = losses.first {
            account += String(
                format: "; %d loss region(s), %.4g %@³ in all, the largest %.4g %@³ over %.4g %@², up to %.4g %@ deep",
                losses.count, losses.reduce(0) { $0 + $1.volume }, u, largest.volume, u, largest.area, u,
                largest.maxDepth, u)
        }
        if !gains.isEmpty {
            account += String(
                format: "; %d gain region(s), %.4g %@³", gains.count, gains.reduce(0) { $0 + $1.volume }, u)
        }
        if summary.noDataCount > 0 { account += "; \(summary.noDataCount) points without data" }
        return account
    }

    /// A photo comparison's account: the changed share and the largest regions' areas.
    private static func photoAccount(_ summary: ComparisonSummary, _ photo: PhotoComparisonFacts) -> String {
        var text =
            "PHOTO of \(summary.inputs[1].name) against \(summary.inputs[0].name): "
            + String(
                format: "%d of %d compared pixels changed (%.2f %%)", photo.changedPixels, photo.comparedPixels,
                photo.changedShare * 100)
        if let largest = summary.regions.first {
            text += String(
                format: "; %d changed region(s), %.4g %@² in all, the largest %.4g %@² around (%@)",
                summary.regions.count, summary.regions.reduce(0) { $0 + $1.area }, summary.units, largest.area,
                summary.units, largest.centroid.map { String(format: "%.2f", $0) }.joined(separator: ", "))
        }
        if summary.noDataCount > 0 { text += "; \(summary.noDataCount) pixels without data" }
        return text
    }
}
