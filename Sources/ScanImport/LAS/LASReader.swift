import Foundation

/// A LAS point cloud: its header, and per-point attributes at their full precision.
public struct LASDocument: Sendable {
    public var header: LASHeader
    /// X, Y, Z with scale and offset applied, as doubles (never rounded to 32 bits).
    public var geometry: ScanGeometry
    public var intensity: [UInt16]
    public var classification: [UInt8]
    public var returnNumber: [UInt8]
    public var numberOfReturns: [UInt8]
    /// GPS time of each point, when the format has it.
    public var gpsTime: [Double]?
    /// 16-bit red, green, blue of each point, interleaved, when the format has them.
    public var rgb16: [UInt16]?
    /// The header's warnings, and whether the points pass the bounds it states.
    public var warnings: [String]
}

/// A LAS file's header and variable-length records: what it says before its points.
public struct LASHeader: Sendable {
    public var versionMajor: Int
    public var versionMinor: Int
    public var pointFormat: Int
    public var recordLength: Int
    public var pointCount: Int
    /// Where the point records start.
    public var pointOffset: Int
    public var scale: [Double]
    public var offset: [Double]
    /// Bounds the header states (min x, y, z and max x, y, z), to compare with the points.
    public var headerBounds: Bounds
    public var systemIdentifier: String
    public var generatingSoftware: String
    /// Day of year and year of creation, as the header gives them (0 when unset).
    public var creationDay: Int
    public var creationYear: Int
    /// The coordinate reference system: OGC WKT, or "EPSG:nnnn" from GeoTIFF keys.
    public var crs: String?
    /// Linear units from the GeoTIFF keys (`metre`, `foot`, `US survey foot`), when stated.
    public var units: String?
    /// How the points are compressed, for a LAZ file.
    public var compression: LAZCompression?
    public var warnings: [String]
    /// The octree's root cube and hierarchy, for a COPC file.
    public var copc: COPCInfo? = nil

    /// The warning when the points' bounds pass the header's by more than a scale step.
    func boundsWarning(_ actual: Bounds?) -> String? {
        guard let actual else { return nil }
        let tolerance = scale.map { abs($0) }
        let outside = (0..<3).contains { axis in
            actual.min[axis] < headerBounds.min[axis] - tolerance[axis]
                || actual.max[axis] > headerBounds.max[axis] + tolerance[axis]
        }
        return outside ? "some points lie outside the bounds the header states" : nil
    }
}

/// Reads LAS 1.0-1.4, point formats 0-10, and LAZ (LASzip) of every point format.
public enum LASReader {
    static let minimumRecordLength = [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67]

    /// Reads the header and variable-length records, and checks that the points they announce
    /// are all in the file.
    public static func header(_ bytes: UnsafeRawBufferPointer, file: String) throws(ScanImportError) -> LASHeader {
        func fail(_ code: ScanImportError.Code, _ offset: Int, _ message: String) -> ScanImportError {
            ScanImportError(code, file: file, at: .byteOffset(offset), message)
        }
        guard bytes.count >= 227 else {
            throw fail(.truncated, bytes.count, "the file has \(bytes.count) bytes; a LAS header needs at least 227")
        }
        guard bytes[0] == 0x4C, bytes[1] == 0x41, bytes[2] == 0x53, bytes[3] == 0x46 else {
            throw fail(.malformedHeader, 0, "expected the LAS signature 'LASF'")
        }
        func u8(_ at: Int) -> Int { Int(bytes[at]) }
        func u16(_ at: Int) -> Int {
            Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
        }
        func u32(_ at: Int) -> Int {
            Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        func f64(_ at: Int) -> Double { Double(bitPattern: u64(at)) }
        func text(_ at: Int, _ length: Int) -> String {
            let slice = UnsafeRawBufferPointer(rebasing: bytes[at..<(at + length)])
            return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters
        }
        let major = u8(24)
        let minor = u8(25)
        guard major == 1, (0...4).contains(minor) else {
            throw ScanImportError(
                .unsupported, file: file, at: .byteOffset(24),
                "LAS version \(major).\(minor) is not supported; expected 1.0 to 1.4")
        }
        let headerSize = u16(94)
        let pointOffset = u32(96)
        let vlrCount = u32(100)
        let rawFormat = u8(104)
        // LASzip marks a compressed file's point format with bit 7 (and bit 6).
        let compressed = rawFormat & 0xC0 != 0
        let format = rawFormat & 0x3F
        guard format <= 10 else {
            throw ScanImportError(
                .unsupported, file: file, at: .byteOffset(104),
                "point data format \(format) is not defined; expected 0 to 10")
        }
        let recordLength = u16(105)
        guard recordLength >= minimumRecordLength[format] else {
            throw fail(
                .malformedHeader, 105,
                "point records of \(recordLength) bytes are too short for format \(format) (at least \(minimumRecordLength[format]))"
            )
        }
        var pointCount = u32(107)
        if minor >= 4 && headerSize >= 375 && bytes.count >= 375 {
            let count64 = u64(247)
            if count64 > 0 {
                guard count64 < UInt64(Int.max / 128) else {
                    throw fail(.malformedHeader, 247, "point count \(count64) is impossible")
                }
                pointCount = Int(count64)
            }
        }
        guard headerSize >= 227, headerSize <= pointOffset, pointOffset <= bytes.count else {
            throw fail(
                .malformedHeader, 94,
                "header size \(headerSize) and point data offset \(pointOffset) do not fit a \(bytes.count)-byte file")
        }
        let (bodySize, overflow) = pointCount.multipliedReportingOverflow(by: recordLength)
        guard !overflow, compressed || pointOffset + bodySize <= bytes.count else {
            let available = (bytes.count - pointOffset) / recordLength
            throw fail(
                .truncated, pointOffset + available * recordLength,
                "the header announces \(pointCount) points of \(recordLength) bytes; the file ends after \(available)")
        }
        // LASzip spends bytes on every few points (real files 2-20 bytes a point): a LAZ header
        // announcing more than 64 points for each byte after the header is forged or broken,
        // and is refused before memory is set aside for its points.
        guard !compressed || pointCount / 64 <= bytes.count - pointOffset else {
            throw fail(
                .malformedHeader, minor >= 4 && headerSize >= 375 ? 247 : 107,
                "the header announces \(pointCount) points for \(bytes.count - pointOffset) bytes of LAZ data")
        }
        let scale = [f64(131), f64(139), f64(147)]
        let offset = [f64(155), f64(163), f64(171)]
        guard scale.allSatisfy({ $0.isFinite && $0 != 0 }), offset.allSatisfy(\.isFinite) else {
            throw fail(.malformedHeader, 131, "scale factors must be finite and non-zero, offsets finite")
        }
        var warnings: [String] = []
        // Variable-length records: the coordinate reference system lives here.
        var crs: String?
        var units: String?
        var compression: LAZCompression?
        var copc: COPCInfo?
        var cursor = headerSize
        for index in 0..<vlrCount {
            guard cursor + 54 <= pointOffset else {
                warnings.append(
                    "VLR \(index + 1) of \(vlrCount) runs into the point data; the remaining VLRs were skipped")
                break
            }
            let user = text(cursor + 2, 16)
            let record = u16(cursor + 18)
            let length = u16(cursor + 20)
            let body = cursor + 54
            guard body + length <= pointOffset else {
                warnings.append("VLR '\(user)' \(record) of \(length) bytes runs into the point data; skipped")
                break
            }
            if compressed && user == LAZCompression.userID && record == LAZCompression.recordID {
                compression = try LAZCompression.parse(bytes, at: body, length: length, file: file)
                try compression?.check(recordLength: recordLength, file: file, at: body)
            }
            if compressed && user == COPCInfo.userID && record == COPCInfo.recordID {
                copc = try COPCInfo.parse(bytes, at: body, length: length, file: file)
            }
            if user == "LASF_Projection" {
                if record == 2112 {
                    crs = text(body, length)
                } else if record == 34735 && crs == nil && length >= 8 {
                    (crs, units) = geoKeys(bytes, body, length, u16)
                }
            }
            cursor = body + length
        }
        if compressed && compression == nil {
            throw fail(
                .malformedHeader, 104,
                "the point format is marked compressed (LAZ) but the file has no LASzip VLR saying how")
        }
        if minor >= 4 && headerSize >= 375 {
            // Extended VLRs after the points (LAS 1.4) may hold the WKT instead.
            var evlr = Int(clamping: u64(235))
            let count = u32(243)
            for _ in 0..<min(count, 1000) {
                guard evlr > 0, evlr <= bytes.count - 60 else { break }  // (no overflow: evlr may be huge)
                let user = text(evlr + 2, 16)
                let record = u16(evlr + 18)
                let length = Int(clamping: u64(evlr + 20))
                guard length <= bytes.count - evlr - 60 else {
                    warnings.append("an extended VLR at byte \(evlr) runs past the end of the file; skipped")
                    break
                }
                if user == "LASF_Projection" && record == 2112 { crs = text(evlr + 60, length) }
                evlr += 60 + length
            }
        }
        return LASHeader(
            versionMajor: major, versionMinor: minor, pointFormat: format, recordLength: recordLength,
            pointCount: pointCount, pointOffset: pointOffset, scale: scale, offset: offset,
            headerBounds: Bounds(min: [f64(187), f64(203), f64(219)], max: [f64(179), f64(195), f64(211)]),
            systemIdentifier: text(26, 32), generatingSoftware: text(58, 32), creationDay: u16(90),
            creationYear: u16(92), crs: crs, units: units, compression: compression, warnings: warnings, copc: copc)
    }

    /// The bounds of the points, in one pass over their records that keeps none of them:
    /// `releasePages` is called behind the pass, so a file of any size stays off the resident
    /// set. The same values ``read(_:file:)`` gives (scale and offset are monotonic per axis).
    /// A LAZ file's points are decoded on every core for it, chunk by chunk, keeping none.
    public static func pointBounds(
        _ bytes: UnsafeRawBufferPointer, header: LASHeader, file: String,
        releasePages: (@Sendable (Int, Int) -> Int)? = nil
    ) throws(ScanImportError) -> Bounds? {
        guard header.pointCount > 0, let base = bytes.baseAddress else { return nil }
        var low = SIMD3<Int32>(repeating: .max)
        var high = SIMD3<Int32>(repeating: .min)
        let stride = header.recordLength
        if let compression = header.compression {
            let found = LASIntegerBox()
            try LAZReader.decode(
                bytes, header: header, compression: compression, file: file, fields: .positions,
                releasePages: releasePages
            ) {
                _, records, count in
                var low = SIMD3<Int32>(repeating: .max)
                var high = SIMD3<Int32>(repeating: .min)
                for index in 0..<count {
                    let point = integerPosition(records, index * stride)
                    low = pointwiseMin(low, point)
                    high = pointwiseMax(high, point)
                }
                found.merge(low, high)
            }
            (low, high) = (found.low, found.high)
            return bounds(low, high, header)
        }
        var released = header.pointOffset
        let batch = max(1, (16 << 20) / stride)
        var start = 0
        while start < header.pointCount {
            let end = min(header.pointCount, start + batch)
            var record = base + header.pointOffset + start * stride
            for _ in start..<end {
                let point = SIMD3<Int32>(
                    Int32(littleEndian: record.loadUnaligned(as: Int32.self)),
                    Int32(littleEndian: record.loadUnaligned(fromByteOffset: 4, as: Int32.self)),
                    Int32(littleEndian: record.loadUnaligned(fromByteOffset: 8, as: Int32.self)))
                low = pointwiseMin(low, point)
                high = pointwiseMax(high, point)
                record += stride
            }
            if let releasePages { released = releasePages(released, header.pointOffset + end * stride) }
            start = end
        }
        return bounds(low, high, header)
    }

    /// Every point's position (x, y, z interleaved, scaled and offset), and nothing else: what
    /// a comparison reads. Held once: a LAZ file's chunks are decoded on every core (only the
    /// X, Y and Z layers of a layered one) straight into the array, and the file's pages are
    /// given back behind the pass. The same values ``read(_:file:)`` gives.
    public static func positions(
        _ bytes: UnsafeRawBufferPointer, header: LASHeader, file: String,
        releasePages: (@Sendable (Int, Int) -> Int)? = nil
    ) throws(ScanImportError) -> [Double] {
        let count = header.pointCount
        let stride = header.recordLength
        let (scale, offset) = (
            SIMD3(header.scale[0], header.scale[1], header.scale[2]),
            SIMD3(header.offset[0], header.offset[1], header.offset[2])
        )
        @Sendable @inline(__always) func place(_ records: UnsafeRawBufferPointer, _ at: Int) -> SIMD3<Double> {
            SIMD3<Double>(integerPosition(records, at)) * scale + offset
        }
        var failure: ScanImportError?
        let positions = [Double](unsafeUninitializedCapacity: count * 3) { buffer, initialized in
            initialized = 0
            guard let target = buffer.baseAddress else { return }
            let shared = UnsafeShared(target)
            do throws(ScanImportError) {
                if let compression = header.compression {
                    // The chunk table accounts for every point, and each chunk is decoded or
                    // the read throws: every position is written.
                    try LAZReader.decode(
                        bytes, header: header, compression: compression, file: file, fields: .positions,
                        releasePages: releasePages
                    ) { first, records, chunkCount in
                        let target = shared.value
                        for index in 0..<chunkCount {
                            let p = place(records, index * stride)
                            (target + (first + index) * 3).initialize(to: p.x)
                            (target + (first + index) * 3 + 1).initialize(to: p.y)
                            (target + (first + index) * 3 + 2).initialize(to: p.z)
                        }
                    }
                } else {
                    // The header's check saw the records fit in the file.
                    let records = UnsafeRawBufferPointer(rebasing: bytes[header.pointOffset...])
                    var released = header.pointOffset
                    let batch = max(1, (16 << 20) / stride)
                    for start in Swift.stride(from: 0, to: count, by: batch) {
                        let end = min(count, start + batch)
                        for index in start..<end {
                            let p = place(records, index * stride)
                            (target + index * 3).initialize(to: p.x)
                            (target + index * 3 + 1).initialize(to: p.y)
                            (target + index * 3 + 2).initialize(to: p.z)
                        }
                        if let releasePages { released = releasePages(released, header.pointOffset + end * stride) }
                    }
                }
                initialized = count * 3
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return positions
    }

    @inline(__always) static func integerPosition(_ records: UnsafeRawBufferPointer, _ at: Int) -> SIMD3<Int32> {
        SIMD3<Int32>(
            Int32(littleEndian: records.loadUnaligned(fromByteOffset: at, as: Int32.self)),
            Int32(littleEndian: records.loadUnaligned(fromByteOffset: at + 4, as: Int32.self)),
            Int32(littleEndian: records.loadUnaligned(fromByteOffset: at + 8, as: Int32.self)))
    }

    /// The box of integer coordinates from `low` to `high`, scaled and offset.
    static func bounds(_ low: SIMD3<Int32>, _ high: SIMD3<Int32>, _ header: LASHeader) -> Bounds {
        var minimum = [Double](repeating: 0, count: 3)
        var maximum = [Double](repeating: 0, count: 3)
        for axis in 0..<3 {
            let a = Double(low[axis]) * header.scale[axis] + header.offset[axis]
            let b = Double(high[axis]) * header.scale[axis] + header.offset[axis]
            minimum[axis] = min(a, b)
            maximum[axis] = max(a, b)
        }
        return Bounds(min: minimum, max: maximum)
    }

    public static func read(_ bytes: UnsafeRawBufferPointer, file: String) throws(ScanImportError) -> LASDocument {
        let header = try header(bytes, file: file)
        let (pointCount, pointOffset, recordLength) = (header.pointCount, header.pointOffset, header.recordLength)
        let warnings = header.warnings
        // A LAZ file's records are decoded first, on every core, into LAS records.
        var decompressed: UnsafeMutableRawBufferPointer?
        defer { decompressed?.deallocate() }
        var records = bytes
        var recordsStart = pointOffset
        if let compression = header.compression {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: pointCount * recordLength, alignment: 8)
            decompressed = buffer
            let chunks = try LAZReader.chunks(bytes, header: header, compression: compression, file: file)
            try decodeRecords(bytes, chunks: chunks, header: header, compression: compression, file: file, into: buffer)
            records = UnsafeRawBufferPointer(buffer)
            recordsStart = 0
        }
        return document(header, records: records, start: recordsStart, count: pointCount, warnings: warnings)
    }

    /// Decodes LAZ chunks on every core into consecutive records of `buffer`, in chunk order.
    static func decodeRecords(
        _ bytes: UnsafeRawBufferPointer, chunks: [LAZReader.Chunk], header: LASHeader, compression: LAZCompression,
        file: String, into buffer: UnsafeMutableRawBufferPointer
    ) throws(ScanImportError) {
        let recordLength = header.recordLength
        let target = UnsafeShared(buffer)
        try LAZReader.decode(bytes, chunks: chunks, header: header, compression: compression, file: file) {
            first, chunk, count in
            UnsafeMutableRawBufferPointer(
                rebasing: target.value[(first * recordLength)..<((first + count) * recordLength)]
            ).copyMemory(from: chunk)
        }
    }

    /// The document of `count` LAS records from byte `recordsStart` of `records`.
    static func document(
        _ header: LASHeader, records: UnsafeRawBufferPointer, start recordsStart: Int, count pointCount: Int,
        warnings: [String]
    ) -> LASDocument {
        var warnings = warnings
        let (recordLength, format) = (header.recordLength, header.pointFormat)
        let (scale, offset) = (header.scale, header.offset)
        func u8(_ at: Int) -> Int { Int(records[at]) }
        func u16(_ at: Int) -> Int {
            Int(UInt16(littleEndian: records.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
        }
        func u32(_ at: Int) -> Int {
            Int(UInt32(littleEndian: records.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        }
        func f64(_ at: Int) -> Double {
            Double(bitPattern: UInt64(littleEndian: records.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
        }
        // Points.
        var positions = [Double](repeating: 0, count: pointCount * 3)
        var intensity = [UInt16](repeating: 0, count: pointCount)
        var classification = [UInt8](repeating: 0, count: pointCount)
        var returnNumber = [UInt8](repeating: 0, count: pointCount)
        var numberOfReturns = [UInt8](repeating: 0, count: pointCount)
        let extended = format >= 6
        let gpsOffset: Int? = [1, 3, 4, 5].contains(format) ? 20 : (extended ? 22 : nil)
        let rgbOffset: Int? =
            [2, 3, 5].contains(format) ? (format == 2 ? 20 : 28) : ([7, 8, 10].contains(format) ? 30 : nil)
        var gpsTime = gpsOffset.map { _ in [Double](repeating: 0, count: pointCount) }
        var rgb = rgbOffset.map { _ in [UInt16](repeating: 0, count: pointCount * 3) }
        for index in 0..<pointCount {
            let record = recordsStart + index * recordLength
            for axis in 0..<3 {
                let raw = Int32(bitPattern: UInt32(u32(record + axis * 4)))
                positions[index * 3 + axis] = Double(raw) * scale[axis] + offset[axis]
            }
            intensity[index] = UInt16(u16(record + 12))
            let returns = u8(record + 14)
            if extended {
                returnNumber[index] = UInt8(returns & 0x0F)
                numberOfReturns[index] = UInt8(returns >> 4)
                classification[index] = UInt8(u8(record + 16))
            } else {
                returnNumber[index] = UInt8(returns & 0x07)
                numberOfReturns[index] = UInt8((returns >> 3) & 0x07)
                classification[index] = UInt8(u8(record + 15) & 0x1F)
            }
            if let gpsOffset { gpsTime?[index] = f64(record + gpsOffset) }
            if let rgbOffset {
                for channel in 0..<3 { rgb?[index * 3 + channel] = UInt16(u16(record + rgbOffset + channel * 2)) }
            }
        }
        var geometry = ScanGeometry(positions: positions)
        if let rgb {
            // LAS colours are 16-bit; files written with 8-bit values use only the low byte.
            let shift = rgb.contains { $0 > 255 } ? 8 : 0
            geometry.colors = (0..<pointCount).flatMap { point in
                (0..<3).map { UInt8(rgb[point * 3 + $0] >> shift) } + [255]
            }
        }
        geometry.scalarFields = [
            ScalarField(name: "intensity", values: intensity.map(Float.init)),
            ScalarField(name: "classification", values: classification.map(Float.init)),
            ScalarField(name: "return_number", values: returnNumber.map(Float.init)),
            ScalarField(name: "number_of_returns", values: numberOfReturns.map(Float.init)),
        ]
        if let warning = header.boundsWarning(geometry.bounds) { warnings.append(warning) }
        return LASDocument(
            header: header, geometry: geometry, intensity: intensity, classification: classification,
            returnNumber: returnNumber, numberOfReturns: numberOfReturns, gpsTime: gpsTime, rgb16: rgb,
            warnings: warnings)
    }

    /// Reads a GeoKeyDirectoryTag: the EPSG code of the projected or geographic CRS, and the units.
    private static func geoKeys(
        _ bytes: UnsafeRawBufferPointer, _ body: Int, _ length: Int, _ u16: (Int) -> Int
    ) -> (String?, String?) {
        let keyCount = u16(body + 6)
        var crs: String?
        var units: String?
        for key in 0..<keyCount {
            let entry = body + 8 + key * 8
            guard entry + 8 <= body + length else { break }
            let id = u16(entry)
            let location = u16(entry + 2)
            let value = u16(entry + 6)
            guard location == 0 else { continue }  // only values held inline
            switch id {
            case 3072 where value != 0 && value != 32767: crs = "EPSG:\(value)"
            case 2048 where crs == nil && value != 0 && value != 32767: crs = "EPSG:\(value)"
            case 3076:
                units = [9001: "metre", 9002: "foot", 9003: "US survey foot"][value] ?? "EPSG unit \(value)"
            default: break
            }
        }
        return (crs, units)
    }
}

/// The integer bounds that the chunks of a LAZ file, decoded on several cores, widen.
final class LASIntegerBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var low = SIMD3<Int32>(repeating: .max)
    private(set) var high = SIMD3<Int32>(repeating: .min)

    func merge(_ low: SIMD3<Int32>, _ high: SIMD3<Int32>) {
        lock.withLock {
            self.low = pointwiseMin(self.low, low)
            self.high = pointwiseMax(self.high, high)
        }
    }
}
