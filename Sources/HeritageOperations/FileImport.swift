import Foundation
import HeritageStore
import ScanImport

/// Files to store as asset versions of one site, and what is known of their capture.
public struct FileImportRequest: Sendable {
    /// One file and, if it differs from the others', how it was captured.
    public struct File: Sendable {
        public var path: String
        public var method: SurveyMethod?
        /// The name to record and to report, when it is not the path's (an upload's own name).
        public var name: String?
        /// The file is this finished incoming file of the archive (an upload): stored by moving it.
        public var incoming: IncomingFile?
        public init(path: String, method: SurveyMethod? = nil, name: String? = nil) {
            self.path = path
            self.method = method
            self.name = name
        }
        /// An upload received into the archive's own temporary folder.
        public init(incoming: IncomingFile, name: String) {
            self.init(path: incoming.url.path, name: name)
            self.incoming = incoming
        }
    }

    public var site: String
    public var files: [File]
    /// The survey the files come from (id or its first characters).
    public var survey: String?
    /// Store the (single) file as the next version of this asset.
    public var asset: String?
    /// Title of a new asset (default: the file's name).
    public var title: String?
    /// Capture metadata for files that do not state it themselves.
    public var capturedAt: String?
    public var `operator`: String?
    public var crs: String?
    public var units: String?
    public var accuracy: Double?

    public init(
        site: String, files: [File], survey: String? = nil, asset: String? = nil, title: String? = nil,
        capturedAt: String? = nil, operator: String? = nil, crs: String? = nil, units: String? = nil,
        accuracy: Double? = nil
    ) {
        self.site = site
        self.files = files
        self.survey = survey
        self.asset = asset
        self.title = title
        self.capturedAt = capturedAt
        self.operator = `operator`
        self.crs = crs
        self.units = units
        self.accuracy = accuracy
    }
}

/// What became of one imported file. Encoded as `heritage import --json` prints it.
public struct ImportedFile: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        case stored
        case alreadyStored = "already-stored"
    }
    public var file: String
    public var outcome: Outcome
    public var assetID: String
    public var versionID: String
    public var version: Int
    public var sha256: String
    /// The reader's warnings (none when the bytes were already stored).
    public var warnings: [String]
}

extension HeritageArchive {
    /// Reads every file completely (its reader's summary, capture metadata, and for photographs
    /// an upright thumbnail and any world file; for an OBJ the files it names), then stores
    /// them all in one transaction: if any file cannot be read, nothing is stored.
    ///
    /// Each file is read once: its reader hands the bytes it has passed to the archive, which
    /// hashes them and writes them to a temporary file that becomes the blob. The stored bytes
    /// are the bytes read, even if the file changes on disk meanwhile.
    ///
    /// - Parameter progress: called while files are read and copied in (file, bytes passed, size).
    public func importFiles(
        _ request: FileImportRequest, actor: String, progress: (@Sendable (URL, Int64, Int64) -> Void)? = nil
    ) throws -> [ImportedFile] {
        if request.asset != nil && request.files.count > 1 {
            throw HeritageStoreError(
                .invalidInput, "a new version of an asset is one file; \(request.files.count) given")
        }
        let scratch = FileManager.default.temporaryDirectory.appending(path: "heritage-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var copies: [IncomingFile] = []
        // Moved into the object store when stored; removed here on every other path.
        defer { for copy in copies { copy.discard() } }
        var requests: [AssetImportRequest] = []
        for file in request.files {
            var copy: IncomingFile?
            if file.incoming == nil && !isReadOnly {
                let made = try incomingFile(extension: "")
                copies.append(made)
                copy = made
            }
            requests.append(
                try request.assetRequest(
                    for: file, scratch: scratch, index: requests.count, copyingInto: copy, progress: progress))
        }
        let outcomes = try importAssets(requests, actor: actor, progress: progress)
        return zip(request.files, outcomes).map { ImportedFile(file: $0.name ?? $0.path, $1) }
    }
}

/// The archive's copy of a file, written as the file's reader passes its bytes. A write that
/// fails (a full disk) is kept and reported when the read is over: the reader's own errors are
/// about the file, not the archive.
final class PassCopy: @unchecked Sendable {
    let incoming: IncomingFile
    /// Set by `consume`, which the mapping calls under its lock, one call after another; read
    /// once the reader has returned.
    private var failure: (any Error)?

    init(_ incoming: IncomingFile) { self.incoming = incoming }

    func consume(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        do { try incoming.write(bytes) } catch { failure = error }
    }

    /// Flushes the copy to disk; throws the first failed write.
    func finish() throws {
        if let failure { throw failure }
        try incoming.finish()
    }
}

extension ImportedFile {
    /// What the store did with `file`.
    public init(file: String, _ outcome: AssetImportOutcome) {
        switch outcome {
        case .stored(let version):
            self.init(
                file: file, outcome: .stored, assetID: version.assetID, versionID: version.id,
                version: version.number, sha256: version.sha256, warnings: version.warnings)
        case .alreadyStored(let version):
            self.init(
                file: file, outcome: .alreadyStored, assetID: version.assetID, versionID: version.id,
                version: version.number, sha256: version.sha256, warnings: [])
        }
    }
}

extension FileImportRequest {
    /// Reads `file` completely and describes it for the archive. A photograph's thumbnail and
    /// an E57 file's images are written into `scratch` (named by `index`), which the caller
    /// removes after storing. With `copy`, the file's bytes are written into it as they are
    /// read, and the request stores that copy: one pass over the file, not two.
    /// `progress` is told how far the read has got (file, bytes passed, size).
    public func assetRequest(
        for file: File, scratch: URL, index: Int, copyingInto copy: IncomingFile? = nil,
        progress: (@Sendable (URL, Int64, Int64) -> Void)? = nil
    ) throws -> AssetImportRequest {
        let passCopy = copy.map(PassCopy.init)
        let url = URL(filePath: file.path)
        var pass = FilePass()
        if let passCopy {
            pass.consume = { bytes in passCopy.consume(bytes) }
        }
        if let progress {
            pass.progress = { passed, total in progress(url, Int64(passed), Int64(total)) }
        }
        let inspection = try ScanInspector.examine(path: file.path, imageBytes: true, pass: pass)
        try passCopy?.finish()
        var related = inspection.references.compactMap { reference in
            reference.path.map { (name: reference.name, url: URL(filePath: $0)) }
        }
        if let photo = inspection.photo {
            // An upright thumbnail travels with the photo as a related file.
            let mapped = try MappedFile(path: file.path)
            let png = try mapped.withBytes { bytes throws(ScanImportError) in
                try Thumbnail.png(of: bytes, photo: photo, file: file.path)
            }
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let url = scratch.appending(path: "thumbnail-\(index).png")
            try Data(png).write(to: url)
            related.append((name: "thumbnail.png", url: url))
            // An orthophoto's world file travels with it, so that a comparison can place it.
            if let sidecar = WorldFile.sidecar(of: file.path) {
                _ = try WorldFile.read(path: sidecar)
                related.append((name: URL(filePath: sidecar).lastPathComponent, url: URL(filePath: sidecar)))
            }
        }
        // An E57 file's photographs travel with it as related files, in the file's order; its
        // summary gives each one's camera and pose (images[]).
        for (number, image) in inspection.images.enumerated() {
            guard let data = image.data else { continue }
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let name = "e57-image-\(number + 1).\(image.format == "png" ? "png" : "jpg")"
            let url = scratch.appending(path: "\(index)-\(name)")
            try Data(data).write(to: url)
            related.append((name: name, url: url))
        }
        let summary = inspection.summary
        var capture = CaptureMetadata(
            capturedAt: capturedAt, operator: `operator`, method: file.method?.rawValue,
            crs: crs ?? summary.crs, units: units ?? summary.units, accuracy: accuracy)
        if let exif = summary.exif {
            capture.deviceMake = exif.make
            capture.deviceModel = exif.model
            capture.capturedAt = capture.capturedAt ?? exif.dateTimeOriginal
        }
        if let gps = summary.gps {
            capture.latitude = gps.latitude
            capture.longitude = gps.longitude
            capture.altitude = gps.altitude
        }
        let kind: AssetKind = [.jpeg, .png].contains(summary.format) ? .photo : .scan
        var request = AssetImportRequest(
            file: URL(filePath: file.path), site: site, survey: survey, asset: asset,
            title: title, kind: kind, format: summary.format.rawValue, summaryJSON: try jsonText(summary),
            capture: capture, relatedFiles: related, warnings: summary.warnings, importerVersion: scanImportVersion)
        request.recordedName = file.name
        request.incoming = file.incoming
        if let copy {
            request.file = copy.url
            request.recordedName = file.name ?? url.lastPathComponent
            request.incoming = copy
        }
        return request
    }
}
