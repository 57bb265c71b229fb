import Foundation
import HeritageStore
import ScanImport
import SurveyDiff

extension DiffCommand {
    /// Stores the outputs as derived asset versions of the site (each citing both compared
    /// versions, the method and every parameter) and records the finding, in one transaction.
    /// `files` are the output files (name, what it is, format) in `folder`, summary first.
    func record(
        _ summary: ComparisonSummary, files: [(name: String, title: String, format: String)], folder: URL,
        store: HeritageArchive, site: String
    ) throws -> Finding {
        guard let beforeID = summary.inputs[0].assetVersion, let afterID = summary.inputs[1].assetVersion else {
            throw HeritageStoreError(.invalidInput, "with --site, BEFORE and AFTER must be asset versions (ASSET@N)")
        }
        var parameters = summary.parameters.textValues
        parameters["method"] = summary.method
        parameters["software"] = heritageVersion
        let transform = summary.registration.map { $0.transform.flatMap { $0 } }
        let derivation = Derivation(
            sourceVersionIDs: [beforeID, afterID], process: "diff \(summary.method)", parameters: parameters,
            transform: transform)
        let label = "\(summary.inputs[1].name) vs \(summary.inputs[0].name)"
        let summaryJSON = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        let requests = files.filter { FileManager.default.fileExists(atPath: folder.appending(path: $0.name).path) }
            .map { file in
                AssetImportRequest(
                    file: folder.appending(path: file.name), site: site,
                    title: "\(summary.method) \(file.title), \(label)",
                    kind: .derived,
                    format: file.format, summaryJSON: file.format == "json" ? summaryJSON : "{}",
                    derivation: derivation, importerVersion: heritageVersion)
            }
        let losses = summary.regions.filter { $0.kind == .loss }
        let gains = summary.regions.filter { $0.kind == .gain }
        let u = summary.units
        var account =
            summary.photo.map { photoAccount(summary, $0) }
            ?? "\(summary.method.uppercased()) of \(summary.inputs[1].name) against \(summary.inputs[0].name): "
            + "\(summary.significantCount) of \(summary.coreCount - summary.noDataCount) measured points changed significantly"
        if summary.photo == nil, let largest = losses.first {
            account += String(
                format: "; %d loss region(s), %.4g %@³ in all, the largest %.4g %@³ over %.4g %@², up to %.4g %@ deep",
                losses.count, losses.reduce(0) { $0 + $1.volume }, u, largest.volume, u, largest.area, u,
                largest.maxDepth, u)
        }
        if summary.photo == nil && !gains.isEmpty {
            account += String(
                format: "; %d gain region(s), %.4g %@³", gains.count, gains.reduce(0) { $0 + $1.volume }, u)
        }
        if summary.noDataCount > 0 {
            account += "; \(summary.noDataCount) \(summary.photo == nil ? "points" : "pixels") without data"
        }
        let changedArea =
            summary.photo == nil ? losses.reduce(0) { $0 + $1.area } : summary.regions.reduce(0) { $0 + $1.area }
        let finding = Finding(
            siteID: site, method: summary.method, beforeVersionID: beforeID, afterVersionID: afterID,
            resultVersionIDs: [], measuredCount: summary.coreCount - summary.noDataCount,
            significantCount: summary.significantCount, noDataCount: summary.noDataCount,
            regionCount: summary.regions.count, lossVolume: losses.reduce(0) { $0 + $1.volume },
            gainVolume: gains.reduce(0) { $0 + $1.volume }, lossArea: changedArea,
            maxDepth: summary.photo == nil ? summary.regions.map(\.maxDepth).max() ?? 0 : 0, units: u,
            summary: account + ".")
        return try store.recordFinding(finding, storing: requests, actor: archive.resolvedActor).0
    }

    /// A photo comparison's account: the changed share and the largest regions' areas.
    private func photoAccount(_ summary: ComparisonSummary, _ photo: PhotoComparisonFacts) -> String {
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
        return text
    }
}

let heritageVersion = "heritage \(HeritageCommand.version)"
