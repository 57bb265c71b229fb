extension PLYDocument {
    /// The element holding vertex positions: `vertex`, else the first element with x, y and z.
    var vertexData: PLYElementData? {
        element(named: "vertex")
            ?? elements.first {
                $0.positions != nil || $0.positionBounds != nil || ["x", "y", "z"].allSatisfy($0.scalars.keys.contains)
            }
    }

    /// Points, normals, colours, scalar fields and triangles, with every face index checked.
    ///
    /// Faces come from `face` (`vertex_indices` or `vertex_index`), polygons are fan-triangulated,
    /// and `tristrips` (with -1 restarts) become triangles. A face that names a vertex outside
    /// the file is an error with the line (ASCII) or byte offset (binary) of the face.
    public func geometry(file: String) throws(ScanImportError) -> ScanGeometry {
        guard let vertices = vertexData else {
            return ScanGeometry(positions: [])
        }
        let count = vertices.element.count
        var geometry = ScanGeometry(positions: [])
        if let positions = vertices.positions {
            geometry.positions = positions
        } else if let x = vertices.scalars["x"], let y = vertices.scalars["y"], let z = vertices.scalars["z"] {
            geometry.positions = [Double](unsafeUninitializedCapacity: count * 3) { buffer, initialized in
                x.scatter(into: buffer, stride: 3, offset: 0)
                y.scatter(into: buffer, stride: 3, offset: 1)
                z.scatter(into: buffer, stride: 3, offset: 2)
                initialized = count * 3
            }
        }
        if let nx = vertices.scalars["nx"], let ny = vertices.scalars["ny"], let nz = vertices.scalars["nz"] {
            // Straight to Float: a Double array between would hold twice the normals' memory.
            geometry.normals = [Float](unsafeUninitializedCapacity: count * 3) { buffer, initialized in
                for index in 0..<count {
                    buffer[3 * index] = Float(nx.double(at: index))
                    buffer[3 * index + 1] = Float(ny.double(at: index))
                    buffer[3 * index + 2] = Float(nz.double(at: index))
                }
                initialized = count * 3
            }
        }
        let colorNames =
            ["red", "green", "blue"].allSatisfy(vertices.scalars.keys.contains)
            ? ["red", "green", "blue", "alpha"] : ["diffuse_red", "diffuse_green", "diffuse_blue", "diffuse_alpha"]
        if let red = vertices.scalars[colorNames[0]], let green = vertices.scalars[colorNames[1]],
            let blue = vertices.scalars[colorNames[2]]
        {
            let alpha = vertices.scalars[colorNames[3]]
            func channel(_ column: ScalarColumn, _ index: Int) -> UInt8 {
                let value = column.double(at: index)
                let scaled = column.type.isInteger ? value : value * 255  // float colours are 0...1
                return colorByte(scaled)
            }
            geometry.colors = [UInt8](unsafeUninitializedCapacity: count * 4) { buffer, initialized in
                for index in 0..<count {
                    buffer[index * 4] = channel(red, index)
                    buffer[index * 4 + 1] = channel(green, index)
                    buffer[index * 4 + 2] = channel(blue, index)
                    buffer[index * 4 + 3] = alpha.map { channel($0, index) } ?? 255
                }
                initialized = count * 4
            }
        }
        let known: Set<String> = Set(["x", "y", "z", "nx", "ny", "nz"] + colorNames)
        for property in vertices.element.properties where !known.contains(property.name) {
            if let column = vertices.scalars[property.name] {
                // CloudCompare's (and our writer's) "scalar_" prefix is not part of the field's name.
                let name = property.name.hasPrefix("scalar_") ? String(property.name.dropFirst(7)) : property.name
                // A float column is kept as it is, not widened to doubles and narrowed back.
                let values: [Float]
                if case .float32(let floats) = column {
                    values = floats
                } else {
                    values = column.doubles.map { Float($0) }
                }
                geometry.scalarFields.append(ScalarField(name: name, values: values))
            }
        }
        var triangles: [UInt32] = []
        geometry.polygonCount = try forEachTriangle(file: file, vertexCount: count) { a, b, c in
            triangles.append(a)
            triangles.append(b)
            triangles.append(c)
        }
        geometry.triangles = triangles
        if let edges = element(named: "edge") { geometry.lineCount = edges.element.count }
        return geometry
    }

    /// Calls `body` with each triangle of the faces (fan-triangulated) and triangle strips,
    /// checking every index against `vertexCount`. Returns the number of faces as written.
    func forEachTriangle(
        file: String, vertexCount count: Int, _ body: (UInt32, UInt32, UInt32) -> Void
    ) throws(ScanImportError) -> Int {
        var polygons = 0
        if let faces = element(named: "face"),
            let list = faces.lists["vertex_indices"] ?? faces.lists["vertex_index"]
        {
            polygons = faces.element.count
            for face in 0..<list.count {
                let range = list.range(of: face)
                guard range.count >= 3 else {
                    if range.count == 0 { continue }
                    throw ScanImportError(
                        .malformedBody, file: file, at: location(of: face, in: faces),
                        "face \(face) has \(range.count) vertices; expected at least 3")
                }
                let first = try checkedIndex(list.values, range.lowerBound, vertices: count, face: face, faces, file)
                var previous = try checkedIndex(
                    list.values, range.lowerBound + 1, vertices: count, face: face, faces, file)
                for position in (range.lowerBound + 2)..<range.upperBound {
                    let current = try checkedIndex(list.values, position, vertices: count, face: face, faces, file)
                    body(first, previous, current)
                    previous = current
                }
            }
        }
        if let strips = element(named: "tristrips"), let list = strips.lists["vertex_indices"] {
            polygons += strips.element.count
            for strip in 0..<list.count {
                var window: (UInt32, UInt32) = (0, 0)
                var length = 0
                for position in list.range(of: strip) {
                    if list.values.double(at: position) == -1 {
                        length = 0
                        continue
                    }
                    let current = try checkedIndex(list.values, position, vertices: count, face: strip, strips, file)
                    length += 1
                    if length >= 3 {
                        let (a, b) = window
                        if a != b && b != current && a != current {
                            if length % 2 == 1 { body(a, b, current) } else { body(b, a, current) }
                        }
                    }
                    window = (window.1, current)
                }
            }
        }
        return polygons
    }

    /// Counts and bounds without building the geometry: what `inspect` reports. Every face index
    /// is still checked.
    public func statistics(file: String) throws(ScanImportError) -> (
        vertexCount: Int, polygonCount: Int, triangleCount: Int, lineCount: Int, bounds: Bounds?, nonFiniteCount: Int
    ) {
        guard let vertices = vertexData else { return (0, 0, 0, 0, nil, 0) }
        let count = vertices.element.count
        var triangles = 0
        var polygons = try forEachTriangle(file: file, vertexCount: count) { _, _, _ in triangles += 1 }
        // Faces a summary's read checked and counted instead of keeping them.
        for data in elements {
            guard let counted = data.triangleCount else { continue }
            polygons += counted.polygons
            triangles += counted.triangles
        }
        var bounds: (bounds: Bounds?, nonFinite: Int) = (nil, 0)
        if let summary = vertices.positionBounds {
            bounds = (summary.bounds, summary.nonFinite)
        } else if let positions = vertices.positions {
            bounds = ScanGeometry.finiteBounds(positions)
        } else if let x = vertices.scalars["x"], let y = vertices.scalars["y"], let z = vertices.scalars["z"] {
            let columns = [x, y, z]
            bounds = ScanGeometry.finiteBounds(count: count) { axis, index in columns[axis].double(at: index) }
        }
        return (count, polygons, triangles, element(named: "edge")?.element.count ?? 0, bounds.bounds, bounds.nonFinite)
    }

    private func checkedIndex(
        _ values: ScalarColumn, _ position: Int, vertices: Int, face: Int, _ faces: PLYElementData, _ file: String
    ) throws(ScanImportError) -> UInt32 {
        let value = values.double(at: position)
        guard value >= 0, value < Double(vertices), value == value.rounded() else {
            throw ScanImportError(
                .indexOutOfRange, file: file, at: location(of: face, in: faces),
                "\(faces.element.name) \(face) refers to vertex \(value.formatted); expected 0 to \(vertices - 1)")
        }
        return UInt32(value)
    }

    /// Where record `record` of `data` starts: its line (ASCII, assuming no blank lines) or byte offset.
    func location(of record: Int, in data: PLYElementData) -> ScanImportError.Location {
        var recordsBefore = 0
        var offset = header.bodyOffset
        for other in elements {
            if other.element.name == data.element.name { break }
            recordsBefore += other.element.count
            offset += other.byteSize(records: other.element.count)
        }
        if header.format == .ascii { return .line(header.lineCount + recordsBefore + record + 1) }
        return .byteOffset(offset + data.byteSize(records: record))
    }
}

extension PLYElementData {
    /// The bytes the first `records` records take in a binary body.
    func byteSize(records: Int) -> Int {
        var size = 0
        for property in element.properties {
            switch property.kind {
            case .scalar(let type): size += type.byteCount * records
            case .list(let countType, let itemType):
                let items = lists[property.name].map { $0.offsets[min(records, $0.count)] } ?? 0
                size += countType.byteCount * records + itemType.byteCount * items
            }
        }
        return size
    }

}

extension Double {
    var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}

/// A colour channel value clamped to 0...255 (NaN gives 0), without ever converting an
/// out-of-range double to an integer (which would trap).
func colorByte(_ value: Double) -> UInt8 {
    guard value == value else { return 0 }
    return UInt8(min(255, max(0, value.rounded())))
}
