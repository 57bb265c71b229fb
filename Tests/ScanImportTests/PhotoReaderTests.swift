import Foundation
import ScanImport
import Testing

@Suite(.enabled(if: SharedData.available, "../shared/data is absent: photo tests skipped"))
struct PhotoReaderTests {
    struct Expected: Sendable, CustomStringConvertible {
        var file: String
        var date: String
        var exposure: Double
        var fNumber: Double
        var iso: Int
        var focal: Double
        var latitude: Double
        var longitude: Double
        var gpsTime: String
        var description: String { file }
    }

    // Values from exiftool 12.57 (-n) on the same files.
    static let nikon: [Expected] = [
        Expected(
            file: "DSCN0010.jpg", date: "2008-10-22T16:28:39", exposure: 0.01333333333, fNumber: 5.9, iso: 64,
            focal: 24,
            latitude: 43.4674483333333, longitude: 11.8851266666639, gpsTime: "2008-10-23T14:27:07.24Z"),
        Expected(
            file: "DSCN0012.jpg", date: "2008-10-22T16:29:49", exposure: 0.00560852, fNumber: 4.5, iso: 64, focal: 6,
            latitude: 43.4671566666639, longitude: 11.8853949999972, gpsTime: "2008-10-23T14:28:17.24Z"),
        Expected(
            file: "DSCN0021.jpg", date: "2008-10-22T16:38:20", exposure: 0.01044932, fNumber: 4.7, iso: 64, focal: 16.6,
            latitude: 43.4670816666639, longitude: 11.8845383333306, gpsTime: "2008-10-23T14:36:47.23Z"),
        Expected(
            file: "DSCN0025.jpg", date: "2008-10-22T16:43:21", exposure: 0.00813669, fNumber: 3.7, iso: 64, focal: 8.1,
            latitude: 43.468365, longitude: 11.8816349999722, gpsTime: "2008-10-23T14:41:49.03Z"),
        Expected(
            file: "DSCN0027.jpg", date: "2008-10-22T16:44:01", exposure: 0.00676132, fNumber: 4.1, iso: 64, focal: 6,
            latitude: 43.4684416666667, longitude: 11.881515, gpsTime: "2008-10-23T14:42:29.03Z"),
        Expected(
            file: "DSCN0029.jpg", date: "2008-10-22T16:46:53", exposure: 0.01543209, fNumber: 5.6, iso: 64, focal: 22.1,
            latitude: 43.4682433333306, longitude: 11.8801716666389, gpsTime: "2008-10-23T14:45:20.91Z"),
        Expected(
            file: "DSCN0038.jpg", date: "2008-10-22T16:52:15", exposure: 0.01555209, fNumber: 5.9, iso: 103, focal: 24,
            latitude: 43.4672549999972, longitude: 11.8792133333333, gpsTime: "2008-10-23T14:50:40.9Z"),
        Expected(
            file: "DSCN0040.jpg", date: "2008-10-22T16:55:37", exposure: 0.00761035, fNumber: 4.1, iso: 64, focal: 6,
            latitude: 43.4660116666389, longitude: 11.8791116666389, gpsTime: "2008-10-23T14:54:00.19Z"),
        Expected(
            file: "DSCN0042.jpg", date: "2008-10-22T17:00:07", exposure: 0.01, fNumber: 4.4, iso: 64, focal: 15,
            latitude: 43.464455, longitude: 11.8814783333333, gpsTime: "2008-10-23T14:57:41.37Z"),
    ]

    func metadata(_ relative: String) throws -> PhotoMetadata {
        let mapped = try MappedFile(path: SharedData.path(relative))
        return try mapped.withBytes { bytes throws(ScanImportError) in try PhotoReader.read(bytes, file: relative) }
    }

    @Test(arguments: nikon)
    func exifAndGPSMatchExiftool(expected: Expected) throws {
        let photo = try metadata("photos/gps/\(expected.file)")
        #expect(photo.width == 640 && photo.height == 480)
        let exif = try #require(photo.exif)
        #expect(exif.make == "NIKON" && exif.model == "COOLPIX P6000" && exif.orientation == 1)
        #expect(exif.software == "Nikon Transfer 1.1 W")
        #expect(exif.dateTimeOriginal == expected.date)
        #expect(abs((exif.exposureTime ?? 0) - expected.exposure) < 1e-8)
        #expect(exif.fNumber == expected.fNumber && exif.iso == expected.iso && exif.focalLength == expected.focal)
        let gps = try #require(exif.gps)
        #expect(abs((gps.latitude ?? 0) - expected.latitude) < 1e-9)
        #expect(abs((gps.longitude ?? 0) - expected.longitude) < 1e-9)
        #expect(gps.timestamp == expected.gpsTime)
        #expect(photo.warnings.isEmpty)
    }

    @Test func theIssuesReferencePhotoIsWhereItShouldBe() throws {
        let summary = try ScanInspector.inspect(path: SharedData.path("photos/gps/DSCN0010.jpg"))
        #expect(summary.format == .jpeg && summary.width == 640 && summary.height == 480)
        #expect(summary.exif?.make == "NIKON" && summary.exif?.model == "COOLPIX P6000")
        #expect(
            String(format: "%.6f, %.6f", summary.gps?.latitude ?? 0, summary.gps?.longitude ?? 0)
                == "43.467448, 11.885127")
    }

    @Test func orientationsAreReadAndThumbnailsComeOutUpright() throws {
        func thumbnail(_ name: String) throws -> DecodedImage {
            let path = SharedData.path("photos/orientation/\(name).jpg")
            let mapped = try MappedFile(path: path)
            let png = try mapped.withBytes { bytes throws(ScanImportError) in
                try Thumbnail.png(of: bytes, photo: try PhotoReader.read(bytes, file: path), file: path)
            }
            return try png.withUnsafeBytes { try ImageDecoder.decode($0, format: .png, file: name) }
        }
        func difference(_ a: DecodedImage, _ b: DecodedImage) -> Double {
            guard a.width == b.width, a.height == b.height else { return .infinity }
            var total = 0
            for index in 0..<a.pixels.count { total += abs(Int(a.pixels[index]) - Int(b.pixels[index])) }
            return Double(total) / Double(a.pixels.count)
        }
        for shape in ["landscape", "portrait"] {
            let upright = try thumbnail("\(shape)_1")
            #expect(max(upright.width, upright.height) == 512)
            for orientation in 2...8 {
                let path = SharedData.path("photos/orientation/\(shape)_\(orientation).jpg")
                let mapped = try MappedFile(path: path)
                let photo = try mapped.withBytes { bytes throws(ScanImportError) in
                    try PhotoReader.read(bytes, file: path)
                }
                #expect(photo.exif?.orientation == orientation)
                // Only the large digit in the middle differs between the eight files; compare
                // 32-pixel blocks so JPEG artefacts do not count, and against a wrong (180°) turn.
                let found = try thumbnail("\(shape)_\(orientation)")
                #expect(difference(blocks(found), blocks(upright)) < 14, "\(shape)_\(orientation)")
                #expect(difference(blocks(found), blocks(oriented180(upright))) > 25, "\(shape)_\(orientation)")
            }
        }
    }

    @Test func damagedPixelDataIsAWarningNotAFailure() throws {
        let summary = try ScanInspector.inspect(path: SharedData.path("photos/invalid/corrupted.jpg"))
        #expect(summary.width == 3648 && summary.height == 2736)
        #expect(
            summary.exif?.make == "OLYMPUS IMAGING CORP." && summary.exif?.dateTimeOriginal == "2015-09-08T11:02:17")
        #expect(summary.warnings.count == 1)
        #expect(summary.warnings.first?.contains("premature end of data segment") == true)
    }

    @Test func everyInvalidSamplePhotoReadsWithoutFailing() throws {
        let folder = SharedData.path("photos/invalid")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".jpg") {
            let summary = try ScanInspector.inspect(path: "\(folder)/\(name)")
            #expect(summary.width ?? 0 > 0 && summary.height ?? 0 > 0, "\(name)")
        }
    }

    @Test func truncatedAndForeignFilesAreRejectedWithAnOffset() throws {
        let original = try Data(contentsOf: URL(filePath: SharedData.path("photos/gps/DSCN0010.jpg")))
        let cut = Array(original.prefix(5000))
        let error = cut.withUnsafeBytes { bytes in
            #expect(throws: ScanImportError.self) { try PhotoReader.read(bytes, file: "cut.jpg") }
        }
        #expect(error?.code == .truncated)
        if case .byteOffset(let offset) = error?.location {
            #expect(offset > 0 && offset < 5000)
        } else {
            Issue.record("no byte offset in \(String(describing: error))")
        }
    }
}

@Suite struct ExifReaderTests {
    /// A minimal big-endian TIFF with a GPS IFD south and west of Greenwich.
    @Test func bigEndianGPSIsSignedBySouthAndWest() throws {
        var tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8]
        func u16(_ value: Int) { tiff += [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        func u32(_ value: Int) {
            tiff += [
                UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF),
            ]
        }
        // IFD0 at 8: one entry, GPS pointer → 26.
        u16(1)
        u16(0x8825); u16(4); u32(1); u32(26)
        u32(0)
        // GPS IFD at 26: LatRef S, Lat → 80, LonRef W, Lon → 104.
        u16(4)
        u16(1); u16(2); u32(2); tiff += [0x53, 0, 0, 0]
        u16(2); u16(5); u32(3); u32(80)
        u16(3); u16(2); u32(2); tiff += [0x57, 0, 0, 0]
        u16(4); u16(5); u32(3); u32(104)
        u32(0)
        #expect(tiff.count == 80)
        for (value, denominator) in [(33, 1), (52, 1), (3600, 100)] { u32(value); u32(denominator) }
        for (value, denominator) in [(151, 1), (12, 1), (3000, 100)] { u32(value); u32(denominator) }
        var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1]
        let segment = Array("Exif".utf8) + [0, 0] + tiff
        jpeg += [UInt8((segment.count + 2) >> 8), UInt8((segment.count + 2) & 0xFF)] + segment
        jpeg += [0xFF, 0xC0, 0, 11, 8, 0, 10, 0, 20, 1, 1, 0x11, 0]
        let photo = try jpeg.withUnsafeBytes { try PhotoReader.read($0, file: "synthetic.jpg") }
        #expect(photo.width == 20 && photo.height == 10)
        #expect(abs((photo.exif?.gps?.latitude ?? 0) + (33 + 52.0 / 60 + 36.0 / 3600)) < 1e-12)
        #expect(abs((photo.exif?.gps?.longitude ?? 0) + (151 + 12.0 / 60 + 30.0 / 3600)) < 1e-12)
        #expect(photo.warnings.isEmpty)
    }

    @Test func aBrokenIFDGivesWarningsAndWhateverCanBeRead() throws {
        // IFD0 with Make inline-pointed outside the block, and an Exif pointer that loops to IFD0.
        var tiff: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0]
        func u16(_ value: Int) { tiff += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        func u32(_ value: Int) {
            tiff += [
                UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24 & 0xFF),
            ]
        }
        u16(3)
        u16(0x010F); u16(2); u32(40); u32(9999)
        u16(0x0112); u16(3); u32(1); u32(6)
        u16(0x8769); u16(4); u32(1); u32(8)
        u32(0)
        let metadata = try tiff.withUnsafeBytes { bytes in
            var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1]
            let segment = Array("Exif".utf8) + [0, 0] + Array(bytes)
            jpeg += [UInt8((segment.count + 2) >> 8), UInt8((segment.count + 2) & 0xFF)] + segment
            jpeg += [0xFF, 0xC0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]
            return try jpeg.withUnsafeBytes { try PhotoReader.read($0, file: "broken.jpg") }
        }
        #expect(metadata.exif?.orientation == 6)
        #expect(metadata.exif?.make == nil)
        #expect(
            metadata.warnings == [
                "IFD0 tag 0x10f points outside the EXIF block; skipped",
                "Exif IFD at offset 8 was already read (a loop); skipped",
            ])
    }
}
func oriented180(_ image: DecodedImage) -> DecodedImage {
    var copy = image
    let pixelCount = image.width * image.height
    for index in 0..<pixelCount {
        for channel in 0..<image.channels {
            copy.pixels[index * image.channels + channel] =
                image.pixels[(pixelCount - 1 - index) * image.channels + channel]
        }
    }
    return copy
}

/// Mean of each 32×32 block of each channel.
func blocks(_ image: DecodedImage) -> DecodedImage {
    let width = image.width / 32
    let height = image.height / 32
    var pixels = [UInt8](repeating: 0, count: width * height * image.channels)
    for by in 0..<height {
        for bx in 0..<width {
            for channel in 0..<image.channels {
                var sum = 0
                for y in (by * 32)..<(by * 32 + 32) {
                    for x in (bx * 32)..<(bx * 32 + 32) {
                        sum += Int(image.pixels[(y * image.width + x) * image.channels + channel])
                    }
                }
                pixels[(by * width + bx) * image.channels + channel] = UInt8(sum / 1024)
            }
        }
    }
    return DecodedImage(width: width, height: height, channels: image.channels, pixels: pixels, warnings: [])
}
