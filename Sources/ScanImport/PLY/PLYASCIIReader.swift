import Dispatch

/// Decodes an ASCII PLY body: one record per line, values separated by spaces or tabs.
///
/// The body is split into lines first (a byte scan), then each element's lines are decoded in
/// chunks on all cores and joined in order. A record with too few or too many values, a value
/// that is not a number of the declared type, or a body with too few lines is an error naming
/// the line.
struct PLYASCIIReader: @unchecked Sendable {  // reads immutable mapped bytes only
    let bytes: UnsafeRawBufferPointer
    let header: PLYHeader
    let file: String
    /// Which scalar properties of all-scalar elements to keep (nil: all); the rest are checked only.
    var decoding: ((String, String) -> Bool)? = nil
    /// A summary's read: every value checked, vertices bounded and faces counted a block of
    /// lines at a time, none kept (`PLYElementData.positionBounds`, `.triangleCount`).
    var summarising = false
    /// For a file mapping: gives back the pages of `from..<to` and returns where it stopped.
    var releasePages: ((Int, Int) -> Int)? = nil

    func read() throws -> (elements: [PLYElementData], warnings: [String]) {
        if summarising { return try readSummary() }
        let lines = lineRanges()
        var next = 0
        var result: [PLYElementData] = []
        for element in header.elements {
            guard next + element.count <= lines.count else {
                let found = lines.count - next
                throw ScanImportError(
                    .truncated, file: file, at: .line(lineNumber(at: bytes.count)),
                    "the body ends after \(found) of the \(element.count) records of element '\(element.name)'")
            }
            let slice = Array(lines[next..<(next + element.count)])
            result.append(try decode(element, lines: slice))
            next += element.count
        }
        var warnings: [String] = []
        if next < lines.count {
            warnings.append(
                "\(lines.count - next) line(s) after the last declared record were ignored, from line \(lineNumber(at: lines[next].lowerBound))"
            )
        }
        return (result, warnings)
    }

    /// Reads the body a block of lines at a time, keeping no record: the vertex element's x, y
    /// and z are bounded, faces and strips checked and counted as ``PLYDocument/forEachTriangle``
    /// would, other values checked; the file's pages are given back behind each block. The
    /// same summary as a whole read.
    private func readSummary() throws -> (elements: [PLYElementData], warnings: [String]) {
        let vertices =
            header.elements.first { $0.name == "vertex" }
            ?? header.elements.first { element in
                ["x", "y", "z"].allSatisfy { name in element.properties.contains { $0.name == name } }
            }
        var cursor = header.bodyOffset
        var released = cursor
        var recordsBefore = 0
        var result: [PLYElementData] = []
        let block = 1 << 18
        for element in header.elements {
            let list = vertices.flatMap { _ in PLYBinaryReader.triangleList(of: element) }
            var counter = PLYTriangleCounter(
                element: element.name, strips: list?.strips ?? false, vertexCount: vertices?.count ?? 0, file: file)
            var box = FiniteBox()
            var done = 0
            while done < element.count {
                let wanted = min(block, element.count - done)
                let lines = nextLines(&cursor, count: wanted)
                guard lines.count == wanted else {
                    throw ScanImportError(
                        .truncated, file: file, at: .line(lineNumber(at: bytes.count)),
                        "the body ends after \(done + lines.count) of the \(element.count) records of element '\(element.name)'"
                    )
                }
                let data = try decode(element, lines: lines)
                if let x = data.scalars["x"], let y = data.scalars["y"], let z = data.scalars["z"] {
                    for index in 0..<lines.count {
                        box.add(SIMD3(x.double(at: index), y.double(at: index), z.double(at: index)))
                    }
                }
                if let list, let column = data.lists[list.name] {
                    for index in 0..<lines.count {
                        let range = column.range(of: index)
                        let record = done + index
                        try counter.add(
                            count: range.count, record: record,
                            at: .line(header.lineCount + recordsBefore + record + 1)
                        ) { column.values.double(at: range.lowerBound + $0) }
                    }
                }
                done += lines.count
                if let releasePages { released = releasePages(released, cursor) }
            }
            recordsBefore += element.count
            var summary = PLYElementData(element: element, scalars: [:], lists: [:])
            if element.name == vertices?.name {
                summary.positionBounds = box.result
            }
            if list != nil {
                summary.triangleCount = TriangleCount(polygons: element.count, triangles: counter.triangles)
            }
            result.append(summary)
        }
        // Lines after the last record: counted a block at a time, not kept.
        var warnings: [String] = []
        var rest = 0
        var firstRest: Int?
        while true {
            let lines = nextLines(&cursor, count: block)
            guard let first = lines.first else { break }
            firstRest = firstRest ?? first.lowerBound
            rest += lines.count
        }
        if let firstRest {
            warnings.append(
                "\(rest) line(s) after the last declared record were ignored, from line \(lineNumber(at: firstRest))")
        }
        return (result, warnings)
    }

    /// The byte ranges of up to `count` non-empty lines from `cursor` (without their line
    /// breaks); `cursor` moves past them.
    private func nextLines(_ cursor: inout Int, count: Int, reserving: Int = 0) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(reserving)
        guard let base = bytes.baseAddress else { return [] }
        let end = bytes.count
        while cursor < end && ranges.count < count {
            let start = cursor
            let found = memchr(base + start, 10, end - start)
            let lineEnd = found.map { base.distance(to: UnsafeRawPointer($0)) } ?? end
            var contentEnd = lineEnd
            if contentEnd > start && bytes[contentEnd - 1] == 13 { contentEnd -= 1 }
            if contentEnd > start { ranges.append(start..<contentEnd) }
            cursor = lineEnd + 1
        }
        cursor = min(cursor, end)
        return ranges
    }

    /// The byte ranges of the body's non-empty lines, without their line breaks.
    private func lineRanges() -> [Range<Int>] {
        var cursor = header.bodyOffset
        return nextLines(&cursor, count: .max, reserving: max(16, (bytes.count - header.bodyOffset) / 32))
    }

    /// The 1-based line number of the byte at `offset` (only computed when reporting an error).
    func lineNumber(at offset: Int) -> Int {
        var line = 1
        for index in 0..<min(offset, bytes.count) where bytes[index] == 10 { line += 1 }
        return line
    }

    private func decode(_ element: PLYElement, lines: [Range<Int>]) throws -> PLYElementData {
        if element.fixedRecordSize != nil { return try decodeFixed(element, lines: lines) }
        let chunkSize = 16_384
        let chunkCount = (lines.count + chunkSize - 1) / chunkSize
        let results = UnsafeSlots<Result<[ColumnBuilder], ScanImportError>>(count: chunkCount)
        let reader = self
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = (chunk * chunkSize)..<min(lines.count, (chunk + 1) * chunkSize)
            do throws(ScanImportError) {
                results[chunk] = .success(try reader.decodeChunk(element, lines: lines[range]))
            } catch {
                results[chunk] = .failure(error)
            }
        }
        var builders = element.properties.map { ColumnBuilder(property: $0, reserve: element.count) }
        for chunk in 0..<chunkCount {
            guard let result = results[chunk] else { continue }
            let parts = try result.get()
            for index in builders.indices { builders[index].append(contentsOf: parts[index]) }
        }
        return PLYElementData(element: element, builders: builders)
    }

    /// Elements of scalars only (vertices, usually): every chunk writes its records straight
    /// into one preallocated buffer per property, at the record's index.
    private func decodeFixed(_ element: PLYElement, lines: [Range<Int>]) throws -> PLYElementData {
        let count = lines.count
        let types = element.properties.map { property -> PLYScalarType in
            if case .scalar(let type) = property.kind { return type }
            preconditionFailure("decodeFixed is only called for elements of scalars")
        }
        let kept = element.properties.map { decoding?(element.name, $0.name) ?? true }
        let buffers = zip(types, kept).map { type, keep in
            keep ? UnsafeMutableRawPointer.allocate(byteCount: max(1, count * type.byteCount), alignment: 8) : nil
        }
        var released = [Bool](repeating: false, count: buffers.count)
        defer {
            for (index, buffer) in buffers.enumerated() where !released[index] { buffer?.deallocate() }
        }
        let targets = UnsafeSlots<UnsafeMutableRawPointer>(count: buffers.count)
        for (index, buffer) in buffers.enumerated() { targets[index] = buffer }
        let chunkSize = 16_384
        let chunkCount = (count + chunkSize - 1) / chunkSize
        let failures = UnsafeSlots<ScanImportError>(count: max(1, chunkCount))
        let reader = self
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize)
            do throws(ScanImportError) {
                try reader.decodeFixedChunk(element, types, lines, range, targets)
            } catch {
                failures[chunk] = error
            }
        }
        for chunk in 0..<chunkCount {
            if let failure = failures[chunk] { throw failure }
        }
        var scalars: [String: ScalarColumn] = [:]
        for (index, property) in element.properties.enumerated() {
            guard let raw = buffers[index] else { continue }
            scalars[property.name] = ScalarColumn(copying: UnsafeRawPointer(raw), type: types[index], count: count)
            raw.deallocate()  // one column at a time: the copy never doubles the whole element
            released[index] = true
        }
        return PLYElementData(element: element, scalars: scalars, lists: [:])
    }

    private func decodeFixedChunk(
        _ element: PLYElement, _ types: [PLYScalarType], _ lines: [Range<Int>], _ range: Range<Int>,
        _ targets: UnsafeSlots<UnsafeMutableRawPointer>
    ) throws(ScanImportError) {
        let pointers = (0..<types.count).map { targets[$0] }
        for record in range {
            let line = lines[record]
            var cursor = line.lowerBound
            for (index, type) in types.enumerated() {
                guard let token = nextToken(&cursor, end: line.upperBound) else {
                    throw ScanImportError(
                        .malformedBody, file: file, at: .line(lineNumber(at: line.lowerBound)),
                        "expected \(type.rawValue) '\(element.properties[index].name)' of element '\(element.name)'; the line ends"
                    )
                }
                let target = pointers[index]  // nil: check the value, keep nothing
                switch type {
                case .float32, .float64:
                    guard let number = NumberParsing.double(bytes, token.lowerBound, token.upperBound) else {
                        throw ScanImportError(
                            .malformedBody, file: file, at: .line(lineNumber(at: line.lowerBound)),
                            "'\(text(token))' is not a number; expected \(type.rawValue) '\(element.properties[index].name)'"
                        )
                    }
                    if type == .float32 {
                        target?.storeBytes(of: Float(number), toByteOffset: record * 4, as: Float.self)
                    } else {
                        target?.storeBytes(of: number, toByteOffset: record * 8, as: Double.self)
                    }
                default:
                    guard let number = NumberParsing.integer(bytes, token.lowerBound, token.upperBound),
                        type.integerRange.contains(number)
                    else {
                        throw ScanImportError(
                            .malformedBody, file: file, at: .line(lineNumber(at: line.lowerBound)),
                            "'\(text(token))' is not a \(type.rawValue); expected \(type.rawValue) '\(element.properties[index].name)'"
                        )
                    }
                    switch type {
                    case .int8: target?.storeBytes(of: Int8(number), toByteOffset: record, as: Int8.self)
                    case .uint8: target?.storeBytes(of: UInt8(number), toByteOffset: record, as: UInt8.self)
                    case .int16: target?.storeBytes(of: Int16(number), toByteOffset: record * 2, as: Int16.self)
                    case .uint16: target?.storeBytes(of: UInt16(number), toByteOffset: record * 2, as: UInt16.self)
                    case .int32: target?.storeBytes(of: Int32(number), toByteOffset: record * 4, as: Int32.self)
                    default: target?.storeBytes(of: UInt32(number), toByteOffset: record * 4, as: UInt32.self)
                    }
                }
            }
            if nextToken(&cursor, end: line.upperBound) != nil {
                throw ScanImportError(
                    .malformedBody, file: file, at: .line(lineNumber(at: line.lowerBound)),
                    "more values than element '\(element.name)' declares; expected \(element.properties.count) properties"
                )
            }
        }
    }

    private func decodeChunk(_ element: PLYElement, lines: ArraySlice<Range<Int>>) throws(ScanImportError)
        -> [ColumnBuilder]
    {
        var builders = element.properties.map { ColumnBuilder(property: $0, reserve: lines.count) }
        for line in lines {
            var cursor = line.lowerBound
            func fail(_ message: String) -> ScanImportError {
                ScanImportError(.malformedBody, file: file, at: .line(lineNumber(at: line.lowerBound)), message)
            }
            for index in builders.indices {
                switch builders[index].property.kind {
                case .scalar(let type):
                    guard let token = nextToken(&cursor, end: line.upperBound) else {
                        throw fail(
                            "expected \(type.rawValue) '\(builders[index].property.name)' of element '\(element.name)'; the line ends"
                        )
                    }
                    builders[index].appendScalar(
                        try value(token, type: type, name: builders[index].property.name, fail))
                case .list(let countType, let itemType):
                    let name = builders[index].property.name
                    guard let token = nextToken(&cursor, end: line.upperBound) else {
                        throw fail(
                            "expected the item count of list '\(name)' of element '\(element.name)'; the line ends")
                    }
                    let count = try value(token, type: countType, name: "\(name) (count)", fail).integer
                    guard count >= 0 else { throw fail("list '\(name)' has a negative item count \(count)") }
                    var items: [PLYValue] = []
                    // Each item takes at least two bytes of the line: never reserve more than fit.
                    items.reserveCapacity(min(Int(count), (line.upperBound - cursor) / 2 + 1))
                    for item in 0..<Int(count) {
                        guard let itemToken = nextToken(&cursor, end: line.upperBound) else {
                            throw fail("list '\(name)' announces \(count) items; the line ends after \(item)")
                        }
                        items.append(try value(itemToken, type: itemType, name: name, fail))
                    }
                    builders[index].appendList(count: items.count) { append in items.forEach(append) }
                }
            }
            if nextToken(&cursor, end: line.upperBound) != nil {
                throw fail(
                    "more values than element '\(element.name)' declares; expected \(element.properties.count) properties"
                )
            }
        }
        return builders
    }

    @inline(__always)
    private func nextToken(_ cursor: inout Int, end: Int) -> Range<Int>? {
        while cursor < end, bytes[cursor] == 32 || bytes[cursor] == 9 { cursor += 1 }
        guard cursor < end else { return nil }
        let start = cursor
        while cursor < end, bytes[cursor] != 32 && bytes[cursor] != 9 { cursor += 1 }
        return start..<cursor
    }

    @inline(__always)
    private func value(
        _ token: Range<Int>, type: PLYScalarType, name: String, _ fail: (String) -> ScanImportError
    ) throws(ScanImportError) -> PLYValue {
        if type.isInteger {
            guard let number = NumberParsing.integer(bytes, token.lowerBound, token.upperBound) else {
                throw fail("'\(text(token))' is not an integer; expected \(type.rawValue) '\(name)'")
            }
            guard type.integerRange.contains(number) else {
                throw fail("\(number) does not fit \(type.rawValue) '\(name)'")
            }
            return .integer(number)
        }
        guard let number = NumberParsing.double(bytes, token.lowerBound, token.upperBound) else {
            throw fail("'\(text(token))' is not a number; expected \(type.rawValue) '\(name)'")
        }
        return .real(number)
    }

    private func text(_ token: Range<Int>) -> String {
        let clipped = token.lowerBound..<min(token.upperBound, token.lowerBound + 40)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[clipped]), as: UTF8.self)
    }
}

extension ColumnBuilder {
    /// Appends another builder's values (for the same property) after this one's.
    mutating func append(contentsOf other: ColumnBuilder) {
        values.append(contentsOf: other.values)
        if case .list = property.kind {
            let base = offsets[offsets.count - 1]
            offsets.append(contentsOf: other.offsets.dropFirst().map { $0 + base })
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
