import ArgumentParser
import Foundation
import HeritageOperations
import HeritageStore
import ScanImport
import SurveyDiff

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two surveys of a site and flag damage: where, how deep, how much volume.",
        discussion: """
            BEFORE is the reference epoch, AFTER the compared one; distances are AFTER minus
            BEFORE, so loss of material is negative. Files (PLY, OBJ, LAS, LAZ, E57, PTX, PTS, x y z
            text) need no archive. With --site, BEFORE and AFTER name asset versions (ASSET@N):
            the outputs are stored as derived versions with their provenance and a finding is
            recorded on the site, from which `heritage condition add --from-finding` drafts an
            assessment.

            Parameters not given are derived from the before epoch's point spacing s: cylinder
            radius 5 s, normal radius twice that, half-length 10 × the radius, core spacing =
            the radius, ICP correspondence limit 2 % of the diagonal; the JSON lists which.

            Outputs in --out: changes.ply (points with distance, level_of_detection,
            significant, region, n1, n2, sigma1, sigma2 as scalar fields), summary.json,
            heatmap-front.png, heatmap-side.png, heatmap-top.png.

            Two photographs (JPEG or PNG) are compared as images instead: the same view at the
            same size, or orthophotos placed by world files (.jgw, .pgw, .wld beside the file, or
            stored with the asset version when it was imported). Exposure and white balance are
            matched, the colour difference is averaged over a (2 × --smoothing + 1)² window, and
            pixels above --threshold (0-255; default the noise level + 5 standard deviations,
            estimated from the lower 40 % of the differences, at least 8) form changed regions of
            at least --region-min-points pixels (default 64, or 1/100,000 of the image if more).
            Outputs: summary.json (with photo {width, height, comparedPixels, changedPixels,
            changedShare, exposureMatch}), change-mask.png (grey: 255 changed, 0 unchanged, 128
            no data) and change-overlay.png.

            JSON keys: method, software, units, inputs[] {role, name, sha256, pointCount,
            triangleCount, assetVersion}, parameters, registration {rms, rmsBefore, iterations,
            transform, overlap, …}, coreCount, significantCount, noDataCount, distance {median,
            mean, p95 (of |d|), measured, significant, noData}, regions[] {id, kind, pointCount,
            area, volume, meanDepth, maxDepth, centroid, lower, upper} (a photo region has
            colourDifference {mean, max} in place of volume and depths), caveats; with --site also
            finding.

            Examples:
              heritage diff before.ply after.ply --align icp --out changes/
              heritage diff 2010.las 2023.las --cores cores.txt --normal-radius 5.24 \\
                  --cylinder-radius 10.49 --cylinder-half-length 2.76 --json
              heritage diff --site ARM-0001 scan@1 scan@2 --align icp --out changes/
              heritage diff facade-2019.jpg facade-2026.jpg --out photo-changes/
            """)

    @OptionGroup var archive: ArchiveOptions
    @Argument(help: "The before (reference) scan: a file, or with --site an asset version ASSET@N.") var before: String
    @Argument(help: "The after (compared) scan: a file, or with --site an asset version ASSET@N.") var after: String
    @Option(help: "Compare asset versions of this site (code or id) and record the result on it.") var site: String?
    @Option(
        help:
            "m3c2 (default for scans), c2c (nearest neighbour), c2m (before must be a mesh), or photo (the default for two JPEG/PNG images)."
    ) var method: String?
    @Option(help: "none (default) or icp: align AFTER onto BEFORE first.") var align: String = "none"
    @Option(name: .customLong("icp-metric"), help: "point-to-plane (default) or point-to-point.")
    var icpMetric: String = "point-to-plane"
    @Option(name: .customLong("max-correspondence"), help: "ICP: pairs farther apart are ignored.")
    var maxCorrespondence: Double?
    @Option(
        name: .customLong("stable-region"), parsing: .unconditional,
        help: "ICP: only points in this box take part: x0,y0,z0,x1,y1,z1.")
    var stableRegion: String?
    @Option(
        name: .customLong("initial-transform"), parsing: .unconditional,
        help: "16 numbers, a 4×4 matrix row by row, applied to AFTER first.")
    var initialTransform: String?
    @Option(name: .customLong("normal-radius"), help: "M3C2 normal scale(s): a radius, or several separated by commas.")
    var normalRadius: String?
    @Option(name: .customLong("cylinder-radius"), help: "M3C2 projection cylinder radius.") var cylinderRadius: Double?
    @Option(name: .customLong("cylinder-half-length"), help: "M3C2 cylinder half-length (never adjusted).")
    var cylinderHalfLength: Double?
    @Option(name: .customLong("core-spacing"), help: "M3C2: one core point per cube of this edge.") var coreSpacing:
        Double?
    @Flag(name: .customLong("all-core-points"), help: "M3C2: every before point is a core point.")
    var allCorePoints = false
    @Option(help: "M3C2 core points from a file (PLY, LAS or x y z text).") var cores: String?
    @Option(
        name: .customLong("registration-error"),
        help:
            "M3C2: the registration error in the level of detection 1.96·(sqrt(σ1²/n1 + σ2²/n2) + E) (default: ICP's RMS, or 0)."
    )
    var registrationError: Double?
    @Option(
        help:
            "M3C2: summarise each cylinder by its mean and standard deviation (mean), the same with outliers left out where the epochs' spreads differ (robust, default), or its median and interquartile range / 1.349 (median)."
    ) var statistic: String = "robust"
    @Option(name: .customLong("min-points"), help: "M3C2: fewest points per epoch in a cylinder.") var minPoints: Int =
        3
    @Option(
        parsing: .unconditional,
        help:
            "Which side of the before surface is out: auto (default: a mesh's winding; +z for LAS and mostly horizontal clouds; else outward), outward (propagated over a neighbour graph), winding, +z, -x, …, a viewpoint X,Y,Z, or away:X,Y,Z."
    ) var orient: String = "auto"
    @Option(name: .customLong("local-plane"), help: "C2C: distance to a plane fitted to this many neighbours.")
    var localPlane: Int?
    @Option(
        help:
            "C2C/C2M: distance counted as change (default 3 robust standard deviations); photos: a colour difference, 0-255."
    ) var threshold: Double?
    @Option(
        name: .customLong("region-min-points"), help: "Drop regions with fewer points (default 10; photos: pixels, 64)."
    )
    var regionMinPoints: Int?
    @Option(help: "Photos: average the colour difference over a (2N+1)² window (default 2).") var smoothing: Int = 2
    @Flag(
        name: .customLong("no-exposure-match"), help: "Photos: compare colours as they are, without matching exposure.")
    var noExposureMatch = false
    @Option(name: .customLong("region-min-area"), help: "Drop regions with less area.") var regionMinArea: Double = 0
    @Option(
        name: .customLong("region-link"),
        help: "Join significant points closer than this (default 1.5 × the median 6th-neighbour distance).")
    var regionLink: Double?
    @Option(
        help: "Linear unit of the coordinates, for the legend and summary (default: the LAS file's when it states one)."
    )
    var units: String?
    @Option(
        name: .customLong("copc-level"),
        help: ArgumentHelp(
            "Read COPC inputs down to this octree level only (0 is the root).",
            discussion:
                "A quick look at a large survey, stated with each input in the summary. Other inputs are read whole.")
    ) var copcLevel: Int?
    @Option(
        help: ArgumentHelp(
            "Thin each point cloud to one point per cube of this side first (a quick look at a large survey).",
            discussion:
                "In the coordinates' units. The points kept are stated with each input in the summary; a mesh is kept whole."
        )) var subsample: Double?
    @Option(help: "Write changes.ply, summary.json and heat maps to this folder.") var out: String?
    @Flag(name: .long, help: "Print the summary as JSON.") var json = false

    func run() throws {
        let outcome = try perform()
        if json {
            try printJSON(DiffOutput(summary: outcome.summary, finding: outcome.finding, outputFolder: out))
        } else {
            print(describe(outcome.summary, finding: outcome.finding))
        }
    }

    /// The comparison these options ask for, through the library's one path.
    func perform() throws -> ComparisonRun.Outcome {
        let recording = try site.map {
            ComparisonRun.Recording(store: try archive.open(), site: $0, actor: archive.resolvedActor)
        }
        var run = ComparisonRun(
            before: before, after: after, recording: recording, units: units,
            outputFolder: out.map { URL(filePath: $0) })
        if let copcLevel, copcLevel < 0 { throw ValidationError("--copc-level must be 0 or more") }
        run.copcLevel = copcLevel
        if let subsample, !(subsample.isFinite && subsample > 0) {
            throw ValidationError("--subsample must be a positive distance")
        }
        run.subsampleSpacing = subsample
        try run.checkVersions()
        if try run.inputsArePhotographs() {
            try checkPhotographOptions()
            return try run.comparePhotographs(photographSettings())
        }
        let options = try comparisonOptions()
        let progress = ProgressLine(
            enabled: !json && isatty(STDERR_FILENO) != 0,
            log: ProcessInfo.processInfo.environment["HERITAGE_PROGRESS"] == "log")
        let outcome = try run.compareScans(options: options, corePoints: cores) { progress.show($0) }
        progress.finish()
        return outcome
    }

    /// The options as the library's request: the same reading of them as a server's job.
    func request() throws -> ComparisonRequest {
        var request = ComparisonRequest()
        request.method = method
        request.align = align
        request.icpMetric = icpMetric
        request.maxCorrespondence = maxCorrespondence
        request.stableRegion = try stableRegion.map { try numbers($0, count: 6, option: "--stable-region") }
        request.initialTransform = try initialTransform.map {
            try numbers($0, count: 16, option: "--initial-transform")
        }
        request.normalRadius = try normalRadius.map { try numbers($0, count: nil, option: "--normal-radius") }
        request.cylinderRadius = cylinderRadius
        request.cylinderHalfLength = cylinderHalfLength
        request.coreSpacing = coreSpacing
        request.allCorePoints = allCorePoints
        request.registrationError = registrationError
        request.statistic = statistic
        request.minPoints = minPoints
        request.orient = orient
        request.localPlane = localPlane
        request.threshold = threshold
        request.regionMinPoints = regionMinPoints
        request.regionMinArea = regionMinArea
        request.regionLink = regionLink
        request.smoothing = smoothing
        request.exposureMatch = !noExposureMatch
        request.units = units
        return request
    }

    /// A request's refusal as a usage error, naming the options as they are typed.
    func usage<T>(_ body: (ComparisonRequest.Naming) throws -> T) throws -> T {
        do {
            return try body(ComparisonRequest.commandLineNaming)
        } catch let error as HeritageStoreError where error.code == .invalidInput {
            throw ValidationError(error.message)
        }
    }

    func comparisonOptions() throws -> ComparisonOptions {
        let request = try request()
        return try usage { try request.comparisonOptions(naming: $0) }
    }

    func numbers(_ text: String, count: Int?, option: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.allSatisfy({ $0 != nil }), count == nil || values.count == count, !values.isEmpty else {
            throw ValidationError(
                "\(option) needs \(count.map { "\($0) " } ?? "")numbers separated by commas, got '\(text)'")
        }
        return values.compactMap { $0 }
    }

    func describe(_ summary: ComparisonSummary, finding: Finding?) -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "-" }
        if let photo = summary.photo {
            return (describePhoto(summary, photo, finding: finding) + findingLines(finding)).joined(separator: "\n")
        }
        let u = summary.units
        var lines = ["\(summary.method.uppercased()) \(summary.inputs[1].name) against \(summary.inputs[0].name)"]
        if let registration = summary.registration {
            lines.append(
                "  aligned      ICP \(registration.metric), \(registration.iterations) iterations, RMS "
                    + "\(number(registration.rmsBefore)) → \(number(registration.rms)) \(u), rotation "
                    + "\(String(format: "%.4f", registration.rotationDegrees))°, shift \(number(registration.translation)) \(u), "
                    + "overlap \(String(format: "%.1f", registration.overlap * 100)) %")
        }
        for input in summary.inputs {
            if let spacing = input.subsampleSpacing, let kept = input.subsampledPointCount {
                lines.append(
                    "  subsampled   \(input.role): \(kept.formatted()) of \(input.pointCount.formatted()) points, one per \(number(spacing)) \(u) cube (a quick look)"
                )
            }
        }
        if let orientation = summary.parameters.orientation {
            let basis = summary.parameters.orientationBasis.map { " [\($0)]" } ?? ""
            lines.append("  normals      \(orientation)\(basis)")
        }
        lines.append(
            "  points       \(summary.coreCount.formatted()) measured at, \(summary.significantCount.formatted()) significant, "
                + "\(summary.noDataCount.formatted()) no data")
        lines.append(
            "  distance     median \(number(summary.distance.median)) \(u), mean \(number(summary.distance.mean)) \(u), "
                + "95th percentile of |d| \(number(summary.distance.p95)) \(u)")
        if summary.regions.isEmpty {
            lines.append("  regions      none: no connected significant change")
        }
        for region in summary.regions.prefix(10) {
            lines.append(
                "  region \(region.id)\(String(repeating: " ", count: max(1, 6 - String(region.id).count)))"
                    + "\(region.kind.rawValue), \(region.pointCount) points, area \(number(region.area)) \(u)², "
                    + "volume \(number(region.volume)) \(u)³, depth mean \(number(region.meanDepth)) max \(number(region.maxDepth)) \(u), "
                    + "at \(region.centroid.map { String(format: "%.3f", $0) }.joined(separator: ", "))")
        }
        if summary.regions.count > 10 { lines.append("  … \(summary.regions.count - 10) more regions in summary.json") }
        if let out {
            let names = ComparisonOutputFile.scanOutputs
            lines.append("  written      \(out)/{\(names.joined(separator: ","))}")
        }
        return (lines + findingLines(finding)).joined(separator: "\n")
    }

    func findingLines(_ finding: Finding?) -> [String] {
        guard let finding else { return [] }
        return [
            "  finding      \(finding.id) recorded on \(site ?? finding.siteID)",
            "  next         heritage condition add --from-finding \(finding.id.prefix(8)) --assessor NAME "
                + "--condition CONDITION --certainty CERTAINTY",
        ]
    }
}

struct DiffOutput: Encodable {
    var summary: ComparisonSummary
    var finding: Finding?
    var outputFolder: String?

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(finding, forKey: .finding)
        try container.encodeIfPresent(outputFolder, forKey: .outputFolder)
    }

    enum Key: String, CodingKey {
        case finding, outputFolder
    }
}

/// A one-line stage display on a terminal, overwritten in place.
/// With `HERITAGE_PROGRESS=log`, one timed line per stage instead (for logs and profiling).
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    let log: Bool
    let started = Date()
    init(enabled: Bool, log: Bool) {
        self.enabled = enabled
        self.log = log
    }

    func show(_ stage: String) {
        let seconds = Date().timeIntervalSince(started)
        if log {
            let memory = Self.memory().map { String(format: "  (resident %d MiB, peak %d MiB)", $0.resident, $0.peak) }
            FileHandle.standardError.write(
                Data(String(format: "%7.2f s  %@%@\n", seconds, stage, memory ?? "").utf8))
        } else if enabled {
            FileHandle.standardError.write(Data(String(format: "\r\u{1B}[K%6.1f s  %@", seconds, stage).utf8))
        }
    }

    /// The process's resident and peak resident memory in MiB, from /proc/self/status (Linux).
    static func memory() -> (resident: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else {
                return nil
            }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 / 1024 }
        }
        guard let resident = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return (resident, peak)
    }

    func finish() {
        if log { show("done") }
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
