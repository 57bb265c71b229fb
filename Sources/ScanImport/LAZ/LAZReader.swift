import Foundation

/// How a LAZ file's points are compressed: the LASzip VLR (user "laszip encoded", record
/// 22204) that every LAZ file carries.
public struct LAZCompression: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        /// 0 bytes, 6 point10, 7 GPS time, 8 RGB12, 9 wave packet, 10-14 the LAS 1.4 items.
        public var type: Int
        public var size: Int
        public var version: Int
    }

    /// 1 pointwise, 2 pointwise chunked, 3 layered chunked (LAS 1.4 formats 6-10).
    public var compressor: Int
    /// LASzip's version that wrote it.
    public var version: String
    /// Points per chunk; nil when chunks vary (their sizes are in the chunk table).
    public var chunkSize: Int?
    public var items: [Item]

    static let userID = "laszip encoded"
    static let recordID = 22204

    /// The VLR's body: `length` bytes at `at`.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, at: Int, length: Int, file: String
    ) throws(ScanImportError) -> LAZCompression {
        guard length >= 34 else {
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(at),
                "the LASzip VLR is \(length) bytes; expected 34 or more")
        }
        func u16(_ offset: Int) -> Int {
            Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at + offset, as: UInt16.self)))
        }
        let chunk = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 12, as: UInt32.self))
        let count = u16(32)
        guard 34 + count * 6 <= length else {
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(at + 32),
                "the LASzip VLR lists \(count) items but holds room for \((length - 34) / 6)")
        }
        let items = (0..<count).map { index in
            Item(type: u16(34 + index * 6), size: u16(36 + index * 6), version: u16(38 + index * 6))
        }
        return LAZCompression(
            compressor: u16(0), version: "\(bytes[at + 4]).\(bytes[at + 5]) r\(u16(6))",
            chunkSize: chunk == .max ? nil : Int(chunk), items: items)
    }

    /// Refuses what this reader does not decode, saying what it is.
    func check(recordLength: Int, file: String, at offset: Int) throws(ScanImportError) {
        let names = [
            0: "extra bytes", 6: "point10", 7: "GPS time", 8: "RGB", 9: "wave packets", 10: "point14", 11: "RGB14",
            12: "RGB+NIR14", 13: "wave packets (1.4)", 14: "extra bytes (1.4)",
        ]
        switch compressor {
        case 2:
            // Wave packets keep LASzip 1's coding (version 1), which writers label 1 or 2.
            for item in items
            where
                !([0, 6, 7, 8].contains(item.type) && item.version == 2
                || item.type == 9 && [1, 2].contains(item.version))
            {
                throw ScanImportError(
                    .unsupported, file: file, at: .byteOffset(offset),
                    "this LAZ file's \(names[item.type] ?? "item type \(item.type)") is compressed with item version "
                        + "\(item.version) (LASzip \(version)); heritage reads version 2 of point10, GPS time, RGB, "
                        + "wave packets and extra bytes")
            }
            guard items.first?.type == 6 else { throw mismatch(recordLength, file: file, at: offset) }
        case 3:
            for item in items where ![10, 11, 12, 13, 14].contains(item.type) || ![3, 4].contains(item.version) {
                throw ScanImportError(
                    .unsupported, file: file, at: .byteOffset(offset),
                    "this LAZ file's \(names[item.type] ?? "item type \(item.type)") is compressed with item version "
                        + "\(item.version) (LASzip \(version)); heritage reads versions 3 and 4 of point14, RGB14, "
                        + "RGB+NIR14, wave packets and extra bytes")
            }
            let sizes = [10: 30, 11: 6, 12: 8, 13: 29]
            guard items.first?.type == 10,
                items.allSatisfy({ item in sizes[item.type].map { $0 == item.size } ?? true })
            else { throw mismatch(recordLength, file: file, at: offset) }
        default:
            throw ScanImportError(
                .unsupported, file: file, at: .byteOffset(offset),
                "this LAZ file uses compressor \(compressor) (LASzip \(version)), which heritage does not read; it "
                    + "reads pointwise chunked (formats 0-5) and layered chunked (formats 6-10) compression")
        }
        guard items.reduce(0, { $0 + $1.size }) == recordLength else {
            throw mismatch(recordLength, file: file, at: offset)
        }
    }

    private func mismatch(_ recordLength: Int, file: String, at offset: Int) -> ScanImportError {
        let total = items.reduce(0) { $0 + $1.size }
        return ScanImportError(
            .malformedHeader, file: file, at: .byteOffset(offset),
            "the LASzip items make \(total)-byte records starting with \(items.first.map { "type \($0.type)" } ?? "nothing") "
                + "for compressor \(compressor); the header says \(recordLength)-byte records")
    }
}

/// Decodes the points of a LAZ file (LASzip's pointwise chunked compression, point formats
/// 0-5, and its layered chunked compression, formats 6-10) into LAS point records, chunk by
/// chunk: chunks are independent, so they are decoded on every core at once.
public enum LAZReader {
    /// A run of points coded on its own: its bytes and the points it holds.
    struct Chunk {
        var start: Int
        var end: Int
        var firstPoint: Int
        var pointCount: Int
    }

    /// The chunks of the points at `header.pointOffset`, from the chunk table.
    static func chunks(
        _ bytes: UnsafeRawBufferPointer, header: LASHeader, compression: LAZCompression, file: String
    ) throws(ScanImportError) -> [Chunk] {
        let start = header.pointOffset
        guard header.pointCount > 0 else { return [] }
        guard start + 8 <= bytes.count else {
            throw ScanImportError(.truncated, file: file, at: .byteOffset(start), "the LAZ point data is missing")
        }
        func i64(_ at: Int) -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self)) }
        var tableOffset = i64(start)
        if tableOffset <= Int64(start) {
            // A writer that could not go back writes -1 here and the offset in the last 8 bytes.
            tableOffset = bytes.count >= 8 ? i64(bytes.count - 8) : -1
        }
        guard tableOffset > Int64(start), tableOffset <= Int64(bytes.count - 8) else {
            throw ScanImportError(
                .malformedBody, file: file, at: .byteOffset(start),
                "the LAZ chunk table's offset (\(tableOffset)) lies outside the file: it is truncated or was never finished"
            )
        }
        let table = Int(tableOffset)
        // LASzip spends bytes on every few points (real files 2-20 bytes a point); a header
        // announcing more than 64 points per byte is forged or broken, and is refused before
        // memory is set aside for them.
        guard header.pointCount / 64 <= table - start else {
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(107),
                "the header announces \(header.pointCount) points for \(table - start) bytes of LAZ data")
        }
        let count = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: table + 4, as: UInt32.self)))
        guard count >= 1, count <= table - start else {
            throw ScanImportError(
                .malformedBody, file: file, at: .byteOffset(table + 4),
                "the LAZ chunk table lists \(count) chunks for \(header.pointCount) points in \(table - start) bytes")
        }
        var decoder = LAZArithmeticDecoder(bytes, start: table + 8, end: bytes.count)
        decoder.start()
        let numbers = LAZIntegerDecompressor(bits: 32, contexts: 2)
        var chunks: [Chunk] = []
        chunks.reserveCapacity(count)
        var (previousPoints, previousBytes): (Int32, Int32) = (0, 0)
        var at = start + 8
        var firstPoint = 0
        for index in 0..<count {
            var points: Int
            if let size = compression.chunkSize {
                points = min(size, header.pointCount - firstPoint)
            } else {
                previousPoints = numbers.decompress(&decoder, prediction: previousPoints, context: 0)
                points = Int(previousPoints)
            }
            previousBytes = numbers.decompress(&decoder, prediction: previousBytes, context: 1)
            let size = Int(previousBytes)
            guard points >= 1, size >= 1, points / 64 <= size, at + size <= table, !decoder.corrupt, !decoder.overrun
            else {
                throw ScanImportError(
                    .malformedBody, file: file, at: .byteOffset(table),
                    "the LAZ chunk table's entry \(index + 1) of \(count) (\(points) points in \(size) bytes from byte "
                        + "\(at)) does not fit the file: the table or the file is corrupt")
            }
            chunks.append(Chunk(start: at, end: at + size, firstPoint: firstPoint, pointCount: points))
            at += size
            firstPoint += points
        }
        guard firstPoint == header.pointCount else {
            throw ScanImportError(
                .malformedBody, file: file, at: .byteOffset(table),
                "the LAZ chunk table accounts for \(firstPoint) points; the header announces \(header.pointCount)")
        }
        return chunks
    }

    /// Decodes every chunk, on every core, handing each chunk's records to `body` (called
    /// concurrently, each chunk once) with the index of its first point. The first error found
    /// (in chunk order) is thrown once all have run.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, header: LASHeader, compression: LAZCompression, file: String,
        fields: LAZFieldSelection = .all, releasePages: (@Sendable (Int, Int) -> Int)? = nil,
        _ body: @Sendable (_ firstPoint: Int, _ records: UnsafeRawBufferPointer, _ count: Int) -> Void
    ) throws(ScanImportError) {
        let chunks = try chunks(bytes, header: header, compression: compression, file: file)
        try decode(
            bytes, chunks: chunks, header: header, compression: compression, file: file, fields: fields,
            releasePages: releasePages, body)
    }

    /// Decodes the given chunks (all of a file's, or a COPC selection's, numbered from 0 in
    /// the order given), on every core, as above. `releasePages`, for a file mapping, gives
    /// back each chunk's pages once it is decoded.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, chunks: [Chunk], header: LASHeader, compression: LAZCompression,
        file: String, fields: LAZFieldSelection = .all, releasePages: (@Sendable (Int, Int) -> Int)? = nil,
        _ body: @Sendable (_ firstPoint: Int, _ records: UnsafeRawBufferPointer, _ count: Int) -> Void
    ) throws(ScanImportError) {
        let failures = UnsafeMutableBufferPointer<ScanImportError?>.allocate(capacity: max(chunks.count, 1))
        failures.initialize(repeating: nil)
        defer { failures.deallocate() }
        let shared = UnsafeShared((bytes, failures, chunks))
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            let (bytes, failures, chunks) = shared.value
            do throws(ScanImportError) {
                if compression.compressor == 3 {
                    try decodeLayeredChunk(
                        bytes, chunks[index], number: index, of: chunks.count, recordLength: header.recordLength,
                        compression: compression, fields: fields, file: file, body)
                } else {
                    try decodeChunk(
                        bytes, chunks[index], number: index, of: chunks.count, recordLength: header.recordLength,
                        compression: compression, file: file, body)
                }
                _ = releasePages?(chunks[index].start, chunks[index].end)
            } catch {
                failures[index] = error
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    static func decodeChunk(
        _ bytes: UnsafeRawBufferPointer, _ chunk: Chunk, number: Int, of total: Int, recordLength: Int,
        compression: LAZCompression, file: String,
        _ body: (_ firstPoint: Int, _ records: UnsafeRawBufferPointer, _ count: Int) -> Void
    ) throws(ScanImportError) {
        let items: [any LAZItemDecoder] = compression.items.map { item in
            switch item.type {
            case 6: LAZPoint10Decoder()
            case 7: LAZGPSTimeDecoder()
            case 8: LAZRGB12Decoder()
            case 9: LAZCodedItemDecoder<LAZWavePacketCoder>()
            default: LAZBytesDecoder(count: item.size)
            }
        }
        let records = UnsafeMutableRawBufferPointer.allocate(
            byteCount: chunk.pointCount * recordLength, alignment: 8)
        defer { records.deallocate() }
        var decoder = LAZArithmeticDecoder(bytes, start: chunk.start, end: chunk.end)
        if chunk.pointCount > 0 {
            var at = 0
            for item in items {
                item.first(&decoder, into: UnsafeMutableRawBufferPointer(rebasing: records[at..<(at + item.size)]))
                at += item.size
            }
            decoder.start()
            decodePoints(items, records: records, recordLength: recordLength, count: chunk.pointCount, &decoder)
        }
        guard !decoder.overrun, !decoder.corrupt else {
            throw ScanImportError(
                .malformedBody, file: file, at: .byteOffset(chunk.start),
                "LAZ chunk \(number + 1) of \(total) (points \(chunk.firstPoint + 1)-\(chunk.firstPoint + chunk.pointCount), "
                    + "\(chunk.end - chunk.start) bytes) is \(decoder.overrun ? "truncated" : "corrupt")")
        }
        body(chunk.firstPoint, UnsafeRawBufferPointer(records), chunk.pointCount)
    }
}

extension LAZReader {
    /// A pointwise chunk's points after the first. The standard layouts (point10, then GPS time,
    /// colour or both) call their decoders directly: a loop over the item protocol spent a tenth
    /// of the decode on dynamic calls and reference counting.
    static func decodePoints(
        _ items: [any LAZItemDecoder], records: UnsafeMutableRawBufferPointer, recordLength: Int, count: Int,
        _ decoder: inout LAZArithmeticDecoder
    ) {
        guard count > 1, !decoder.overrun, !decoder.corrupt, let base = records.baseAddress else { return }
        let point10 = items.first as? LAZPoint10Decoder
        let gpsTime = items.count > 1 ? items[1] as? LAZGPSTimeDecoder : nil
        let colour = items.count > 1 ? items[items.count - 1] as? LAZRGB12Decoder : nil
        if let point10, items.count == 1 + (gpsTime == nil ? 0 : 1) + (colour == nil ? 0 : 1) {
            for point in 1..<count {
                let record = base + point * recordLength
                point10.next(&decoder, into: UnsafeMutableRawBufferPointer(start: record, count: 20))
                if let gpsTime {
                    gpsTime.next(&decoder, into: UnsafeMutableRawBufferPointer(start: record + 20, count: 8))
                }
                if let colour {
                    let at = gpsTime == nil ? 20 : 28
                    colour.next(&decoder, into: UnsafeMutableRawBufferPointer(start: record + at, count: 6))
                }
                if decoder.overrun || decoder.corrupt { return }
            }
            return
        }
        let sizes = items.map(\.size)
        for point in 1..<count {
            var at = point * recordLength
            for (item, size) in zip(items, sizes) {
                item.next(&decoder, into: UnsafeMutableRawBufferPointer(start: base + at, count: size))
                at += size
            }
            if decoder.overrun || decoder.corrupt { return }
        }
    }

    /// The decoders of a layered chunk's items, in record order (RGB+NIR is two).
    static func layeredItems(_ compression: LAZCompression) -> [any LAZLayeredItemDecoder] {
        compression.items.flatMap { item -> [any LAZLayeredItemDecoder] in
            switch item.type {
            case 10: [LAZPoint14Decoder(version: item.version)]
            case 11: [LAZChannelItemDecoder<LAZRGBModels>(version: item.version)]
            case 12:
                [
                    LAZChannelItemDecoder<LAZRGBModels>(version: item.version),
                    LAZChannelItemDecoder<LAZNIRModels>(version: item.version),
                ]
            case 13: [LAZChannelItemDecoder<LAZWavePacketCoder>(version: item.version)]
            default: [LAZBytes14Decoder(count: item.size, version: item.version)]
            }
        }
    }

    /// A layered chunk: the first record raw, the point count, every layer's byte length, the
    /// layers. Layers `fields` does not need are skipped without decoding.
    static func decodeLayeredChunk(
        _ bytes: UnsafeRawBufferPointer, _ chunk: Chunk, number: Int, of total: Int, recordLength: Int,
        compression: LAZCompression, fields: LAZFieldSelection, file: String,
        _ body: (_ firstPoint: Int, _ records: UnsafeRawBufferPointer, _ count: Int) -> Void
    ) throws(ScanImportError) {
        let name =
            "LAZ chunk \(number + 1) of \(total) (points \(chunk.firstPoint + 1)-\(chunk.firstPoint + chunk.pointCount))"
        let items = layeredItems(compression)
        let layerCount = items.reduce(0) { $0 + $1.layerCount }
        var at = chunk.start
        guard recordLength + 4 + 4 * layerCount <= chunk.end - at else {
            throw ScanImportError(
                .malformedBody, file: file, at: .byteOffset(chunk.start),
                "\(name) has \(chunk.end - chunk.start) bytes, too few for its first point and its \(layerCount) layer sizes"
            )
        }
        let records = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk.pointCount * recordLength, alignment: 8)
        defer { records.deallocate() }
        records.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + recordLength)]))
        var context = 0
        var offset = 0
        for item in items {
            item.first(UnsafeRawBufferPointer(rebasing: records[offset..<(offset + item.size)]), context: &context)
            offset += item.size
        }
        at += recordLength + 4  // the chunk's point count: the chunk table's is used
        var layerStart = at + 4 * layerCount
        var ranges: [Range<Int>] = []
        for index in 0..<layerCount {
            let size = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4 * index, as: UInt32.self)))
            guard size <= chunk.end - layerStart else {
                throw ScanImportError(
                    .malformedBody, file: file, at: .byteOffset(at + 4 * index),
                    "\(name): layer \(index + 1) of \(layerCount) is said to hold \(size) bytes; the chunk has "
                        + "\(chunk.end - layerStart) left")
            }
            ranges.append(layerStart..<(layerStart + size))
            layerStart += size
        }
        var first = 0
        for item in items {
            item.setLayers(bytes, Array(ranges[first..<(first + item.layerCount)]), wanted: fields)
            first += item.layerCount
        }
        for point in 1..<max(1, chunk.pointCount) {
            context = 0
            var at = point * recordLength
            for item in items {
                item.next(
                    into: UnsafeMutableRawBufferPointer(rebasing: records[at..<(at + item.size)]), context: &context)
                at += item.size
            }
            if point & 1023 == 0 && items.contains(where: \.damaged) { break }
        }
        guard !items.contains(where: \.damaged) else {
            throw ScanImportError(
                .malformedBody, file: file, at: .byteOffset(chunk.start),
                "\(name), \(chunk.end - chunk.start) bytes, is truncated or corrupt: a layer ends before its points do "
                    + "or holds what no encoder writes")
        }
        body(chunk.firstPoint, UnsafeRawBufferPointer(records), chunk.pointCount)
    }
}
