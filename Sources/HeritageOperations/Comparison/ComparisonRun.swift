import Foundation
import HeritageStore
import ScanImport
import SurveyDiff

/// Two survey epochs to compare, where they come from, and where the outputs go: the one
/// path by which `heritage diff`, the demo and the server compare.
///
/// Without an archive, BEFORE and AFTER are files. With one, they name asset versions
/// (`ASSET@N`) of the site, the outputs are stored as derived versions citing both, and a
/// finding is recorded on the site, attributed to `actor`.
public struct ComparisonRun {
    /// The archive, site and actor a comparison of asset versions is recorded under.
    public struct Recording {
        public var store: HeritageArchive
        public var site: String
        public var actor: String
        public init(store: HeritageArchive, site: String, actor: String) {
            self.store = store
            self.site = site
            self.actor = actor
        }
    }

    public var before: String
    public var after: String
    public var recording: Recording?
    /// Linear unit for legends and the summary (default: the before scan's, else "units";
    /// photographs: "px", or "map units" when placed by world files).
    public var units: String?
    /// Where the outputs are written; nil: a temporary folder, removed when the run ends.
    public var outputFolder: URL?
    /// COPC inputs are read down to this octree level only: a quick look at large surveys,
    /// stated with each input in the summary. Other inputs are read whole.
    public var copcLevel: Int?
    /// Thin each point cloud to one point per cube of this side before comparing (a quick look
    /// at a large survey), stated with each input in the summary. A mesh's vertices are kept.
    public var subsampleSpacing: Double?
    /// Asked between stages: true stops the run with a `cancelled` error, before anything is
    /// recorded (a server's job being cancelled).
    public var isCancelled: (@Sendable () -> Bool)?

    public init(
        before: String, after: String, recording: Recording? = nil, units: String? = nil, outputFolder: URL? = nil
    ) {
        self.before = before
        self.after = after
        self.recording = recording
        self.units = units
        self.outputFolder = outputFolder
    }

    /// What a comparison found, and the finding recorded from it.
    public struct Outcome: Sendable {
        public var summary: ComparisonSummary
        public var finding: Finding?
    }

    /// With an archive: BEFORE and AFTER are two different versions of the site's assets.
    /// Checked before any file is read or written.
    public func checkVersions() throws {
        guard let recording else { return }
        let owner = try recording.store.requireSite(recording.site)
        let (beforeAsset, beforeVersion) = try recording.store.resolveVersion(before)
        let (afterAsset, afterVersion) = try recording.store.resolveVersion(after)
        for (reference, asset) in [(before, beforeAsset), (after, afterAsset)] where asset.siteID != owner.id {
            throw HeritageStoreError(.invalidInput, "\(reference) is an asset of another site, not of \(owner.code)")
        }
        if beforeVersion.id == afterVersion.id {
            throw HeritageStoreError(
                .invalidInput,
                "BEFORE (\(before)) and AFTER (\(after)) are the same version, \(beforeAsset.title) "
                    + "v\(beforeVersion.number): give two different versions; nothing was compared or stored")
        }
    }

    /// Whether the inputs are two photographs (JPEG or PNG) rather than two scans; one of each
    /// is an error.
    public func inputsArePhotographs() throws -> Bool {
        let beforeIsPhoto = try isPhoto(before)
        let afterIsPhoto = try isPhoto(after)
        guard beforeIsPhoto == afterIsPhoto else {
            throw SurveyDiffError(
                .mismatchedInputs,
                "\(beforeIsPhoto ? before : after) is a photograph and \(beforeIsPhoto ? after : before) is not: "
                    + "heritage compares two scans or two photographs")
        }
        return beforeIsPhoto
    }

    private func isPhoto(_ reference: String) throws -> Bool {
        if let recording { return ["jpeg", "png"].contains(try recording.store.resolveVersion(reference).1.format) }
        let mapped = try MappedFile(path: reference)
        let format = mapped.withBytes { ScanInspector.format(of: $0, path: reference) }
        return format == .jpeg || format == .png
    }

    /// Compares two scans: reads and hashes both epochs at once, runs the comparison, writes
    /// changes.ply, summary.json and three heat maps, and with an archive records them.
    ///
    /// - Parameters:
    ///   - corePoints: a file (PLY, LAS or x y z text) of M3C2 core points, cited in the summary.
    ///   - progress: each stage's name as it starts.
    public func compareScans(
        options: ComparisonOptions, corePoints coresFile: String? = nil,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> Outcome {
        try checkVersions()
        return try withOutputFolder { folder in
            try compareScans(options: options, corePoints: coresFile, into: folder, progress: progress)
        }
    }

    private func compareScans(
        options: ComparisonOptions, corePoints coresFile: String?, into folder: URL,
        progress: @escaping @Sendable (String) -> Void
    ) throws -> Outcome {
        var options = options
        options.isCancelled = isCancelled ?? options.isCancelled
        try checkCancelled()
        progress("reading inputs")
        // Only positions (and the before mesh's triangles) are kept: a file's normals, colours
        // and other fields would hold memory through the whole comparison for nothing.
        let spacing = subsampleSpacing
        var epochs = try [(before, "before"), (after, "after")].parallelMap(minimumChunk: 1) { reference, role in
            var (scan, input) = try load(reference, role: role)
            var positions = scan.geometry.positions
            if let spacing, scan.geometry.triangleCount == 0 {
                positions = try GridSubsample.thin(positions, spacing: spacing)
                (input.subsampleSpacing, input.subsampledPointCount) = (spacing, positions.count / 3)
            }
            return (
                cloud: PointCloud(positions: positions),
                triangles: role == "before" ? scan.geometry.triangles : [], units: scan.units, input: input,
                format: scan.format
            )
        }
        var inputs = epochs.map(\.input)
        var corePoints: PointCloud?
        if let coresFile {
            let loaded = try ScanLoader.load(path: coresFile, positionsOnly: true)
            corePoints = PointCloud(positions: loaded.geometry.positions)
            inputs.append(
                ComparisonInput(
                    role: "cores", name: coresFile, sha256: try FileHashing.sha256(of: URL(filePath: coresFile)),
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
            corePoints: corePoints, options: options, progress: progress)
        try checkCancelled()
        progress("writing outputs")
        let unitName = units ?? beforeUnits.map(Self.shortUnit) ?? "units"
        let summary = result.summary(inputs: inputs, software: HeritageRelease.software, units: unitName)
        try write(result, summary, to: folder, units: unitName)
        guard let recording else { return Outcome(summary: summary, finding: nil) }
        try checkCancelled()
        progress("recording the finding")
        let files: [(name: String, title: String, format: String)] =
            [(ComparisonOutputFile.summary, "summary", "json"), (ComparisonOutputFile.cloud, "distances", "ply")]
            + ComparisonOutputFile.views.map { (ComparisonOutputFile.heatMap($0), "heat map (\($0))", "png") }
        return Outcome(summary: summary, finding: try record(summary, files: files, folder: folder, in: recording))
    }

    /// A file, or with an archive an asset version: its geometry and how the summary cites it.
    private func load(_ reference: String, role: String) throws -> (LoadedScan, ComparisonInput) {
        if let recording {
            let (asset, version) = try recording.store.resolveVersion(reference)
            let url = try recording.store.verifiedBlob(of: version)
            let scan = try ScanLoader.load(
                path: url.path, format: version.format, positionsOnly: true, copcLevel: copcLevel)
            var input = ComparisonInput(
                role: role, name: "\(asset.title)@\(version.number)", sha256: version.sha256,
                pointCount: scan.geometry.vertexCount, triangleCount: scan.geometry.triangleCount,
                assetVersion: version.id)
            (input.copcMaximumLevel, input.copcDepth) = (scan.copcLevels?.maximumLevel, scan.copcLevels?.depth)
            return (scan, input)
        }
        let scan = try ScanLoader.load(path: reference, positionsOnly: true, copcLevel: copcLevel)
        var input = ComparisonInput(
            role: role, name: reference, sha256: try FileHashing.sha256(of: URL(filePath: reference)),
            pointCount: scan.geometry.vertexCount, triangleCount: scan.geometry.triangleCount)
        (input.copcMaximumLevel, input.copcDepth) = (scan.copcLevels?.maximumLevel, scan.copcLevels?.depth)
        return (scan, input)
    }

    /// Runs `body` with the output folder, checked first to hold no output already (before
    /// anything is read); a temporary one is removed however the run ends.
    func withOutputFolder<T>(_ body: (URL) throws -> T) throws -> T {
        let folder =
            outputFolder
            ?? FileManager.default.temporaryDirectory.appending(path: "heritage-diff-\(UUID().uuidString)")
        defer { if outputFolder == nil { try? FileManager.default.removeItem(at: folder) } }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ComparisonOutputFile.allNames
        where FileManager.default.fileExists(atPath: folder.appending(path: name).path) {
            throw HeritageStoreError(
                .conflict, "\(folder.appending(path: name).path) exists; heritage never overwrites a result")
        }
        return try body(folder)
    }

    private func write(_ result: SurveyComparisonResult, _ summary: ComparisonSummary, to folder: URL, units: String)
        throws
    {
        try prettyJSON(summary).write(to: folder.appending(path: ComparisonOutputFile.summary))
        let names = summary.inputs.map { URL(filePath: $0.name).lastPathComponent }.joined(separator: " vs ")
        // The cloud and the heat maps are written at the same time.
        _ = try [0, 1].parallelMap(minimumChunk: 1) { which in
            if which == 0 {
                let comments = [
                    "heritage diff \(result.method.rawValue): \(summary.inputs.map(\.name).joined(separator: " vs "))"
                ]
                // Streamed: a million points would otherwise hold the whole file and its columns.
                let path = folder.appending(path: ComparisonOutputFile.cloud).path
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw HeritageStoreError(.io, "cannot create \(path)")
                }
                let handle = try FileHandle(forWritingTo: URL(filePath: path))
                defer { try? handle.close() }
                try result.writeCloudPLY(comments: comments) { try handle.write(contentsOf: $0) }
            } else {
                let views = try HeatMap.render(
                    points: result.points, distance: result.distance, spacing: result.regions.coreSpacing,
                    units: units, title: "\(result.method.rawValue) \(names)")
                for view in views {
                    try Data(view.png).write(to: folder.appending(path: ComparisonOutputFile.heatMap(view.name)))
                }
            }
        }
    }

    /// Throws `cancelled` when the caller has asked the run to stop.
    func checkCancelled() throws {
        if isCancelled?() == true { throw SurveyDiffError(.cancelled, "the comparison was cancelled") }
    }

    /// "US survey foot" → "ft (US survey)", "metre" → "m": short enough for a legend.
    public static func shortUnit(_ unit: String) -> String {
        let lower = unit.lowercased()
        if lower.contains("us survey foot") || lower.contains("us_survey_foot") { return "ft (US survey)" }
        if lower.contains("foot") || lower.contains("feet") { return "ft" }
        if lower.contains("metre") || lower.contains("meter") { return "m" }
        return unit
    }
}
