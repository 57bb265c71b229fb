import Foundation
import HeritageStore
import ScanImport
import SurveyDiff

extension DiffCommand {
    /// Stores the outputs as derived asset versions of the site (each citing both compared
    /// versions, the method and every parameter) and records the finding.
    func record(
        _ result: SurveyComparisonResult, _ summary: ComparisonSummary, folder: URL, store: HeritageArchive,
        site: String
    ) throws -> Finding {
        guard let beforeID = summary.inputs[0].assetVersion, let afterID = summary.inputs[1].assetVersion else {
            throw HeritageStoreError(.invalidInput, "with --site, BEFORE and AFTER must be asset versions (ASSET@N)")
        }
        var parameters = result.parameters.textValues
        parameters["method"] = result.method.rawValue
        parameters["software"] = heritageVersion
        let transform = result.registration.map { $0.transform.flatMap { $0 } }
        let derivation = Derivation(
            sourceVersionIDs: [beforeID, afterID], process: "diff \(result.method.rawValue)", parameters: parameters,
            transform: transform)
        let label = "\(summary.inputs[1].name) vs \(summary.inputs[0].name)"
        let files: [(name: String, title: String, format: String)] =
            [
                (DiffOutputFile.summary, "\(result.method.rawValue) summary, \(label)", "json"),
                (DiffOutputFile.cloud, "\(result.method.rawValue) distances, \(label)", "ply"),
            ]
            + ["front", "side", "top"].map {
                (DiffOutputFile.heatMap($0), "\(result.method.rawValue) heat map (\($0)), \(label)", "png")
            }
        let summaryJSON = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        let requests = files.filter { FileManager.default.fileExists(atPath: folder.appending(path: $0.name).path) }
            .map { file in
                AssetImportRequest(
                    file: folder.appending(path: file.name), site: site, title: file.title, kind: .derived,
                    format: file.format, summaryJSON: file.format == "json" ? summaryJSON : "{}",
                    derivation: derivation, importerVersion: heritageVersion)
            }
        let outcomes = try store.importAssets(requests, actor: archive.resolvedActor)
        let versionIDs = outcomes.map { outcome in
            switch outcome {
            case .stored(let version), .alreadyStored(let version): version.id
            }
        }
        let losses = summary.regions.filter { $0.kind == .loss }
        let gains = summary.regions.filter { $0.kind == .gain }
        let u = summary.units
        var account =
            "\(result.method.rawValue.uppercased()) of \(summary.inputs[1].name) against \(summary.inputs[0].name): "
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
        let finding = Finding(
            siteID: site, method: result.method.rawValue, beforeVersionID: beforeID, afterVersionID: afterID,
            resultVersionIDs: versionIDs, measuredCount: summary.coreCount - summary.noDataCount,
            significantCount: summary.significantCount, noDataCount: summary.noDataCount,
            regionCount: summary.regions.count, lossVolume: losses.reduce(0) { $0 + $1.volume },
            gainVolume: gains.reduce(0) { $0 + $1.volume }, lossArea: losses.reduce(0) { $0 + $1.area },
            maxDepth: summary.regions.map(\.maxDepth).max() ?? 0, units: u, summary: account + ".")
        return try store.recordFinding(finding, actor: archive.resolvedActor)
    }
}

let heritageVersion = "heritage \(HeritageCommand.version)"
