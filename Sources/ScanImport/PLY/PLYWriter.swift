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
        let header = self.header(
            encoding: encoding, comments: comments, vertexCount: count, normals: geometry.normals != nil,
            colors: geometry.colors != nil, fieldNames: geometry.scalarFields.map(\.name),
            triangleCount: geometry.triangleCount)
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

    /// The header `data` writes: positions as double, then normals, colours and each scalar
    /// field (as `scalar_<name>`, blanks made underscores) as float, then the faces.
    static func header(
        encoding: Encoding, comments: [String], vertexCount: Int, normals: Bool, colors: Bool, fieldNames: [String],
        triangleCount: Int
    ) -> String {
        var header = "ply\nformat \(encoding == .ascii ? "ascii" : "binary_little_endian") 1.0\n"
        for comment in comments {
            header += "comment \(comment.split(whereSeparator: \.isNewline).joined(separator: " "))\n"
        }
        header += "element vertex \(vertexCount)\nproperty double x\nproperty double y\nproperty double z\n"
        if normals { header += "property float nx\nproperty float ny\nproperty float nz\n" }
        if colors { header += "property uchar red\nproperty uchar green\nproperty uchar blue\nproperty uchar alpha\n" }
        for name in fieldNames {
            header += "property float scalar_\(String(name.map { $0 == " " || $0 == "\t" || $0 == "\n" ? "_" : $0 }))\n"
        }
        if triangleCount > 0 { header += "element face \(triangleCount)\nproperty list uchar uint vertex_indices\n" }
        return header + "end_header\n"
    }

    /// Writes a binary point file (the layout `data` gives a cloud with these normals and
    /// scalar fields) through `emit` in blocks of about `blockSize` bytes, asking `record` for
    /// one point at a time: no copy of the whole file, nor of its columns, is ever held.
    /// `record(index, &position, &normal, fields)` fills the point's position, its normal (when
    /// `normals`) and one value per field name.
    public static func writeBinaryPoints(
        count: Int, normals: Bool, fieldNames: [String], comments: [String] = [], blockSize: Int = 1 << 20,
        emit: (UnsafeRawBufferPointer) throws -> Void,
        record: (Int, inout SIMD3<Double>, inout SIMD3<Float>, UnsafeMutableBufferPointer<Float>) -> Void
    ) rethrows {
        let header = Array(
            self.header(
                encoding: .binaryLittleEndian, comments: comments, vertexCount: count, normals: normals, colors: false,
                fieldNames: fieldNames, triangleCount: 0
            ).utf8)
        try header.withUnsafeBytes { try emit($0) }
        let recordSize = 24 + (normals ? 12 : 0) + 4 * fieldNames.count
        let perBlock = max(1, blockSize / recordSize)
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: perBlock * recordSize, alignment: 8)
        defer { block.deallocate() }
        let fields = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(fieldNames.count, 1))
        defer { fields.deallocate() }
        var index = 0
        while index < count {
            let end = min(count, index + perBlock)
            var offset = 0
            for point in index..<end {
                var position = SIMD3<Double>(repeating: .nan)
                var normal = SIMD3<Float>(repeating: .nan)
                fields.initialize(repeating: .nan)
                record(point, &position, &normal, fields)
                for axis in 0..<3 {
                    block.storeBytes(of: position[axis].bitPattern.littleEndian, toByteOffset: offset, as: UInt64.self)
                    offset += 8
                }
                if normals {
                    for axis in 0..<3 {
                        block.storeBytes(
                            of: normal[axis].bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
                        offset += 4
                    }
                }
                for field in 0..<fieldNames.count {
                    block.storeBytes(of: fields[field].bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self)
                    offset += 4
                }
            }
            try emit(UnsafeRawBufferPointer(rebasing: block[0..<offset]))
            index = end
        }
    }
}
