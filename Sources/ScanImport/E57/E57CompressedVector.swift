/// One field of a compressed vector's records, as its prototype declares it, and how the
/// bitpack codec (E2807 §9.8) stores it: integers as `bits` bits above their minimum, least
/// significant bit first; floats as their IEEE bytes.
struct E57Field {
    enum Kind: Equatable {
        case float32
        case float64
        /// value = raw + minimum.
        case integer(minimum: Int64)
        /// value = (raw + minimum) · scale + offset.
        case scaled(minimum: Int64, scale: Double, offset: Double)
    }

    var name: String
    var kind: Kind
    var bits: Int
    /// The declared range (floats: when given), for normalising colours and intensities.
    var minimum: Double?
    var maximum: Double?

    init(_ element: E57Element, file: E57File) throws(ScanImportError) {
        name = element.name
        func integer(_ key: String, _ fallback: Int64) throws(ScanImportError) -> Int64 {
            guard let text = element.attributes[key] else { return fallback }
            guard let value = Int64(text) else {
                throw file.xmlError(
                    .malformedHeader, element, "the field \(element.name)'s \(key) \"\(text)\" is not an integer")
            }
            return value
        }
        func bitsFor(_ low: Int64, _ high: Int64) throws(ScanImportError) -> Int {
            guard high >= low else {
                throw file.xmlError(
                    .malformedHeader, element, "the field \(element.name)'s maximum \(high) is below its minimum \(low)"
                )
            }
            let range = UInt64(bitPattern: high &- low)
            return range == 0 ? 0 : 64 - range.leadingZeroBitCount
        }
        switch element.type {
        case "Float":
            let single = element.attributes["precision"] == "single"
            kind = single ? .float32 : .float64
            bits = single ? 32 : 64
            minimum = element.attributes["minimum"].flatMap(Double.init)
            maximum = element.attributes["maximum"].flatMap(Double.init)
        case "Integer":
            let low = try integer("minimum", Int64.min)
            let high = try integer("maximum", Int64.max)
            kind = .integer(minimum: low)
            bits = try bitsFor(low, high)
            minimum = Double(low)
            maximum = Double(high)
        case "ScaledInteger":
            let low = try integer("minimum", Int64.min)
            let high = try integer("maximum", Int64.max)
            let scale = element.attributes["scale"].flatMap(Double.init) ?? 1
            let offset = element.attributes["offset"].flatMap(Double.init) ?? 0
            kind = .scaled(minimum: low, scale: scale, offset: offset)
            bits = try bitsFor(low, high)
            minimum = Double(low) * scale + offset
            maximum = Double(high) * scale + offset
        default:
            throw file.xmlError(
                .unsupported, element,
                "the point field \(element.name) is of type \(element.type.isEmpty ? "(none)" : element.type); heritage reads Integer, ScaledInteger and Float fields"
            )
        }
    }
}

/// Decodes a compressed vector section (E2807 §9): data packets, each holding a piece of
/// every field's bytestream, read in order; index and empty packets are skipped. Records are
/// handed over a packet's worth at a time, as columns of doubles, so memory stays bounded by a
/// packet whatever the file's size.
struct E57CompressedVectorDecoder {
    let file: E57File
    let fields: [E57Field]
    let recordCount: Int
    /// Logical offsets of the section's start and end, and of its first data packet.
    let sectionStart: Int
    let sectionEnd: Int
    let dataStart: Int

    init(file: E57File, physicalOffset: Int, fields: [E57Field], recordCount: Int) throws(ScanImportError) {
        self.file = file
        self.fields = fields
        self.recordCount = recordCount
        let name = file.file
        guard let start = file.logical(physical: physicalOffset), start + 32 <= file.logicalLength else {
            throw ScanImportError(
                .malformedBody, file: name, at: .byteOffset(physicalOffset),
                "a compressed vector's section is said to begin at byte \(physicalOffset), outside the file's data")
        }
        let header = try file.read(logical: start, count: 32, "a compressed vector's section header")
        guard header[0] == 1 else {
            throw ScanImportError(
                .malformedBody, file: name, at: .byteOffset(physicalOffset),
                "the compressed vector's section header has id \(header[0]); expected 1: the header is invalid")
        }
        let length = file.u64(logical: start + 8)
        let dataPhysical = file.u64(logical: start + 16)
        guard length >= 32, length <= UInt64(file.logicalLength - start) else {
            throw ScanImportError(
                .malformedBody, file: name, at: .byteOffset(physicalOffset + 8),
                "the compressed vector's section is \(length) bytes long, past the file's end")
        }
        sectionStart = start
        sectionEnd = start + Int(length)
        guard dataPhysical <= UInt64(Int.max), let data = file.logical(physical: Int(dataPhysical)),
            recordCount == 0 || (data >= start + 32 && data < sectionEnd)
        else {
            throw ScanImportError(
                .malformedBody, file: name, at: .byteOffset(physicalOffset + 16),
                "the compressed vector's first data packet, at byte \(dataPhysical), is outside its section")
        }
        dataStart = data
        // A record takes a bit at least (as many as its fields' bits): a file cannot claim more
        // records than its section holds.
        let bitsPerRecord = max(1, fields.reduce(0) { $0 + $1.bits })
        guard recordCount <= (sectionEnd - sectionStart) * 8 / bitsPerRecord else {
            throw ScanImportError(
                .malformedBody, file: name, at: .byteOffset(physicalOffset),
                "the compressed vector claims \(recordCount) records of \(bitsPerRecord) bits in a \(sectionEnd - sectionStart)-byte section"
            )
        }
    }

    /// Calls `body` with each batch of records: one column of values per field, all of the
    /// same length.
    func decode(_ body: (_ columns: [[Double]], _ count: Int) throws(ScanImportError) -> Void) throws(ScanImportError) {
        var streams = fields.map { BitStream(bits: $0.bits) }
        var done = 0
        var position = dataStart
        var columns = [[Double]](repeating: [], count: fields.count)
        let name = file.file
        // The section's pages are given back behind the packets read, 4 MiB at a time.
        var released = file.physical(logical: dataStart)
        while done < recordCount {
            guard position + 4 <= sectionEnd else {
                throw ScanImportError(
                    .truncated, file: name, at: .byteOffset(file.physical(logical: min(position, sectionEnd))),
                    "the compressed vector's data ends after \(done) of its \(recordCount) records")
            }
            let head = try file.read(logical: position, count: 6, "a packet header")
            let type = head[0]
            let length = Int(UInt16(head[2]) | UInt16(head[3]) << 8) + 1
            guard position + length <= sectionEnd else {
                throw ScanImportError(
                    .truncated, file: name, at: .byteOffset(file.physical(logical: position)),
                    "a \(length)-byte packet runs past its section's end")
            }
            switch type {
            case 0, 2:  // index, empty
                position += length
                continue
            case 1:
                break
            default:
                throw ScanImportError(
                    .malformedBody, file: name, at: .byteOffset(file.physical(logical: position)),
                    "a packet of unknown type \(type); expected 0 (index), 1 (data) or 2 (empty)")
            }
            let packet = try file.read(logical: position, count: length, "a data packet")
            let streamCount = Int(UInt16(packet[4]) | UInt16(packet[5]) << 8)
            guard streamCount == fields.count, 6 + 2 * streamCount <= length else {
                throw ScanImportError(
                    .malformedBody, file: name, at: .byteOffset(file.physical(logical: position + 4)),
                    "a data packet holds \(streamCount) bytestreams; the prototype has \(fields.count) fields")
            }
            var offset = 6 + 2 * streamCount
            for index in 0..<streamCount {
                let count = Int(UInt16(packet[6 + 2 * index]) | UInt16(packet[7 + 2 * index]) << 8)
                guard offset + count <= length else {
                    throw ScanImportError(
                        .malformedBody, file: name, at: .byteOffset(file.physical(logical: position + 6 + 2 * index)),
                        "bytestream \(index) of a data packet runs \(offset + count - length) bytes past the packet")
                }
                streams[index].append(packet[offset..<(offset + count)])
                offset += count
            }
            position += length
            if let releasePages = file.releasePages, file.physical(logical: position) - released >= 4 << 20 {
                released = releasePages(released, file.physical(logical: position))
            }
            let available = streams.reduce(recordCount - done) { min($0, $1.available) }
            guard available > 0 else { continue }
            for index in fields.indices {
                streams[index].take(available, as: fields[index].kind, into: &columns[index])
            }
            try body(columns, available)
            done += available
        }
    }
}

/// A field's bytes not yet decoded, and the bit where the next value starts.
struct BitStream {
    let bits: Int
    private var bytes: [UInt8] = []
    private var bit = 0

    init(bits: Int) { self.bits = bits }

    var available: Int { bits == 0 ? .max : (bytes.count * 8 - bit) / bits }

    mutating func append(_ data: ArraySlice<UInt8>) { bytes.append(contentsOf: data) }

    /// Decodes `count` values into `column` (replacing it) and drops the bytes they used.
    mutating func take(_ count: Int, as kind: E57Field.Kind, into column: inout [Double]) {
        column.removeAll(keepingCapacity: true)
        column.reserveCapacity(count)
        let bits = self.bits
        var bit = self.bit
        let mask: UInt64 = bits >= 64 ? .max : (1 << UInt64(bits)) &- 1
        bytes.withUnsafeBytes { raw in
            func value(at position: Int) -> UInt64 {
                let byte = position >> 3
                let shift = UInt64(position & 7)
                if byte + 16 <= raw.count {
                    let low = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
                    let high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: byte + 8, as: UInt64.self))
                    return ((low >> shift) | (shift == 0 ? 0 : high << (64 - shift))) & mask
                }
                var result: UInt64 = 0
                var got = 0
                var index = byte
                while got < bits + Int(shift) && index < raw.count {
                    let piece = UInt64(raw[index])
                    let place = got - Int(shift)
                    result |= place >= 0 ? piece << UInt64(place) : piece >> UInt64(-place)
                    got += 8
                    index += 1
                }
                return result & mask
            }
            for _ in 0..<count {
                let raw = bits == 0 ? 0 : value(at: bit)
                bit += bits
                switch kind {
                case .float32: column.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw))))
                case .float64: column.append(Double(bitPattern: raw))
                case .integer(let minimum): column.append(Double(Int64(bitPattern: raw) &+ minimum))
                case .scaled(let minimum, let scale, let offset):
                    column.append(Double(Int64(bitPattern: raw) &+ minimum) * scale + offset)
                }
            }
        }
        bytes.removeFirst(bit >> 3)
        self.bit = bit & 7
    }
}
