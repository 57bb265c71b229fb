import ArgumentParser
import Foundation
import HeritageOperations
import HeritageStore
import ScanImport
import SurveyDiff

/// `heritage diff` on two photographs: a change mask instead of distances.
extension DiffCommand {
    /// Two photographs are compared with --method photo (or none), and without the options
    /// that only scans take.
    func checkPhotographOptions() throws {
        if cores != nil, method?.lowercased() ?? "photo" == "photo" {
            throw ValidationError(
                "--cores applies to scans, not to photographs: co-register photographs beforehand (same view and "
                    + "size, or world files)")
        }
        let request = try request()
        try usage { try request.checkPhotographOptions(naming: $0) }
    }

    func photographSettings() throws -> PhotographComparisonSettings { try request().photographSettings }

    func describePhoto(_ summary: ComparisonSummary, _ photo: PhotoComparisonFacts, finding: Finding?) -> [String] {
        func number(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "-" }
        let u = summary.units
        var lines = [
            "PHOTO \(summary.inputs[1].name) against \(summary.inputs[0].name)",
            "  registered   \(summary.parameters.alignment), \(photo.width)×\(photo.height) pixels"
                + (summary.parameters.alignment == "world files"
                    ? String(format: ", %.4g %@ per pixel", photo.pixelArea.squareRoot(), u) : ""),
            "  exposure     before ≈ gain × after + offset: "
                + zip(["R", "G", "B"], photo.exposureMatch).map {
                    String(format: "%@ %.3f %+.1f", $0, $1.gain, $1.offset)
                }
                .joined(separator: ", "),
            "  pixels       \(photo.comparedPixels.formatted()) compared, \(photo.changedPixels.formatted()) changed "
                + String(format: "(%.2f %%)", photo.changedShare * 100)
                + ", \(summary.noDataCount.formatted()) no data",
            "  threshold    colour difference \(number(summary.parameters.changeThreshold)) of 255"
                + (summary.parameters.derived.contains("changeThreshold")
                    ? " (noise \(number(photo.noiseCentre)) + 5 × σ \(number(photo.noiseSpread)), at least 8)"
                    : ""),
        ]
        if summary.regions.isEmpty { lines.append("  regions      none: no connected change") }
        for region in summary.regions.prefix(10) {
            lines.append(
                "  region \(region.id)\(String(repeating: " ", count: max(1, 6 - String(region.id).count)))"
                    + "\(region.pointCount) pixels, area \(number(region.area)) \(u)², colour difference mean "
                    + "\(number(region.colourDifference?.mean ?? 0)) max \(number(region.colourDifference?.max ?? 0)), at "
                    + region.centroid.map { String(format: "%.2f", $0) }.joined(separator: ", "))
        }
        if summary.regions.count > 10 { lines.append("  … \(summary.regions.count - 10) more regions in summary.json") }
        if let out {
            lines.append(
                "  written      \(out)/{\([ComparisonOutputFile.summary, ComparisonOutputFile.mask, ComparisonOutputFile.overlay].joined(separator: ","))}"
            )
        }
        return lines
    }
}
