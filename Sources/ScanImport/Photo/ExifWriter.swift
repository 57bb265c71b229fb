/// Writes the EXIF tags a survey photograph needs (camera, time, artist, GPS position) as the
/// body of a JPEG APP1 segment: "Exif\0\0" and a little-endian TIFF structure with IFD0, the
/// Exif sub-IFD and the GPS sub-IFD (CIPA DC-008 / EXIF 2.32). ``ExifReader`` reads it back.
public enum ExifWriter {
    public struct Tags: Sendable {
        public var make: String
        public var model: String
        public var artist: String?
        /// `YYYY:MM:DD HH:MM:SS`, as EXIF writes times.
        public var dateTimeOriginal: String
        public var latitude: Double?
        public var longitude: Double?
        public var altitude: Double?

        public init(
            make: String, model: String, artist: String? = nil, dateTimeOriginal: String, latitude: Double? = nil,
            longitude: Double? = nil, altitude: Double? = nil
        ) {
            self.make = make
            self.model = model
            self.artist = artist
            self.dateTimeOriginal = dateTimeOriginal
            self.latitude = latitude
            self.longitude = longitude
            self.altitude = altitude
        }
    }

    /// One IFD entry: its tag, TIFF type (1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL), count and value bytes.
    private struct Entry {
        var tag: UInt16
        var type: UInt16
        var count: UInt32
        var bytes: [UInt8]

        static func ascii(_ tag: UInt16, _ text: String) -> Entry {
            let bytes = Array(text.utf8) + [0]
            return Entry(tag: tag, type: 2, count: UInt32(bytes.count), bytes: bytes)
        }
        static func short(_ tag: UInt16, _ value: UInt16) -> Entry {
            Entry(tag: tag, type: 3, count: 1, bytes: le(value) + [0, 0])
        }
        static func long(_ tag: UInt16, _ value: UInt32) -> Entry {
            Entry(tag: tag, type: 4, count: 1, bytes: le(value))
        }
        static func rationals(_ tag: UInt16, _ values: [(UInt32, UInt32)]) -> Entry {
            Entry(tag: tag, type: 5, count: UInt32(values.count), bytes: values.flatMap { le($0.0) + le($0.1) })
        }
    }

    public static func app1(_ tags: Tags) -> [UInt8] {
        var ifd0: [Entry] = [.ascii(0x010F, tags.make), .ascii(0x0110, tags.model), .short(0x0112, 1)]
        if let artist = tags.artist { ifd0.append(.ascii(0x013B, artist)) }
        ifd0.append(.ascii(0x0132, tags.dateTimeOriginal))
        let exif: [Entry] = [.ascii(0x9003, tags.dateTimeOriginal)]
        var gps: [Entry] = []
        if let latitude = tags.latitude, let longitude = tags.longitude {
            gps = [
                Entry(tag: 0x0000, type: 1, count: 4, bytes: [2, 3, 0, 0]),
                .ascii(0x0001, latitude >= 0 ? "N" : "S"), .rationals(0x0002, degreesMinutesSeconds(abs(latitude))),
                .ascii(0x0003, longitude >= 0 ? "E" : "W"), .rationals(0x0004, degreesMinutesSeconds(abs(longitude))),
            ]
            if let altitude = tags.altitude {
                gps.append(Entry(tag: 0x0005, type: 1, count: 1, bytes: [altitude < 0 ? 1 : 0]))
                gps.append(.rationals(0x0006, [(UInt32(min(abs(altitude), 4e6) * 100), 100)]))
            }
        }
        // Pointers to the sub-IFDs; their values are filled in once the sizes are known.
        ifd0.append(.long(0x8769, 0))
        if !gps.isEmpty { ifd0.append(.long(0x8825, 0)) }
        ifd0.sort { $0.tag < $1.tag }

        let ifd0Offset = 8
        let exifOffset = ifd0Offset + size(of: ifd0)
        let gpsOffset = exifOffset + size(of: exif)
        for index in ifd0.indices {
            if ifd0[index].tag == 0x8769 { ifd0[index].bytes = le(UInt32(exifOffset)) }
            if ifd0[index].tag == 0x8825 { ifd0[index].bytes = le(UInt32(gpsOffset)) }
        }
        var tiff: [UInt8] = [0x49, 0x49, 42, 0] + le(UInt32(ifd0Offset))
        write(ifd0, at: ifd0Offset, into: &tiff)
        write(exif, at: exifOffset, into: &tiff)
        if !gps.isEmpty { write(gps, at: gpsOffset, into: &tiff) }
        return Array("Exif".utf8) + [0, 0] + tiff
    }

    /// Bytes an IFD takes: count, entries, next-IFD offset, and values over 4 bytes (word-aligned).
    private static func size(of entries: [Entry]) -> Int {
        2 + 12 * entries.count + 4 + entries.reduce(0) { $0 + ($1.bytes.count > 4 ? ($1.bytes.count + 1) & ~1 : 0) }
    }

    private static func write(_ entries: [Entry], at offset: Int, into tiff: inout [UInt8]) {
        precondition(tiff.count == offset, "IFDs are written in order")
        var data: [UInt8] = []
        let dataOffset = offset + 2 + 12 * entries.count + 4
        tiff += le(UInt16(entries.count))
        for entry in entries {
            tiff += le(entry.tag) + le(entry.type) + le(entry.count)
            if entry.bytes.count <= 4 {
                tiff += entry.bytes + [UInt8](repeating: 0, count: 4 - entry.bytes.count)
            } else {
                tiff += le(UInt32(dataOffset + data.count))
                data += entry.bytes
                if data.count % 2 == 1 { data.append(0) }
            }
        }
        tiff += le(UInt32(0))
        tiff += data
    }

    /// Degrees, minutes and seconds (to 1/10000 s) as three rationals.
    private static func degreesMinutesSeconds(_ value: Double) -> [(UInt32, UInt32)] {
        let clamped = min(max(value, 0), 180)
        let degrees = clamped.rounded(.down)
        let minutes = ((clamped - degrees) * 60).rounded(.down)
        let seconds = ((clamped - degrees) * 60 - minutes) * 60
        return [(UInt32(degrees), 1), (UInt32(minutes), 1), (UInt32(min(seconds * 10_000, 600_000).rounded()), 10_000)]
    }

    private static func le(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private static func le(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}
