/// Recognises a file by its first bytes (and, for OBJ, its extension) and summarises it.
public enum ScanInspector {
    /// Which reader a file needs, from its magic number or extension.
    public static func format(of bytes: UnsafeRawBufferPointer, path: String) -> ScanSummary.Format? {
        func starts(with magic: [UInt8]) -> Bool {
            bytes.count >= magic.count && zip(bytes, magic).allSatisfy { $0 == $1 }
        }
        if starts(with: Array("ply".utf8)) && bytes.count >= 4 && (bytes[3] == 10 || bytes[3] == 13) { return .ply }
        if starts(with: Array("LASF".utf8)) { return .las }
        if starts(with: E57File.signature) { return .e57 }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        let lower = path.lowercased()
        if lower.hasSuffix(".obj") { return .obj }
        if lower.hasSuffix(".ply") { return .ply }
        if lower.hasSuffix(".ptx") { return .ptx }
        if lower.hasSuffix(".pts") { return .pts }
        return nil
    }

    /// Reads the file at `path` completely (every face checked) and summarises it.
    public static func inspect(path: String) throws(ScanImportError) -> ScanSummary {
        try examine(path: path).summary
    }

    /// Reads the file at `path` completely and returns its summary and the files it refers to;
    /// with `imageBytes`, an E57 file's images carry their JPEG or PNG bytes (for importing
    /// them; a summary needs only their cameras). `pass` follows the read: it is handed every
    /// byte of the file once, in order, as the reader gets past it, and told how far it has got.
    public static func examine(
        path: String, imageBytes: Bool = false, pass: FilePass? = nil
    ) throws(ScanImportError) -> Inspection {
        let mapped = try MappedFile.mapping(of: path, pass: pass)
        defer { withExtendedLifetime(mapped) {} }  // the readers work on the mapping itself
        let inspection = try examine(mapped, path: path, imageBytes: imageBytes)
        mapped.finishPass()
        return inspection
    }

    private static func examine(
        _ mapped: MappedFile, path: String, imageBytes: Bool
    ) throws(ScanImportError) -> Inspection {
        guard let format = format(of: mapped.bytes, path: path) else {
            throw ScanImportError(
                .unsupported, file: path,
                "is not a format heritage reads; expected PLY, OBJ, LAS, LAZ, E57, JPEG or PNG (recognised by content), or .obj, .ptx or .pts by name"
            )
        }
        switch format {
        case .ply:
            // A summary needs the positions' box and the faces (checked), not normals or colours:
            // a binary file's vertices are bounded block by block and none is kept.
            let document = try PLYReader.read(
                mapped.bytes, file: path,
                decoding: { element, property in element != "vertex" || ["x", "y", "z"].contains(property) },
                releasePages: { mapped.releasePages(from: $0, to: $1) }, interleavingPositions: true,
                boundingPositions: true)
            return Inspection(summary: try ScanSummary(ply: document, file: path))
        case .obj:
            // Every line read and checked, the vertices bounded and counted; none kept.
            let document = try OBJReader.read(
                mapped.bytes, file: path, releasePages: { mapped.releasePages(from: $0, to: $1) }, summaryOnly: true)
            let related = OBJRelatedFiles.resolve(objPath: path, libraries: document.materialLibraries)
            return Inspection(summary: ScanSummary(obj: document, related: related), references: related.references)
        case .jpeg, .png:
            var photo = try PhotoReader.read(mapped.bytes, file: path)
            photo.warnings += try ImageDecoder.decode(mapped.bytes, format: photo.format, file: path, scale: 8).warnings
            return Inspection(summary: ScanSummary(photo: photo), photo: photo)
        case .ptx:
            // One pass that keeps no point: memory does not grow with the file.
            let document = try PTXReader.read(
                mapped.bytes, file: path, summaryOnly: true, releasePages: { mapped.releasePages(from: $0, to: $1) })
            return Inspection(summary: ScanSummary(text: document, format: .ptx))
        case .pts:
            let document = try PTSReader.read(
                mapped.bytes, file: path, summaryOnly: true, releasePages: { mapped.releasePages(from: $0, to: $1) })
            return Inspection(summary: ScanSummary(text: document, format: .pts))
        case .e57:
            // Every point decoded, placed and bounded; none kept.
            let document = try E57Reader.read(
                mapped.bytes, file: path, images: imageBytes, summaryOnly: true,
                releasePages: { mapped.releasePages(from: $0, to: $1) })
            var inspection = Inspection(summary: ScanSummary(e57: document))
            inspection.images = document.images
            return inspection
        case .las:
            // A summary needs the header and the points' bounds: one pass that keeps no point.
            let header = try LASReader.header(mapped.bytes, file: path)
            let hierarchy = try header.copc.map { info throws(ScanImportError) in
                try COPCHierarchy.read(mapped.bytes, header: header, info: info, file: path)
            }
            let bounds = try LASReader.pointBounds(
                mapped.bytes, header: header, file: path, releasePages: { mapped.releasePages(from: $0, to: $1) })
            return Inspection(summary: ScanSummary(las: header, bounds: bounds, copc: hierarchy))
        }
    }
}

/// A file's summary and the files it refers to (resolved on disk where they exist).
public struct Inspection: Sendable {
    public var summary: ScanSummary
    public var references: [OBJRelatedFiles.Reference] = []
    /// For a photograph: its full metadata (exposure, lens, GPS time and direction, …).
    public var photo: PhotoMetadata?
    /// For an E57 file: the photographs it carries (with their bytes when asked for).
    public var images: [E57Image] = []
}

/// The version of the readers, recorded with every imported asset version.
public let scanImportVersion = "heritage-scanimport 0.1.0"
