import ArgumentParser
import Foundation
import HeritageStore
import ScanImport
import SurveyDiff

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two surveys of a site and flag damage: where, how deep, how much volume.",
        discussion: """
            BEFORE is the reference epoch, AFTER the compared one; distances are AFTER minus
            BEFORE, so loss of material is negative. Files (PLY, OBJ, LAS, x y z text) need no
            archive. With --site, BEFORE and AFTER name asset versions (ASSET@N): the outputs are
            stored as derived versions with their provenance and a finding is recorded on the
            site, from which `heritage condition add --from-finding` drafts an assessment.

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
            area, volume, meanDepth, maxDepth, centroid, lower, upper}, caveats; with --site also
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
    @Option(help: "Write changes.ply, summary.json and heat maps to this folder.") var out: String?
    @Flag(name: .long, help: "Print the summary as JSON.") var json = false

    func run() throws {
        let (summary, finding) = try perform()
        if json {
            try printJSON(DiffOutput(summary: summary, finding: finding, outputFolder: out))
        } else {
            print(describe(summary, finding: finding))
        }
    }

    /// Loads, compares, writes the outputs and, with --site, records them (the demo calls this too).
    func perform() throws -> (ComparisonSummary, Finding?) {
        let store = try site.map { _ in try archive.open() }
        if let store, let site { try checkVersions(store, site: site) }
        if let photos = try loadPhotos(store: store) { return try performPhoto(photos, store: store) }
        var options = try comparisonOptions()
        let progress = ProgressLine(
            enabled: !json && isatty(STDERR_FILENO) != 0,
            log: ProcessInfo.processInfo.environment["HERITAGE_PROGRESS"] == "log")
        progress.show("reading inputs")
        // Both epochs are read and hashed at once. Only positions (and the before mesh's
        // triangles) are kept: a file's normals, colours and other fields would hold memory
        // through the whole comparison for nothing.
        var epochs = try [(before, "before"), (after, "after")].parallelMap(minimumChunk: 1) { reference, role in
            let (scan, input) = try load(reference, role: role, store: store)
            return (
                cloud: PointCloud(positions: scan.geometry.positions),
                triangles: role == "before" ? scan.geometry.triangles : [], units: scan.units, input: input,
                format: scan.format
            )
        }
        var inputs = epochs.map(\.input)
        var corePoints: PointCloud?
        if let cores {
            let loaded = try ScanLoader.load(path: cores, positionsOnly: true)
            corePoints = PointCloud(positions: loaded.geometry.positions)
            inputs.append(
                ComparisonInput(
                    role: "cores", name: cores, sha256: try FileHashing.sha256(of: URL(filePath: cores)),
                    pointCount: loaded.geometry.vertexCount, triangleCount: 0))
        }
        let beforeUnits = epochs[0].units
        options.isTerrainSurvey = epochs[0].format == "las"
        let beforeTriangles = epochs[0].triangles
        ProcessMemory.releaseFreedMemory()  // the readers' columns
        let (beforeCloud, afterCloud) = (epochs[0].cloud, epochs[1].cloud)
        epochs = []
        let result = try SurveyComparison.run(
            before: consume beforeCloud, beforeTriangles: consume beforeTriangles, after: consume afterCloud,
            corePoints: corePoints,
            options: options, progress: { progress.show($0) })
        progress.show("writing outputs")
        let unitName = units ?? beforeUnits.map(shortUnit) ?? "units"
        var summary = result.summary(inputs: inputs, software: heritageVersion, units: unitName)

        let folder = try outputFolder()
        // Without --out the outputs live in a temporary folder, removed however this ends.
        defer { if out == nil { try? FileManager.default.removeItem(at: folder) } }
        try write(result, summary, to: folder, units: unitName)
        var finding: Finding?
        if let store, let site {
            let files: [(name: String, title: String, format: String)] =
                [(DiffOutputFile.summary, "summary", "json"), (DiffOutputFile.cloud, "distances", "ply")]
                + ["front", "side", "top"].map { (DiffOutputFile.heatMap($0), "heat map (\($0))", "png") }
            finding = try record(summary, files: files, folder: folder, store: store, site: site)
            summary.inputs = inputs
        }
        progress.finish()
        return (summary, finding)
    }

    /// With --site: BEFORE and AFTER name two different versions of that site's assets, checked
    /// before any file is read or written.
    func checkVersions(_ store: HeritageArchive, site: String) throws {
        let owner = try store.requireSite(site)
        let (beforeAsset, beforeVersion) = try resolveVersion(store, before)
        let (afterAsset, afterVersion) = try resolveVersion(store, after)
        for (reference, asset) in [(before, beforeAsset), (after, afterAsset)] where asset.siteID != owner.id {
            throw ValidationError("\(reference) is an asset of another site, not of \(owner.code)")
        }
        if beforeVersion.id == afterVersion.id {
            throw ValidationError(
                "BEFORE (\(before)) and AFTER (\(after)) are the same version, \(beforeAsset.title) "
                    + "v\(beforeVersion.number): give two different versions; nothing was compared or stored")
        }
    }

    func comparisonOptions() throws -> ComparisonOptions {
        var options = ComparisonOptions()
        let name = (self.method ?? "m3c2").lowercased()
        guard let method = ComparisonMethod(rawValue: name) else {
            throw ValidationError(
                name == "photo"
                    ? "--method photo compares two photographs (JPEG or PNG); these inputs are scans"
                    : "--method must be m3c2, c2c, c2m or photo, not '\(name)'")
        }
        options.method = method
        switch align.lowercased() {
        case "none": options.align = false
        case "icp": options.align = true
        default: throw ValidationError("--align must be none or icp, not '\(align)'")
        }
        guard let metric = ICPParameters.Metric(rawValue: icpMetric.lowercased()) else {
            throw ValidationError("--icp-metric must be point-to-plane or point-to-point, not '\(icpMetric)'")
        }
        options.icpMetric = metric
        options.maximumCorrespondenceDistance = maxCorrespondence
        if let stableRegion {
            let values = try numbers(stableRegion, count: 6, option: "--stable-region")
            options.stableRegion = (
                SIMD3(min(values[0], values[3]), min(values[1], values[4]), min(values[2], values[5])),
                SIMD3(max(values[0], values[3]), max(values[1], values[4]), max(values[2], values[5]))
            )
        }
        if let initialTransform {
            let values = try numbers(initialTransform, count: 16, option: "--initial-transform")
            guard let transform = RigidTransform(matrix: values) else {
                throw ValidationError("--initial-transform needs 16 finite numbers")
            }
            options.initialTransform = transform
        }
        if let normalRadius { options.normalRadii = try numbers(normalRadius, count: nil, option: "--normal-radius") }
        options.cylinderRadius = cylinderRadius
        options.cylinderHalfLength = cylinderHalfLength
        options.coreSpacing = coreSpacing
        options.allCorePoints = allCorePoints
        options.registrationError = registrationError
        options.minimumPoints = minPoints
        guard let statistic = M3C2Parameters.Statistic(rawValue: statistic.lowercased()) else {
            throw ValidationError("--statistic must be mean, robust or median, not '\(self.statistic)'")
        }
        options.statistic = statistic
        guard let orientation = OrientationChoice(orient) else {
            throw ValidationError(
                "--orient must be auto, outward, winding, +x, -x, +y, -y, +z, -z, a viewpoint X,Y,Z or away:X,Y,Z, "
                    + "not '\(orient)'")
        }
        options.orientation = orientation
        options.localPlaneNeighbours = localPlane
        options.changeThreshold = threshold
        options.regions = RegionParameters(
            linkDistance: regionLink, minimumPoints: regionMinPoints ?? 10, minimumArea: regionMinArea)
        return options
    }

    func numbers(_ text: String, count: Int?, option: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.allSatisfy({ $0 != nil }), count == nil || values.count == count, !values.isEmpty else {
            throw ValidationError(
                "\(option) needs \(count.map { "\($0) " } ?? "")numbers separated by commas, got '\(text)'")
        }
        return values.compactMap { $0 }
    }

    /// A file, or with --site an asset version: its geometry and how the summary cites it.
    func load(_ reference: String, role: String, store: HeritageArchive?) throws -> (LoadedScan, ComparisonInput) {
        if let store {
            let (asset, version) = try resolveVersion(store, reference)
            let url = try store.verifiedBlob(of: version)
            let scan = try ScanLoader.load(path: url.path, format: version.format, positionsOnly: true)
            return (
                scan,
                ComparisonInput(
                    role: role, name: "\(asset.title)@\(version.number)", sha256: version.sha256,
                    pointCount: scan.geometry.vertexCount, triangleCount: scan.geometry.triangleCount,
                    assetVersion: version.id)
            )
        }
        let scan = try ScanLoader.load(path: reference, positionsOnly: true)
        return (
            scan,
            ComparisonInput(
                role: role, name: reference, sha256: try FileHashing.sha256(of: URL(filePath: reference)),
                pointCount: scan.geometry.vertexCount, triangleCount: scan.geometry.triangleCount)
        )
    }

    func outputFolder() throws -> URL {
        let folder =
            out.map { URL(filePath: $0) }
            ?? FileManager.default.temporaryDirectory.appending(path: "heritage-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in DiffOutputFile.allNames
        where FileManager.default.fileExists(atPath: folder.appending(path: name).path) {
            throw ValidationError("\(folder.appending(path: name).path) exists; heritage never overwrites a result")
        }
        return folder
    }

    func write(_ result: SurveyComparisonResult, _ summary: ComparisonSummary, to folder: URL, units: String) throws {
        try prettyJSON(summary).write(to: folder.appending(path: DiffOutputFile.summary))
        let names = summary.inputs.map { URL(filePath: $0.name).lastPathComponent }.joined(separator: " vs ")
        // The cloud and the heat maps are written at the same time.
        _ = try [0, 1].parallelMap(minimumChunk: 1) { which in
            if which == 0 {
                let comments = [
                    "heritage diff \(result.method.rawValue): \(summary.inputs.map(\.name).joined(separator: " vs "))"
                ]
                // Streamed: a million points would otherwise hold the whole file and its columns.
                let path = folder.appending(path: DiffOutputFile.cloud).path
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw ValidationError("cannot create \(path)")
                }
                let handle = try FileHandle(forWritingTo: URL(filePath: path))
                defer { try? handle.close() }
                try result.writeCloudPLY(comments: comments) { try handle.write(contentsOf: $0) }
            } else {
                let views = try HeatMap.render(
                    points: result.points, distance: result.distance, spacing: result.regions.coreSpacing,
                    units: units, title: "\(result.method.rawValue) \(names)")
                for view in views {
                    try Data(view.png).write(to: folder.appending(path: DiffOutputFile.heatMap(view.name)))
                }
            }
        }
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
            let names =
                [DiffOutputFile.cloud, DiffOutputFile.summary] + ["front", "side", "top"].map(DiffOutputFile.heatMap)
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

/// The names `heritage diff` writes; it refuses to overwrite any of them.
enum DiffOutputFile {
    static let cloud = "changes.ply"
    static let summary = "summary.json"
    static func heatMap(_ view: String) -> String { "heatmap-\(view).png" }
    static let mask = "change-mask.png"
    static let overlay = "change-overlay.png"
    static let allNames = [cloud, summary, heatMap("front"), heatMap("side"), heatMap("top"), mask, overlay]
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

/// "US survey foot" → "ft (US survey)", "metre" → "m": short enough for a legend.
func shortUnit(_ unit: String) -> String {
    let lower = unit.lowercased()
    if lower.contains("us survey foot") || lower.contains("us_survey_foot") { return "ft (US survey)" }
    if lower.contains("foot") || lower.contains("feet") { return "ft" }
    if lower.contains("metre") || lower.contains("meter") { return "m" }
    return unit
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
