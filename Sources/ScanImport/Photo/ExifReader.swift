/// Camera metadata from an EXIF block (a TIFF structure), in either byte order.
///
/// Every offset is checked before it is followed; an IFD that points outside the block, loops,
/// or holds a value of the wrong type yields a warning and the rest is still read. Nothing in
/// a photograph can make this reader crash or loop forever (it is fuzzed).
public struct ExifMetadata: Sendable, Equatable, Codable {
    public var make: String?
    public var model: String?
    public var software: String?
    public var artist: String?
    public var copyright: String?
    /// 1-8, as defined by EXIF (1 = upright).
    public var orientation: Int?
    /// ISO 8601 local time of capture, with the offset when OffsetTimeOriginal gives it.
    public var dateTimeOriginal: String?
    public var exposureTime: Double?
    public var fNumber: Double?
    public var iso: Int?
    public var focalLength: Double?
    public var lensModel: String?
    public var gps: GPSPosition?
    public var warnings: [String] = []

    public init() {}
}

/// A GPS fix from EXIF, in signed decimal degrees (south and west negative).
public struct GPSPosition: Sendable, Equatable, Codable {
    public var latitude: Double?
    public var longitude: Double?
    /// Metres above sea level (negative below).
    public var altitude: Double?
    /// UTC time of the fix, ISO 8601, when the photo records it.
    public var timestamp: String?
    /// Degrees, 0-360, the direction the camera faced.
    public var imageDirection: Double?
}

enum ExifReader {
    /// Reads the TIFF structure in `block` (the bytes after "Exif\0\0").
    static func read(_ block: UnsafeRawBufferPointer) -> ExifMetadata {
        var metadata = ExifMetadata()
        var tiff = TIFFBlock(bytes: block)
        guard block.count >= 8 else {
            metadata.warnings.append("EXIF block of \(block.count) bytes is too short for a TIFF header")
            return metadata
        }
        switch (block[0], block[1]) {
        case (0x49, 0x49): tiff.bigEndian = false
        case (0x4D, 0x4D): tiff.bigEndian = true
        default:
            metadata.warnings.append("EXIF block does not start with a TIFF byte order mark (II or MM)")
            return metadata
        }
        guard tiff.uint16(at: 2) == 42, let ifd0 = tiff.uint32(at: 4) else {
            metadata.warnings.append("EXIF block has no TIFF magic number 42")
            return metadata
        }
        var visited = Set<Int>()
        let primary = tiff.entries(at: Int(ifd0), name: "IFD0", visited: &visited, warnings: &metadata.warnings)
        metadata.make = tiff.string(primary[0x010F])
        metadata.model = tiff.string(primary[0x0110])
        metadata.software = tiff.string(primary[0x0131])
        metadata.artist = tiff.string(primary[0x013B])
        metadata.copyright = tiff.string(primary[0x8298])
        if let value = tiff.integer(primary[0x0112]) {
            if (1...8).contains(value) {
                metadata.orientation = value
            } else {
                metadata.warnings.append("Orientation \(value) is not 1-8; ignored")
            }
        }
        if let pointer = tiff.integer(primary[0x8769]) {
            let exif = tiff.entries(at: pointer, name: "Exif IFD", visited: &visited, warnings: &metadata.warnings)
            if let date = tiff.string(exif[0x9003]) {
                metadata.dateTimeOriginal = isoDateTime(date, offset: tiff.string(exif[0x9011]))
                if metadata.dateTimeOriginal == nil {
                    metadata.warnings.append("DateTimeOriginal '\(date)' is not YYYY:MM:DD HH:MM:SS; ignored")
                }
            }
            metadata.exposureTime = tiff.rationals(exif[0x829A])?.first
            metadata.fNumber = tiff.rationals(exif[0x829D])?.first
            metadata.iso = tiff.integer(exif[0x8827])
            metadata.focalLength = tiff.rationals(exif[0x920A])?.first
            metadata.lensModel = tiff.string(exif[0xA434])
        }
        if let pointer = tiff.integer(primary[0x8825]) {
            let gps = tiff.entries(at: pointer, name: "GPS IFD", visited: &visited, warnings: &metadata.warnings)
            var position = GPSPosition()
            func degrees(_ value: TIFFBlock.Entry?, _ reference: TIFFBlock.Entry?, negative: String) -> Double? {
                guard let parts = tiff.rationals(value), parts.count == 3, parts.allSatisfy(\.isFinite) else {
                    return nil
                }
                let magnitude = parts[0] + parts[1] / 60 + parts[2] / 3600
                return tiff.string(reference)?.uppercased() == negative ? -magnitude : magnitude
            }
            position.latitude = degrees(gps[2], gps[1], negative: "S")
            position.longitude = degrees(gps[4], gps[3], negative: "W")
            if let latitude = position.latitude, !(-90...90).contains(latitude) {
                metadata.warnings.append("GPS latitude \(latitude) is out of range; ignored")
                position.latitude = nil
            }
            if let longitude = position.longitude, !(-180...180).contains(longitude) {
                metadata.warnings.append("GPS longitude \(longitude) is out of range; ignored")
                position.longitude = nil
            }
            if let altitude = tiff.rationals(gps[6])?.first, altitude.isFinite {
                position.altitude = tiff.integer(gps[5]) == 1 ? -altitude : altitude
            }
            if let time = tiff.rationals(gps[7]), time.count == 3, let date = tiff.string(gps[29]),
                (0..<24).contains(time[0]), (0..<60).contains(time[1]), (0..<61).contains(time[2])
            {
                let seconds = time[2]
                let secondsText =
                    seconds == seconds.rounded() ? twoDigits(Int(seconds)) : (seconds < 10 ? "0" : "") + String(seconds)
                position.timestamp =
                    date.replacingColons(limit: 2) + "T" + twoDigits(Int(time[0])) + ":" + twoDigits(Int(time[1])) + ":"
                    + secondsText + "Z"
            }
            position.imageDirection = tiff.rationals(gps[17])?.first
            if position != GPSPosition() { metadata.gps = position }
        }
        return metadata
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 && value >= 0 ? "0\(value)" : String(value)
    }

    /// "2008:10:22 16:28:39" (+ "+02:00") → "2008-10-22T16:28:39+02:00".
    static func isoDateTime(_ text: String, offset: String?) -> String? {
        let characters = Array(text.utf8)
        guard characters.count >= 19 else { return nil }
        let digitPositions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        guard digitPositions.allSatisfy({ (48...57).contains(characters[$0]) }),
            characters[4] == 58, characters[7] == 58, characters[13] == 58, characters[16] == 58
        else { return nil }
        var result = String(decoding: characters[0..<19], as: UTF8.self)
        result = result.replacingColons(limit: 2)
        result = String(result.prefix(10)) + "T" + String(result.dropFirst(11))
        if let offset, offset.utf8.count == 6, offset.first == "+" || offset.first == "-" { result += offset }
        return result
    }
}

extension String {
    /// The first `limit` colons become hyphens (EXIF dates use colons).
    fileprivate func replacingColons(limit: Int) -> String {
        var remaining = limit
        return String(
            map { character in
                if character == ":" && remaining > 0 {
                    remaining -= 1
                    return "-"
                }
                return character
            })
    }
}

/// Bounds-checked access to a TIFF structure.
struct TIFFBlock {
    let bytes: UnsafeRawBufferPointer
    var bigEndian = false

    struct Entry {
        var type: Int
        var count: Int
        /// Offset of the value bytes within the block (inline values point into the entry).
        var valueOffset: Int
    }

    func uint16(at offset: Int) -> Int? {
        guard offset >= 0, offset + 2 <= bytes.count else { return nil }
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return Int(bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw))
    }

    func uint32(at offset: Int) -> Int? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return Int(bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw))
    }

    static func size(of type: Int) -> Int? {
        switch type {
        case 1, 2, 6, 7: 1
        case 3, 8: 2
        case 4, 9, 11: 4
        case 5, 10, 12: 8
        default: nil
        }
    }

    /// The entries of the IFD at `offset`, by tag. Problems become warnings.
    func entries(at offset: Int, name: String, visited: inout Set<Int>, warnings: inout [String]) -> [Int: Entry] {
        guard visited.insert(offset).inserted else {
            warnings.append("\(name) at offset \(offset) was already read (a loop); skipped")
            return [:]
        }
        guard let count = uint16(at: offset) else {
            warnings.append("\(name) offset \(offset) is outside the \(bytes.count)-byte EXIF block")
            return [:]
        }
        var result: [Int: Entry] = [:]
        for index in 0..<count {
            let entry = offset + 2 + index * 12
            guard let tag = uint16(at: entry), let type = uint16(at: entry + 2), let items = uint32(at: entry + 4)
            else {
                warnings.append("\(name) declares \(count) entries but the EXIF block ends after \(index)")
                break
            }
            guard let size = Self.size(of: type) else { continue }  // unknown types are skipped, as TIFF says
            let (total, overflow) = size.multipliedReportingOverflow(by: items)
            guard !overflow else {
                warnings.append("\(name) tag 0x\(String(tag, radix: 16)) has an impossible length; skipped")
                continue
            }
            var valueOffset = entry + 8
            if total > 4 {
                guard let pointer = uint32(at: entry + 8), pointer + total <= bytes.count else {
                    warnings.append(
                        "\(name) tag 0x\(String(tag, radix: 16)) points outside the EXIF block; skipped")
                    continue
                }
                valueOffset = pointer
            }
            result[tag] = Entry(type: type, count: items, valueOffset: valueOffset)
        }
        return result
    }

    func string(_ entry: Entry?) -> String? {
        guard let entry, entry.type == 2 || entry.type == 7, entry.count > 0 else { return nil }
        let end = min(bytes.count, entry.valueOffset + entry.count)
        guard entry.valueOffset < end else { return nil }
        var slice = Array(bytes[entry.valueOffset..<end])
        if let zero = slice.firstIndex(of: 0) { slice.removeSubrange(zero...) }
        let text = String(decoding: slice, as: UTF8.self).trimmingCharacters
        return text.isEmpty ? nil : text
    }

    func integer(_ entry: Entry?) -> Int? {
        guard let entry, entry.count >= 1 else { return nil }
        switch entry.type {
        case 1, 7: return entry.valueOffset < bytes.count ? Int(bytes[entry.valueOffset]) : nil
        case 3: return uint16(at: entry.valueOffset)
        case 4: return uint32(at: entry.valueOffset)
        case 8: return uint16(at: entry.valueOffset).map { Int(Int16(truncatingIfNeeded: $0)) }
        case 9: return uint32(at: entry.valueOffset).map { Int(Int32(truncatingIfNeeded: $0)) }
        default: return nil
        }
    }

    func rationals(_ entry: Entry?) -> [Double]? {
        guard let entry, entry.type == 5 || entry.type == 10, entry.count >= 1, entry.count <= 64 else { return nil }
        var values: [Double] = []
        for index in 0..<entry.count {
            let offset = entry.valueOffset + index * 8
            guard let numerator = uint32(at: offset), let denominator = uint32(at: offset + 4) else { return nil }
            if entry.type == 10 {
                let signedNumerator = Double(Int32(truncatingIfNeeded: numerator))
                let signedDenominator = Double(Int32(truncatingIfNeeded: denominator))
                values.append(signedDenominator == 0 ? .nan : signedNumerator / signedDenominator)
            } else {
                values.append(denominator == 0 ? .nan : Double(numerator) / Double(denominator))
            }
        }
        return values
    }
}
