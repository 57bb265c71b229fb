import Foundation
import ScanImport
import Testing

@Suite struct PhotoMetadataStrippingTests {
    func jpegWithGPS() throws -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: 40 * 30 * 3)
        for index in pixels.indices { pixels[index] = UInt8((index * 13) % 247) }
        let tags = ExifWriter.Tags(
            make: "Nikon", model: "Z6", dateTimeOriginal: "2025:04:01 08:00:00", latitude: 40.1234567,
            longitude: 44.7654321, altitude: 1200)
        return try ImageDecoder.encodeJPEG(
            DecodedImage(width: 40, height: 30, channels: 3, pixels: pixels), exif: ExifWriter.app1(tags))
    }

    @Test func aJPEGLosesItsEXIFAndKeepsEveryPixel() throws {
        let original = try jpegWithGPS()
        let before = try original.withUnsafeBytes { try PhotoReader.read($0, file: "a.jpg") }
        #expect(before.exif?.gps != nil)
        let stripped = try PhotoMetadataStripping.stripped(original, format: "jpeg", file: "a.jpg")
        #expect(stripped.count < original.count)
        #expect(Data(stripped).range(of: Data("Exif".utf8)) == nil)
        let after = try stripped.withUnsafeBytes { try PhotoReader.read($0, file: "a.jpg") }
        #expect(after.exif?.gps == nil)
        let (a, b) = (
            try original.withUnsafeBytes { try ImageDecoder.decode($0, format: .jpeg, file: "a") },
            try stripped.withUnsafeBytes { try ImageDecoder.decode($0, format: .jpeg, file: "b") }
        )
        #expect(a.pixels == b.pixels && a.width == b.width)
        #expect(try PhotoMetadataStripping.stripped(stripped, format: "jpeg", file: "a.jpg") == stripped)
    }

    @Test func aPNGLosesItsTextAndEXIFChunks() throws {
        let image = DecodedImage(width: 8, height: 8, channels: 3, pixels: [UInt8](repeating: 90, count: 192))
        var png = try ImageDecoder.encodePNG(image)
        // A tEXt chunk after IHDR (8 + 25 bytes): "Comment\0at 40.1234567" (the CRC is not checked).
        let text = Array("Comment\u{0}at 40.1234567".utf8)
        let chunk = [0, 0, 0, UInt8(text.count)] + Array("tEXt".utf8) + text + [0, 0, 0, 0]
        png.insert(contentsOf: chunk, at: 33)
        let stripped = try PhotoMetadataStripping.stripped(png, format: "png", file: "a.png")
        #expect(Data(stripped).range(of: Data("40.1234567".utf8)) == nil)
        #expect(stripped.count == png.count - chunk.count)
        let decoded = try stripped.withUnsafeBytes { try ImageDecoder.decode($0, format: .png, file: "a") }
        let plain = try ImageDecoder.encodePNG(image).withUnsafeBytes {
            try ImageDecoder.decode($0, format: .png, file: "b")
        }
        #expect(decoded.pixels == plain.pixels && decoded.width == 8)
    }

    @Test func brokenFilesAreErrorsNamingTheOffset() throws {
        let original = try jpegWithGPS()
        let cases: [([UInt8], String, String)] = [
            (Array(original.prefix(30)), "jpeg", "byte"), ([0xFF, 0xD8, 0x00, 0x00], "jpeg", "byte 2"),
            (Array("GIF89a".utf8), "jpeg", "not a JPEG"), (Array("not a png".utf8), "png", "not a PNG"),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0], "png", "byte 8"),
        ]
        for (bytes, format, expected) in cases {
            let error = #expect(throws: ScanImportError.self) {
                try PhotoMetadataStripping.stripped(bytes, format: format, file: "x")
            }
            #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
        }
    }
}
