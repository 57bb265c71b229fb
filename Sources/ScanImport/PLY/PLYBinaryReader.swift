/// Decodes a binary PLY body (either byte order) straight from mapped bytes.
///
/// Elements whose records are all scalars are decoded column by column with a fixed stride;
/// elements with lists are walked record by record. Every read is bounds-checked first: a short
/// body is an error naming the byte offset and what was expected there.
struct PLYBinaryReader {
    let bytes: UnsafeRawBufferPointer
    let header: PLYHeader
    let file: String
    let bigEndian: Bool
    /// Which scalar properties of all-scalar elements to decode (nil: all).
    var decoding: ((String, String) -> Bool)? = nil
    /// For a file mapping: gives back the pages of `from..<to` and returns where it stopped.
    var releasePages: ((Int, Int) -> Int)? = nil
    /// Decode an all-scalar element's x, y and z straight into interleaved `Double` positions
    /// (`PLYElementData.positions`) instead of three columns.
    var interleavingPositions = false
    /// With `interleavingPositions`: bound x, y and z block by block instead of keeping them
    /// (`PLYElementData.positionBounds`), so a summary's memory does not grow with the file.
    var boundingPositions = false

    /// Every element's data, and the offset where the last record ends.
    func read() throws -> (elements: [PLYElementData], end: Int) {
        var offset = header.bodyOffset
        var result: [PLYElementData] = []
        // A summary checks faces against the vertices the header declares, and keeps none.
        let vertices =
            header.elements.first { $0.name == "vertex" }
            ?? header.elements.first { element in
                ["x", "y", "z"].allSatisfy { name in element.properties.contains { $0.name == name } }
            }
        for element in header.elements {
            if let size = element.fixedRecordSize {
                result.append(try readFixed(element, recordSize: size, offset: &offset))
            } else if boundingPositions, let vertices, let (list, strips) = Self.triangleList(of: element) {
                result.append(
                    try countTriangles(
                        element, list: list, strips: strips, vertexCount: vertices.count, offset: &offset))
            } else {
                result.append(try readVariable(element, offset: &offset))
            }
        }
        return (result, offset)
    }

    /// The list that holds an element's triangles, as ``PLYDocument/forEachTriangle`` reads
    /// them: a face's `vertex_indices` (or `vertex_index`), a triangle strip's `vertex_indices`.
    static func triangleList(of element: PLYElement) -> (name: String, strips: Bool)? {
        func hasList(_ name: String) -> Bool {
            element.properties.contains { property in
                if case .list = property.kind { return property.name == name }
                return false
            }
        }
        switch element.name {
        case "face":
            return hasList("vertex_indices")
                ? ("vertex_indices", false) : hasList("vertex_index") ? ("vertex_index", false) : nil
        case "tristrips": return hasList("vertex_indices") ? ("vertex_indices", true) : nil
        default: return nil
        }
    }

    /// Checks and counts an element's faces (fan-triangulated) or strips (-1 restarts a strip;
    /// degenerate triangles are dropped) record by record, keeping none, with the same checks and
    /// messages as ``PLYDocument/forEachTriangle``; pages are given back behind the records.
    private func countTriangles(
        _ element: PLYElement, list: String, strips: Bool, vertexCount: Int, offset: inout Int
    ) throws -> PLYElementData {
        try checkRecordCount(element, offset: offset)
        var counter = PLYTriangleCounter(element: element.name, strips: strips, vertexCount: vertexCount, file: file)
        var released = offset
        for record in 0..<element.count {
            let recordStart = offset
            for property in element.properties {
                switch property.kind {
                case .scalar(let type):
                    guard offset + type.byteCount <= bytes.count else {
                        throw truncated(element, record: record, offset: offset, needed: type.byteCount)
                    }
                    offset += type.byteCount
                case .list(let countType, let itemType):
                    let (items, size) = try listExtent(
                        element, record: record, countType: countType, itemType: itemType, offset: &offset)
                    guard property.name == list else {
                        offset += size
                        continue
                    }
                    let start = offset
                    try counter.add(count: items, record: record, at: .byteOffset(recordStart)) { position in
                        load(itemType, at: start + position * itemType.byteCount).double
                    }
                    offset += size
                }
            }
            if let releasePages, offset - released >= 16 << 20 { released = releasePages(released, offset) }
        }
        return PLYElementData(
            element: element, scalars: [:], lists: [:],
            triangleCount: TriangleCount(polygons: element.count, triangles: counter.triangles))
    }

    /// A record's list: its item count (not negative) and the bytes its items take (inside the
    /// file), both checked; `offset` moves past the count, to the first item.
    private func listExtent(
        _ element: PLYElement, record: Int, countType: PLYScalarType, itemType: PLYScalarType, offset: inout Int
    ) throws -> (items: Int, size: Int) {
        guard offset + countType.byteCount <= bytes.count else {
            throw truncated(element, record: record, offset: offset, needed: countType.byteCount)
        }
        let rawCount = load(countType, at: offset)
        guard rawCount.integer >= 0 else {
            throw ScanImportError(
                .malformedBody, file: file, at: .byteOffset(offset),
                "record \(record) of element '\(element.name)' has a list of \(rawCount.integer) items; expected a count of 0 or more"
            )
        }
        offset += countType.byteCount
        let items = Int(rawCount.integer)
        let (size, overflow) = items.multipliedReportingOverflow(by: itemType.byteCount)
        guard !overflow, offset + size <= bytes.count else {
            throw truncated(element, record: record, offset: offset, needed: size)
        }
        return (items, size)
    }

    private func truncated(_ element: PLYElement, record: Int, offset: Int, needed: Int) -> ScanImportError {
        ScanImportError(
            .truncated, file: file, at: .byteOffset(offset),
            "the body ends inside record \(record) of element '\(element.name)' (of \(element.count)); expected \(needed) more bytes, the file has \(max(0, bytes.count - offset))"
        )
    }

    private func readFixed(_ element: PLYElement, recordSize: Int, offset: inout Int) throws -> PLYElementData {
        let (total, overflow) = recordSize.multipliedReportingOverflow(by: element.count)
        if overflow || offset + total > bytes.count {
            let available = max(0, bytes.count - offset)
            let record = recordSize == 0 ? 0 : available / recordSize
            throw truncated(element, record: record, offset: offset + record * recordSize, needed: recordSize)
        }
        // Properties to keep, with their position in the record.
        var kept: [(name: String, type: PLYScalarType, field: Int)] = []
        var fieldOffset = 0
        for property in element.properties {
            guard case .scalar(let type) = property.kind else { continue }
            if decoding?(element.name, property.name) ?? true { kept.append((property.name, type, fieldOffset)) }
            fieldOffset += type.byteCount
        }
        // x, y and z, when they go straight into interleaved positions.
        var axes: [(type: PLYScalarType, field: Int)] = []
        if interleavingPositions {
            let found = ["x", "y", "z"].compactMap { name in kept.first { $0.name == name } }
            if found.count == 3 {
                axes = found.map { ($0.type, $0.field) }
                kept.removeAll { ["x", "y", "z"].contains($0.name) }
            }
        }
        // Decode block by block; behind the decoded blocks, a file mapping's pages are given back
        // so that peak memory is the columns, not the columns plus the file.
        let count = element.count
        let buffers = kept.map {
            UnsafeMutableRawPointer.allocate(byteCount: max(1, count * $0.type.byteCount), alignment: 8)
        }
        var converted = 0  // buffers before this index were turned into arrays and freed
        defer { buffers[converted...].forEach { $0.deallocate() } }
        let blockSize = 1 << 16
        let bounding = boundingPositions && !axes.isEmpty
        var positions = [Double](repeating: 0, count: axes.isEmpty ? 0 : 3 * (bounding ? min(count, blockSize) : count))
        var box = FiniteBox()
        var released = offset
        for blockStart in stride(from: 0, to: count, by: blockSize) {
            let blockEnd = min(count, blockStart + blockSize)
            for (index, property) in kept.enumerated() {
                let start = offset + blockStart * recordSize + property.field
                let target = buffers[index] + blockStart * property.type.byteCount
                switch property.type.byteCount {
                case 1: copy(UInt8.self, blockEnd - blockStart, start, recordSize, target)
                case 2: copy(UInt16.self, blockEnd - blockStart, start, recordSize, target)
                case 4: copy(UInt32.self, blockEnd - blockStart, start, recordSize, target)
                default: copy(UInt64.self, blockEnd - blockStart, start, recordSize, target)
                }
            }
            if !axes.isEmpty {
                // Bounding reuses one block's worth of positions; keeping fills them all.
                let first = bounding ? 0 : blockStart
                positions.withUnsafeMutableBufferPointer { out in
                    guard let out = out.baseAddress else { return }
                    for (axis, property) in axes.enumerated() {
                        widen(
                            property.type, blockEnd - blockStart, offset + blockStart * recordSize + property.field,
                            recordSize, out + 3 * first + axis)
                    }
                    guard bounding else { return }
                    for index in 0..<(blockEnd - blockStart) {
                        box.add(SIMD3(out[3 * index], out[3 * index + 1], out[3 * index + 2]))
                    }
                }
            }
            if let releasePages { released = releasePages(released, offset + blockEnd * recordSize) }
        }
        var scalars: [String: ScalarColumn] = [:]
        for (index, property) in kept.enumerated() {
            scalars[property.name] = ScalarColumn(
                copying: UnsafeRawPointer(buffers[index]), type: property.type, count: count)
            buffers[index].deallocate()  // one column at a time: the copy never doubles them all
            converted = index + 1
        }
        offset += total
        if bounding {
            return PLYElementData(element: element, scalars: scalars, lists: [:], positionBounds: box.result)
        }
        return PLYElementData(
            element: element, scalars: scalars, lists: [:], positions: axes.isEmpty ? nil : positions)
    }

    /// Copies `count` values of `T`'s width from `start`, `stride` bytes apart, into `target`,
    /// converted from the file's byte order to the machine's. Floats travel as their bit patterns.
    private func copy<T: FixedWidthInteger>(
        _: T.Type, _ count: Int, _ start: Int, _ stride: Int, _ target: UnsafeMutableRawPointer
    ) {
        let output = target.assumingMemoryBound(to: T.self)
        var position = start
        for index in 0..<count {
            let raw = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
            output[index] = bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
            position += stride
        }
    }

    /// Writes `count` values of `type`, `stride` bytes apart from `start`, widened to `Double`,
    /// to every third slot of `target` (one axis of interleaved positions).
    private func widen(
        _ type: PLYScalarType, _ count: Int, _ start: Int, _ stride: Int, _ target: UnsafeMutablePointer<Double>
    ) {
        func each<T: FixedWidthInteger>(_: T.Type, _ convert: (T) -> Double) {
            var position = start
            for index in 0..<count {
                let raw = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
                target[3 &* index] = convert(bigEndian ? T(bigEndian: raw) : T(littleEndian: raw))
                position &+= stride
            }
        }
        switch type {
        case .int8: each(Int8.self) { Double($0) }
        case .uint8: each(UInt8.self) { Double($0) }
        case .int16: each(Int16.self) { Double($0) }
        case .uint16: each(UInt16.self) { Double($0) }
        case .int32: each(Int32.self) { Double($0) }
        case .uint32: each(UInt32.self) { Double($0) }
        case .float32: each(UInt32.self) { Double(Float(bitPattern: $0)) }
        case .float64: each(UInt64.self) { Double(bitPattern: $0) }
        }
    }

    /// Each record takes at least its scalars and list counts: a count the rest of the file
    /// cannot hold is refused before anything is allocated for it.
    private func checkRecordCount(_ element: PLYElement, offset: Int) throws {
        let minimumRecord = element.properties.reduce(0) { total, property in
            switch property.kind {
            case .scalar(let type): total + type.byteCount
            case .list(let count, _): total + count.byteCount
            }
        }
        let remaining = max(0, bytes.count - offset)
        if minimumRecord > 0 && element.count > remaining / minimumRecord {
            throw ScanImportError(
                .truncated, file: file, at: .byteOffset(offset),
                "element '\(element.name)' declares \(element.count) records of at least \(minimumRecord) bytes; only \(remaining) bytes remain"
            )
        }
    }

    private func readVariable(_ element: PLYElement, offset: inout Int) throws -> PLYElementData {
        try checkRecordCount(element, offset: offset)
        var builders = element.properties.map { ColumnBuilder(property: $0, reserve: element.count) }
        for record in 0..<element.count {
            for index in builders.indices {
                switch builders[index].property.kind {
                case .scalar(let type):
                    guard offset + type.byteCount <= bytes.count else {
                        throw truncated(element, record: record, offset: offset, needed: type.byteCount)
                    }
                    builders[index].appendScalar(load(type, at: offset))
                    offset += type.byteCount
                case .list(let countType, let itemType):
                    let (items, size) = try listExtent(
                        element, record: record, countType: countType, itemType: itemType, offset: &offset)
                    builders[index].appendList(count: items) { append in
                        for item in 0..<items { append(load(itemType, at: offset + item * itemType.byteCount)) }
                    }
                    offset += size
                }
            }
        }
        return PLYElementData(element: element, builders: builders)
    }

    @inline(__always)
    private func load(_ type: PLYScalarType, at offset: Int) -> PLYValue {
        func integer<T: FixedWidthInteger>(_: T.Type) -> T {
            let raw = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
            return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
        }
        switch type {
        case .int8: return .integer(Int64(integer(Int8.self)))
        case .uint8: return .integer(Int64(integer(UInt8.self)))
        case .int16: return .integer(Int64(integer(Int16.self)))
        case .uint16: return .integer(Int64(integer(UInt16.self)))
        case .int32: return .integer(Int64(integer(Int32.self)))
        case .uint32: return .integer(Int64(integer(UInt32.self)))
        case .float32: return .real(Double(Float(bitPattern: integer(UInt32.self))))
        case .float64: return .real(Double(bitPattern: integer(UInt64.self)))
        }
    }
}
