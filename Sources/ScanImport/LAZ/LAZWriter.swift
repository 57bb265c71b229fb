import Foundation

/// Compresses a LAS file of point format 0-3 or 6-8 (with any extra bytes) into LAZ: LASzip's
/// pointwise chunked compression (item version 2) or, for LAS 1.4's formats, its layered chunked
/// compression (item version 3); chunks of 50,000 points, written on every core.
/// The header and VLRs are the source's, with the LASzip VLR added and the point format marked
/// compressed; LAS 1.4's extended VLRs follow the points as before. Decoding gives back exactly
/// the source's point records (tested against LASzip and lazrs through laspy).
public enum LAZWriter {
    public static let chunkSize = 50_000

    /// The LAZ file of the LAS file `bytes` (named `file` in errors).
    public static func compress(_ bytes: UnsafeRawBufferPointer, file: String) throws(ScanImportError) -> [UInt8] {
        let header = try LASReader.header(bytes, file: file)
        guard header.compression == nil else {
            throw ScanImportError(.unsupported, file: file, "is LAZ already")
        }
        let format = header.pointFormat
        guard format <= 3 || (6...8).contains(format) else {
            throw ScanImportError(
                .unsupported, file: file,
                "has point format \(format); LAZ is written for point formats 0-3 and 6-8 so far")
        }
        let layered = format >= 6
        let extra = header.recordLength - LASReader.minimumRecordLength[format]
        var items: [(type: Int, size: Int)]
        if layered {
            items = [(10, 30)]
            if format == 7 { items.append((11, 6)) }
            if format == 8 { items.append((12, 8)) }
            if extra > 0 { items.append((14, extra)) }
        } else {
            items = [(6, 20)]
            if format == 1 || format == 3 { items.append((7, 8)) }
            if format >= 2 { items.append((8, 6)) }
            if extra > 0 { items.append((0, extra)) }
        }
        let itemList = items

        let (recordLength, pointCount, pointOffset) = (header.recordLength, header.pointCount, header.pointOffset)
        let chunkCount = (pointCount + chunkSize - 1) / chunkSize
        let shared = UnsafeShared(bytes)
        let slots = UnsafeSlots<[UInt8]>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { index in
            let start = pointOffset + index * chunkSize * recordLength
            let count = min(chunkSize, pointCount - index * chunkSize)
            slots[index] =
                layered
                ? compressLayeredChunk(
                    shared.value, start: start, count: count, recordLength: recordLength, items: itemList)
                : compressChunk(shared.value, start: start, count: count, recordLength: recordLength, items: itemList)
        }
        let chunks = (0..<chunkCount).map { slots[$0] ?? [] }

        // The source's header and VLRs (not the bytes some writers leave between the VLRs and
        // the points: a reader looks for the next VLR right after the last), then the LASzip VLR.
        let vlrLength = 34 + 6 * items.count
        let headerSize = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 94, as: UInt16.self)))
        let vlrCount = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 100, as: UInt32.self)))
        // A VLR that runs into the points (the reader warns of it) is left out, and counted out.
        var vlrEnd = headerSize
        var vlrsKept = 0
        for _ in 0..<vlrCount where vlrEnd + 54 <= pointOffset {
            let length = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: vlrEnd + 20, as: UInt16.self)))
            guard vlrEnd + 54 + length <= pointOffset else { break }
            vlrEnd += 54 + length
            vlrsKept += 1
        }
        var out = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[0..<vlrEnd]))
        var vlr = [UInt8](repeating: 0, count: 54)
        vlr.replaceSubrange(2..<16, with: Array("laszip encoded".utf8))
        put(UInt16(LAZCompression.recordID), at: 18, in: &vlr)
        put(UInt16(vlrLength), at: 20, in: &vlr)
        vlr.replaceSubrange(22..<(22 + 24), with: Array("heritage LAZ writer".utf8) + [UInt8](repeating: 0, count: 5))
        var body = [UInt8](repeating: 0, count: vlrLength)
        put(UInt16(layered ? 3 : 2), at: 0, in: &body)  // layered or pointwise chunked
        put(UInt16(0), at: 2, in: &body)  // arithmetic coder
        // The LASzip version that defines these items: 2.2 (version 2), 3.4 (version 3).
        (body[4], body[5]) = layered ? (3, 4) : (2, 2)
        put(UInt32(chunkSize), at: 12, in: &body)
        put(UInt64(bitPattern: -1), at: 16, in: &body)
        put(UInt64(bitPattern: -1), at: 24, in: &body)
        put(UInt16(items.count), at: 32, in: &body)
        for (index, item) in items.enumerated() {
            put(UInt16(item.type), at: 34 + index * 6, in: &body)
            put(UInt16(item.size), at: 36 + index * 6, in: &body)
            put(UInt16(layered ? 3 : 2), at: 38 + index * 6, in: &body)
        }
        out += vlr + body
        let newPointOffset = out.count
        put(UInt32(newPointOffset), at: 96, in: &out)
        put(UInt32(vlrsKept + 1), at: 100, in: &out)
        out[104] = UInt8(header.pointFormat) | 0x80

        // The points: where the chunk table is, the chunks, the table.
        let tableOffset = newPointOffset + 8 + chunks.reduce(0) { $0 + $1.count }
        var offset = [UInt8](repeating: 0, count: 8)
        put(UInt64(tableOffset), at: 0, in: &offset)
        out += offset
        for chunk in chunks { out += chunk }
        var table = [UInt8](repeating: 0, count: 8)
        put(UInt32(chunks.count), at: 4, in: &table)
        var encoder = LAZArithmeticEncoder()
        let sizes = LAZIntegerCompressor(bits: 32, contexts: 2)
        var previous: Int32 = 0
        for chunk in chunks {
            sizes.compress(&encoder, prediction: previous, real: Int32(chunk.count), context: 1)
            previous = Int32(chunk.count)
        }
        out += table + encoder.finish()

        // LAS 1.4: the extended VLRs after the points move with them.
        if header.versionMinor >= 4 && out.count >= 375 {
            let start = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 235, as: UInt64.self)))
            if start >= pointOffset + pointCount * recordLength && start < bytes.count {
                put(UInt64(out.count), at: 235, in: &out)
                out += UnsafeRawBufferPointer(rebasing: bytes[start...])
            }
        }
        return out
    }

    /// Compresses the LAS file at `source` into a new LAZ file `destination`: written beside it
    /// under a temporary name and renamed once complete, so a failure leaves nothing behind.
    /// `name` is how errors name the source.
    public static func compressFile(at source: String, to destination: URL, name: String) throws {
        let mapped = try MappedFile.mapping(of: source)
        let partial = destination.deletingLastPathComponent().appending(
            path: ".\(destination.lastPathComponent).\(UUID().uuidString).partial")
        do {
            let compressed = try withExtendedLifetime(mapped) { () throws(ScanImportError) -> [UInt8]? in
                // A stored LAZ file is already what was asked for: copied as it is.
                guard try LASReader.header(mapped.bytes, file: name).compression == nil else { return nil }
                return try compress(mapped.bytes, file: name)
            }
            if let compressed {
                try Data(compressed).write(to: partial, options: .withoutOverwriting)
            } else {
                try FileManager.default.copyItem(atPath: source, toPath: partial.path)
            }
            try FileManager.default.moveItem(at: partial, to: destination)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    /// One chunk: its first record raw, the others coded.
    static func compressChunk(
        _ bytes: UnsafeRawBufferPointer, start: Int, count: Int, recordLength: Int, items: [(type: Int, size: Int)]
    ) -> [UInt8] {
        let encoders: [any LAZItemEncoder] = items.map { item in
            switch item.type {
            case 6: LAZPoint10Encoder()
            case 7: LAZGPSTimeEncoder()
            case 8: LAZCodedItemEncoder<LAZRGBModels>()
            default: LAZBytesEncoder(count: item.size)
            }
        }
        let raw = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<(start + recordLength)]))
        var encoder = LAZArithmeticEncoder()
        for point in 0..<count {
            var at = start + point * recordLength
            for item in encoders {
                let field = UnsafeRawBufferPointer(rebasing: bytes[at..<(at + item.size)])
                if point == 0 { item.first(field) } else { item.next(&encoder, field) }
                at += item.size
            }
        }
        return raw + encoder.finish()
    }

    /// One layered chunk: its first record raw, its point count, every layer's length, the
    /// layers. The channel reaches the colour, NIR and extra bytes as in ``LAZReader``.
    static func compressLayeredChunk(
        _ bytes: UnsafeRawBufferPointer, start: Int, count: Int, recordLength: Int, items: [(type: Int, size: Int)]
    ) -> [UInt8] {
        let encoders: [any LAZLayeredItemEncoder] = items.flatMap { item -> [any LAZLayeredItemEncoder] in
            switch item.type {
            case 10: [LAZPoint14Encoder()]
            case 11: [LAZChannelItemEncoder<LAZRGBModels>()]
            case 12: [LAZChannelItemEncoder<LAZRGBModels>(), LAZChannelItemEncoder<LAZNIRModels>()]
            default: [LAZBytes14Encoder(count: item.size)]
            }
        }
        var context = 0
        for point in 0..<count {
            context = 0
            var at = start + point * recordLength
            for item in encoders {
                let field = UnsafeRawBufferPointer(rebasing: bytes[at..<(at + item.size)])
                if point == 0 { item.first(field, context: &context) } else { item.next(field, context: &context) }
                at += item.size
            }
        }
        let layers = encoders.flatMap { $0.finishLayers() }
        var out = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<(start + recordLength)]))
        var numbers = [UInt8](repeating: 0, count: 4 + 4 * layers.count)
        put(UInt32(count), at: 0, in: &numbers)
        for (index, layer) in layers.enumerated() { put(UInt32(layer.count), at: 4 + 4 * index, in: &numbers) }
        out += numbers
        for layer in layers { out += layer }
        return out
    }

    private static func put<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<(offset + $0.count), with: $0) }
    }
}
