import Foundation
import HeritageStore
import ScanImport
import SurveyDiff

/// How two photographs are compared (``PhotoChange/Parameters``, with the defaults `heritage
/// diff` documents).
public struct PhotographComparisonSettings: Sendable {
    /// A colour difference (0-255) counted as change; nil: the noise level + 5 standard deviations.
    public var threshold: Double?
    /// The colour difference is averaged over a (2N+1)² window.
    public var smoothing = 2
    /// Smallest region in pixels; nil: 64, or a hundred-thousandth of the image if more.
    public var minimumPixels: Int?
    /// Smallest region's area, in the summary's units.
    public var minimumArea = 0.0
    public var matchExposure = true
    public init() {}
}

extension ComparisonRun {
    /// The largest picture compared: about 9 GB of working memory.
    public static let largestPhotoPixels = 300_000_000

    struct LoadedPhoto {
        var image: DecodedImage
        var world: WorldFile?
        var input: ComparisonInput
    }

    /// Compares two photographs: exposure matched, the colour difference thresholded into
    /// changed regions; writes summary.json, change-mask.png and change-overlay.png, and with
    /// an archive records them.
    public func comparePhotographs(
        _ settings: PhotographComparisonSettings = PhotographComparisonSettings(),
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> Outcome {
        try checkVersions()
        return try withOutputFolder { folder in
            try checkCancelled()
            progress("reading inputs")
            let (before, after) = (try loadPhoto(self.before, role: "before"), try loadPhoto(self.after, role: "after"))
            try checkCancelled()
            progress("comparing the photographs")
            var parameters = PhotoChange.Parameters()
            parameters.threshold = settings.threshold
            parameters.smoothingRadius = settings.smoothing
            // Default: 64 pixels, or a hundred-thousandth of the image if that is more (a 24 MP
            // photograph's antialiased edges make specks of a hundred pixels).
            parameters.minimumPixels =
                settings.minimumPixels ?? max(64, before.image.width * before.image.height / 100_000)
            parameters.minimumArea = settings.minimumArea
            parameters.matchExposure = settings.matchExposure
            let result = try PhotoChange.compare(
                before: before.image, after: after.image, beforeWorld: before.world, afterWorld: after.world,
                parameters: parameters)
            let unitName = before.world == nil ? "px" : units ?? "map units"
            let summary = result.summary(
                inputs: [before.input, after.input], software: HeritageRelease.software, units: unitName)
            try prettyJSON(summary).write(to: folder.appending(path: ComparisonOutputFile.summary))
            try Data(try result.maskPNG()).write(to: folder.appending(path: ComparisonOutputFile.mask))
            try Data(try result.overlayPNG()).write(to: folder.appending(path: ComparisonOutputFile.overlay))
            guard let recording else { return Outcome(summary: summary, finding: nil) }
            try checkCancelled()
            progress("recording the finding")
            let files = [
                (ComparisonOutputFile.summary, "summary", "json"), (ComparisonOutputFile.mask, "change mask", "png"),
                (ComparisonOutputFile.overlay, "change overlay", "png"),
            ]
            return Outcome(summary: summary, finding: try record(summary, files: files, folder: folder, in: recording))
        }
    }

    /// Decodes a photograph with its world file: beside the file, or stored with the asset
    /// version as a related file.
    private func loadPhoto(_ reference: String, role: String) throws -> LoadedPhoto {
        let url: URL
        let name: String
        let sha256: String
        var storedFormat: ScanSummary.Format?
        var world: WorldFile?
        var assetVersion: String?
        if let store = recording?.store {
            let (asset, version) = try store.resolveVersion(reference)
            url = try store.verifiedBlob(of: version)
            name = "\(asset.title)@\(version.number)"
            sha256 = version.sha256
            storedFormat = version.format == "png" ? .png : .jpeg
            assetVersion = version.id
            if let related = version.relatedFiles.first(where: { WorldFile.isWorldFileName($0.name) }) {
                world = try WorldFile.read(path: try store.verifiedBlob(sha256: related.sha256).path)
            }
        } else {
            url = URL(filePath: reference)
            name = reference
            sha256 = try FileHashing.sha256(of: url)
            world = try WorldFile.sidecar(of: reference).map { (path) throws(ScanImportError) in
                try WorldFile.read(path: path)
            }
        }
        let mapped = try MappedFile(path: url.path)
        let format = storedFormat ?? mapped.withBytes { ScanInspector.format(of: $0, path: url.path) } ?? .jpeg
        // The header says how big the picture is before anything is decoded: a comparison holds
        // about 30 bytes per pixel, so a picture beyond this (or a forged header) is refused.
        let header = try mapped.withBytes { (bytes) throws(ScanImportError) in try PhotoReader.read(bytes, file: name) }
        guard header.width * header.height <= Self.largestPhotoPixels else {
            throw SurveyDiffError(
                .invalidParameter,
                "\(name) is \(header.width)×\(header.height) pixels; photo comparisons take about 30 bytes per pixel "
                    + "and stop at \(Self.largestPhotoPixels / 1_000_000) megapixels: compare tiles or a reduced copy")
        }
        let image = try mapped.withBytes { (bytes) throws(ScanImportError) in
            try ImageDecoder.decode(bytes, format: format, file: name)
        }
        return LoadedPhoto(
            image: image, world: world,
            input: ComparisonInput(
                role: role, name: name, sha256: sha256, pointCount: image.width * image.height, triangleCount: 0,
                assetVersion: assetVersion))
    }
}
