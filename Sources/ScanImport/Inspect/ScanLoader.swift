/// Geometry of a scan file, whatever its format, for comparison and alignment.
public struct LoadedScan: Sendable {
    public var geometry: ScanGeometry
    /// `ply`, `obj`, `las` or `xyz`.
    public var format: String
    /// Coordinate reference system and linear units, when the file says (LAS).
    public var crs: String?
    public var units: String?
    /// For a COPC file read to a level of detail: the levels read and the octree's depth.
    public var copcLevels: COPCLevels?
}

/// How much of a COPC octree a read took: levels 0 to `maximumLevel` of `depth`.
public struct COPCLevels: Sendable, Equatable, Codable {
    public var maximumLevel: Int
    public var depth: Int
    public var pointsRead: Int
    public var pointCount: Int
}

public enum ScanLoader {
    /// Reads the points (and triangles) of a PLY, OBJ, LAS or x y z text file. Photographs are
    /// refused with a message: they have no geometry.
    /// `format` (`ply`, `obj`, `las`, `xyz`) overrides recognition by content and name, for
    /// files stored without an extension (archive blobs). With `positionsOnly`, a PLY file's
    /// vertex properties other than x, y and z are checked but not kept (a comparison needs
    /// neither normals nor colours, and a million normals would hold 24 MB while decoding). A
    /// binary PLY file's x, y and z are decoded straight into interleaved positions.
    /// `keeping` names the other vertex properties to decode as well (a viewer wants `distance`).
    /// `copcLevel` reads a COPC file's octree down to that level only (a quick look at a large
    /// survey); other files are read whole.
    public static func load(
        path: String, format: String? = nil, positionsOnly: Bool = false, keeping: Set<String> = [],
        copcLevel: Int? = nil
    ) throws(ScanImportError) -> LoadedScan {
        let lower = path.lowercased()
        if format == "xyz"
            || (format == nil && (lower.hasSuffix(".txt") || lower.hasSuffix(".xyz") || lower.hasSuffix(".csv")))
        {
            let mapped = try MappedFile.mapping(of: path)
            return try withExtendedLifetime(mapped) { () throws(ScanImportError) -> LoadedScan in
                LoadedScan(geometry: try XYZReader.read(mapped.bytes, file: path), format: "xyz")
            }
        }
        let mapped = try MappedFile.mapping(of: path)
        // Pages are given back behind each reader's pass: the file is never resident whole.
        let release: @Sendable (Int, Int) -> Int = { mapped.releasePages(from: $0, to: $1) }
        return try withExtendedLifetime(mapped) { () throws(ScanImportError) -> LoadedScan in
            let recognised =
                ["obj", "ptx", "pts"].contains(format)
                ? ScanSummary.Format(rawValue: format ?? "") : ScanInspector.format(of: mapped.bytes, path: path)
            switch recognised {
            case .ptx:
                let document = try PTXReader.read(
                    mapped.bytes, file: path, positionsOnly: positionsOnly, releasePages: release)
                return LoadedScan(geometry: document.geometry, format: "ptx")
            case .pts:
                let document = try PTSReader.read(
                    mapped.bytes, file: path, positionsOnly: positionsOnly, releasePages: release)
                return LoadedScan(geometry: document.geometry, format: "pts")
            case .e57:
                let document = try E57Reader.read(
                    mapped.bytes, file: path, positionsOnly: positionsOnly, releasePages: release)
                return LoadedScan(geometry: document.geometry, format: "e57", crs: document.crs)
            case .ply:
                let document = try PLYReader.read(
                    mapped.bytes, file: path,
                    decoding: { element, property in
                        !positionsOnly || element != "vertex" || property == "x" || property == "y" || property == "z"
                            || keeping.contains(property)
                    },
                    releasePages: release, interleavingPositions: true)
                return LoadedScan(geometry: try document.geometry(file: path), format: "ply")
            case .obj:
                return LoadedScan(
                    geometry: try OBJReader.read(
                        mapped.bytes, file: path, releasePages: release
                    ).geometry, format: "obj")
            case .las:
                if let copcLevel, try LASReader.header(mapped.bytes, file: path).copc != nil {
                    let read = try LASReader.read(
                        mapped.bytes, file: path, copc: COPCSelection(maximumLevel: copcLevel))
                    let header = read.document.header
                    return LoadedScan(
                        geometry: read.document.geometry, format: "las", crs: header.crs, units: header.units,
                        copcLevels: COPCLevels(
                            maximumLevel: min(copcLevel, read.hierarchy.depth - 1), depth: read.hierarchy.depth,
                            pointsRead: read.pointsDecoded, pointCount: header.pointCount))
                }
                if positionsOnly {
                    // A comparison needs positions only: no record buffer, no other fields.
                    let header = try LASReader.header(mapped.bytes, file: path)
                    let positions = try LASReader.positions(
                        mapped.bytes, header: header, file: path, releasePages: release)
                    return LoadedScan(
                        geometry: ScanGeometry(positions: positions), format: "las", crs: header.crs,
                        units: header.units)
                }
                let document = try LASReader.read(mapped.bytes, file: path)
                return LoadedScan(
                    geometry: document.geometry, format: "las", crs: document.header.crs, units: document.header.units)
            case .jpeg, .png:
                throw ScanImportError(
                    .unsupported, file: path, "is a photograph; expected a scan (PLY, OBJ, LAS or x y z text)")
            case nil:
                throw ScanImportError(
                    .unsupported, file: path,
                    "is not a scan heritage reads; expected PLY, OBJ, LAS, LAZ, E57, PTX, PTS or x y z text")
            }
        }
    }
}
