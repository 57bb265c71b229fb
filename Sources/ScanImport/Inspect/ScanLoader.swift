/// Geometry of a scan file, whatever its format, for comparison and alignment.
public struct LoadedScan: Sendable {
    public var geometry: ScanGeometry
    /// `ply`, `obj`, `las` or `xyz`.
    public var format: String
    /// Coordinate reference system and linear units, when the file says (LAS).
    public var crs: String?
    public var units: String?
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
    public static func load(
        path: String, format: String? = nil, positionsOnly: Bool = false, keeping: Set<String> = []
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
        return try withExtendedLifetime(mapped) { () throws(ScanImportError) -> LoadedScan in
            let recognised =
                ["obj", "ptx", "pts"].contains(format)
                ? ScanSummary.Format(rawValue: format ?? "") : ScanInspector.format(of: mapped.bytes, path: path)
            switch recognised {
            case .ptx:
                return LoadedScan(geometry: try PTXReader.read(mapped.bytes, file: path).geometry, format: "ptx")
            case .pts:
                return LoadedScan(geometry: try PTSReader.read(mapped.bytes, file: path).geometry, format: "pts")
            case .e57:
                let document = try E57Reader.read(mapped.bytes, file: path, positionsOnly: positionsOnly)
                return LoadedScan(geometry: document.geometry, format: "e57", crs: document.crs)
            case .ply:
                let document = try PLYReader.read(
                    mapped.bytes, file: path,
                    decoding: { element, property in
                        !positionsOnly || element != "vertex" || property == "x" || property == "y" || property == "z"
                            || keeping.contains(property)
                    },
                    releasePages: { mapped.releasePages(from: $0, to: $1) }, interleavingPositions: true)
                return LoadedScan(geometry: try document.geometry(file: path), format: "ply")
            case .obj:
                return LoadedScan(
                    geometry: try OBJReader.read(
                        mapped.bytes, file: path, releasePages: { mapped.releasePages(from: $0, to: $1) }
                    ).geometry, format: "obj")
            case .las:
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
