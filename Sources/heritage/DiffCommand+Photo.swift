import ArgumentParser
import Foundation
import HeritageStore
import ScanImport
import SurveyDiff

/// `heritage diff` on two photographs: a change mask instead of distances.
extension DiffCommand {
    /// The largest picture compared: about 9 GB of working memory.
    static let largestPhotoPixels = 300_000_000

    struct LoadedPhoto {
        var image: DecodedImage
        var world: WorldFile?
        var input: ComparisonInput
    }

    /// Both inputs decoded, when both are JPEG or PNG images; nil when both are scans.
    func loadPhotos(store: HeritageArchive?) throws -> (before: LoadedPhoto, after: LoadedPhoto)? {
        let beforeIsPhoto = try isPhoto(before, store: store)
        let afterIsPhoto = try isPhoto(after, store: store)
        guard beforeIsPhoto || afterIsPhoto else { return nil }
        guard beforeIsPhoto && afterIsPhoto else {
            throw SurveyDiffError(
                .mismatchedInputs,
                "\(beforeIsPhoto ? before : after) is a photograph and \(beforeIsPhoto ? after : before) is not: "
                    + "heritage compares two scans or two photographs")
        }
        if let method, method.lowercased() != "photo" {
            throw ValidationError("--method \(method) compares scans; two photographs are compared with --method photo")
        }
        let ignored = [
            ("--align icp", align.lowercased() != "none"), ("--normal-radius", normalRadius != nil),
            ("--cylinder-radius", cylinderRadius != nil), ("--cylinder-half-length", cylinderHalfLength != nil),
            ("--core-spacing", coreSpacing != nil), ("--cores", cores != nil), ("--all-core-points", allCorePoints),
            ("--local-plane", localPlane != nil), ("--initial-transform", initialTransform != nil),
            ("--stable-region", stableRegion != nil), ("--registration-error", registrationError != nil),
        ].filter(\.1).map(\.0)
        guard ignored.isEmpty else {
            throw ValidationError(
                "\(ignored.joined(separator: ", ")) \(ignored.count == 1 ? "applies" : "apply") to scans, not to "
                    + "photographs: co-register photographs beforehand (same view and size, or world files)")
        }
        return (try loadPhoto(before, role: "before", store: store), try loadPhoto(after, role: "after", store: store))
    }

    private func isPhoto(_ reference: String, store: HeritageArchive?) throws -> Bool {
        if let store { return ["jpeg", "png"].contains(try resolveVersion(store, reference).1.format) }
        let mapped = try MappedFile(path: reference)
        let format = mapped.withBytes { ScanInspector.format(of: $0, path: reference) }
        return format == .jpeg || format == .png
    }

    /// Decodes a photograph with its world file: beside the file, or stored with the asset
    /// version as a related file.
    private func loadPhoto(_ reference: String, role: String, store: HeritageArchive?) throws -> LoadedPhoto {
        let url: URL
        let name: String
        let sha256: String
        var storedFormat: ScanSummary.Format?
        var world: WorldFile?
        var assetVersion: String?
        if let store {
            let (asset, version) = try resolveVersion(store, reference)
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

    func performPhoto(_ photos: (before: LoadedPhoto, after: LoadedPhoto), store: HeritageArchive?) throws -> (
        ComparisonSummary, Finding?
    ) {
        var parameters = PhotoChange.Parameters()
        parameters.threshold = threshold
        parameters.smoothingRadius = smoothing
        // Default: 64 pixels, or a hundred-thousandth of the image if that is more (a 24 MP
        // photograph's antialiased edges make specks of a hundred pixels).
        parameters.minimumPixels =
            regionMinPoints ?? max(64, photos.before.image.width * photos.before.image.height / 100_000)
        parameters.minimumArea = regionMinArea
        parameters.matchExposure = !noExposureMatch
        let result = try PhotoChange.compare(
            before: photos.before.image, after: photos.after.image, beforeWorld: photos.before.world,
            afterWorld: photos.after.world, parameters: parameters)
        let unitName = photos.before.world == nil ? "px" : units ?? "map units"
        let summary = result.summary(
            inputs: [photos.before.input, photos.after.input], software: heritageVersion, units: unitName)
        let folder = try outputFolder()
        defer { if out == nil { try? FileManager.default.removeItem(at: folder) } }
        try prettyJSON(summary).write(to: folder.appending(path: DiffOutputFile.summary))
        try Data(try result.maskPNG()).write(to: folder.appending(path: DiffOutputFile.mask))
        try Data(try result.overlayPNG()).write(to: folder.appending(path: DiffOutputFile.overlay))
        var finding: Finding?
        if let store, let site {
            finding = try record(
                summary,
                files: [
                    (DiffOutputFile.summary, "summary", "json"), (DiffOutputFile.mask, "change mask", "png"),
                    (DiffOutputFile.overlay, "change overlay", "png"),
                ], folder: folder, store: store, site: site)
        }
        return (summary, finding)
    }

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
                    + "\(number(region.meanDepth)) max \(number(region.maxDepth)), at "
                    + region.centroid.map { String(format: "%.2f", $0) }.joined(separator: ", "))
        }
        if summary.regions.count > 10 { lines.append("  … \(summary.regions.count - 10) more regions in summary.json") }
        if let out {
            lines.append(
                "  written      \(out)/{\([DiffOutputFile.summary, DiffOutputFile.mask, DiffOutputFile.overlay].joined(separator: ","))}"
            )
        }
        return lines
    }
}
