/// Writes PLY files that CloudCompare, MeshLab and plyfile open with every field.
///
/// Positions are written as `double` so georeferenced coordinates keep their precision;
/// normals and scalar fields as `float`, colours as `uchar`. Each scalar field becomes a vertex
/// property named `scalar_<name>` (spaces become underscores): CloudCompare loads only
/// properties with that prefix as scalar fields, and shows them under their plain name.
public enum PLYWriter {
    public enum Encoding: Sendable {
        case ascii
        case binaryLittleEndian
    }

    /// The bytes of a PLY file holding `geometry` (points, and triangles when it has any).
    public static func data(_ geometry: ScanGeometry, encoding: Encoding, comments: [String] = []) -> [UInt8] {
        let count = geometry.vertexCount
        let names = geometry.scalarFields.map { field in
            "scalar_" + String(field.name.map { $0 == " " || $0 == "\t" || $0 == "\n" ? "_" : $0 })
        }
        var header = "ply\nformat \(encoding == .ascii ? "ascii" : "binary_little_endian") 1.0\n"
        for comment in comments {
            header += "comment \(comment.split(whereSeparator: \.isNewline).joined(separator: " "))\n"
        }
        header += "element vertex \(count)\nproperty double x\nproperty double y\nproperty double z\n"
        if geometry.normals != nil { header += "property float nx\nproperty float ny\nproperty float nz\n" }
        if geometry.colors != nil {
            header += "property uchar red\nproperty uchar green\nproperty uchar blue\nproperty uchar alpha\n"
        }
        for name in names { header += "property float \(name)\n" }
        if geometry.triangleCount > 0 {
            header += "element face \(geometry.triangleCount)\nproperty list uchar uint vertex_indices\n"
        }
        header += "end_header\n"
        var out = Array(header.utf8)
        let normals = geometry.normals
        let colors = geometry.colors
        let fields = geometry.scalarFields
        switch encoding {
        case .binaryLittleEndian:
            var recordSize = 24 + (normals != nil ? 12 : 0) + (colors != nil ? 4 : 0) + 4 * fields.count
            recordSize *= count
            out.reserveCapacity(out.count + recordSize + geometry.triangleCount * 13)
            func append<T: FixedWidthInteger>(_ value: T) {
                withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
            }
            for index in 0..<count {
                for axis in 0..<3 { append(geometry.positions[index * 3 + axis].bitPattern) }
                if let normals { for axis in 0..<3 { append(normals[index * 3 + axis].bitPattern) } }
                if let colors { out.append(contentsOf: colors[(index * 4)..<(index * 4 + 4)]) }
                for field in fields { append((index < field.values.count ? field.values[index] : .nan).bitPattern) }
            }
            for triangle in 0..<geometry.triangleCount {
                out.append(3)
                for corner in 0..<3 { append(geometry.triangles[triangle * 3 + corner]) }
            }
        case .ascii:
            var text = ""
            text.reserveCapacity(count * 40)
            for index in 0..<count {
                text +=
                    "\(geometry.positions[index * 3]) \(geometry.positions[index * 3 + 1]) \(geometry.positions[index * 3 + 2])"
                if let normals {
                    text += " \(normals[index * 3]) \(normals[index * 3 + 1]) \(normals[index * 3 + 2])"
                }
                if let colors {
                    text +=
                        " \(colors[index * 4]) \(colors[index * 4 + 1]) \(colors[index * 4 + 2]) \(colors[index * 4 + 3])"
                }
                for field in fields { text += " \(index < field.values.count ? field.values[index] : .nan)" }
                text += "\n"
            }
            for triangle in 0..<geometry.triangleCount {
                let base = triangle * 3
                text +=
                    "3 \(geometry.triangles[base]) \(geometry.triangles[base + 1]) \(geometry.triangles[base + 2])\n"
            }
            out += Array(text.utf8)
        }
        return out
    }
}
