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

    func read() throws -> [PLYElementData] {
        var offset = header.bodyOffset
        var result: [PLYElementData] = []
        for element in header.elements {
            if let size = element.fixedRecordSize {
                result.append(try readFixed(element, recordSize: size, offset: &offset))
            } else {
                result.append(try readVariable(element, offset: &offset))
            }
        }
        return result
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
        var scalars: [String: ScalarColumn] = [:]
        var fieldOffset = 0
        for property in element.properties {
            guard case .scalar(let type) = property.kind else { continue }
            if decoding?(element.name, property.name) ?? true {
                scalars[property.name] = column(
                    type, count: element.count, start: offset + fieldOffset, stride: recordSize)
            }
            fieldOffset += type.byteCount
        }
        offset += total
        return PLYElementData(element: element, scalars: scalars, lists: [:])
    }

    /// Decodes `count` values of `type` starting at `start`, `stride` bytes apart.
    private func column(_ type: PLYScalarType, count: Int, start: Int, stride: Int) -> ScalarColumn {
        switch type {
        case .int8: .int8(values(Int8.self, count, start, stride))
        case .uint8: .uint8(values(UInt8.self, count, start, stride))
        case .int16: .int16(values(Int16.self, count, start, stride))
        case .uint16: .uint16(values(UInt16.self, count, start, stride))
        case .int32: .int32(values(Int32.self, count, start, stride))
        case .uint32: .uint32(values(UInt32.self, count, start, stride))
        case .float32: .float32(values(UInt32.self, count, start, stride).map { Float(bitPattern: $0) })
        case .float64: .float64(values(UInt64.self, count, start, stride).map { Double(bitPattern: $0) })
        }
    }

    private func values<T: FixedWidthInteger>(_ type: T.Type, _ count: Int, _ start: Int, _ stride: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            var position = start
            if bigEndian {
                for index in 0..<count {
                    buffer[index] = T(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
                    position += stride
                }
            } else {
                for index in 0..<count {
                    buffer[index] = T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
                    position += stride
                }
            }
            initialized = count
        }
    }

    private func readVariable(_ element: PLYElement, offset: inout Int) throws -> PLYElementData {
        // Each record takes at least its scalars and list counts: a count the rest of the file
        // cannot hold is refused before anything is allocated for it.
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
