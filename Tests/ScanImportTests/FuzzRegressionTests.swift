import Foundation
import ScanImport
import Testing

/// Every input a fuzzer ever crashed on, replayed through its reader: each must now end in a
/// clear error (or a clean read), never a crash. File names start with the reader's name.
@Suite struct FuzzRegressionTests {
    static let folder = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "FuzzRegressions")

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test(arguments: inputs)
    func crashInputsNowFailCleanly(name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appending(path: name)))
        bytes.withUnsafeBytes { buffer in
            do throws(ScanImportError) {
                switch name.split(separator: "-").first {
                case "ply": _ = try PLYReader.read(buffer, file: name).geometry(file: name)
                case "obj": _ = try OBJReader.read(buffer, file: name)
                case "las": _ = try LASReader.read(buffer, file: name)
                case "e57": _ = try E57Reader.read(buffer, file: name, images: true)
                case "strip":
                    // Stripping what stripping returns changes nothing more.
                    let format = name.contains("png") ? "png" : "jpeg"
                    let once = try PhotoMetadataStripping.stripped(Array(buffer), format: format, file: name)
                    let twice = try PhotoMetadataStripping.stripped(once, format: format, file: name)
                    #expect(twice == once)
                default: _ = try PhotoReader.read(buffer, file: name)
                }
            } catch {
                #expect(error.location != .none || error.code == .unsupported, "\(error)")
            }
        }
    }

    @Test func anE57sXMLThatIsNotUTF8IsRefusedBeforeFoundationsParserTrapsOnIt() throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appending(path: "e57-invalid-utf8-name.e57")))
        let error = bytes.withUnsafeBytes { buffer in
            #expect(throws: ScanImportError.self) { try E57Reader.read(buffer, file: "bad.e57") }
        }
        #expect(error?.location == .byteOffset(1228))
        #expect(error?.message == "the XML section is not UTF-8: its byte 3703 begins no valid character")
    }

    @Test func aHugeDeclaredRecordCountIsRefusedBeforeAllocating() throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appending(path: "ply-huge-face-count.ply")))
        let error = bytes.withUnsafeBytes { buffer in
            #expect(throws: ScanImportError.self) { try PLYReader.read(buffer, file: "huge.ply") }
        }
        #expect(error?.code == .truncated)
        #expect(
            error?.message.hasPrefix(
                "element 'face' declares 107777777700 records of at least 6 bytes; only 1395 bytes remain") == true)
    }
}

@Suite struct ConversionTrapTests {
    @Test func hugeFloatColoursClampInsteadOfTrapping() throws {
        var data = Array(
            "ply\nformat binary_little_endian 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nproperty float red\nproperty float green\nproperty float blue\nend_header\n"
                .utf8)
        for value: Float in [0, 0, 0, -1e30, .nan, 2, 1, 1, 1, 1e30, 0.5, .infinity] {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 }
        }
        let geometry = try data.withUnsafeBytes {
            try PLYReader.read($0, file: "colours.ply").geometry(file: "colours.ply")
        }
        #expect(geometry.colors == [0, 0, 255, 255, 255, 128, 255, 255])
    }

    @Test func aHugeListCountOnAnASCIILineIsAnError() {
        let text =
            "ply\nformat ascii 1.0\nelement face 1\nproperty list uint int vertex_indices\nend_header\n4000000000 1 2 3\n"
        let error = Array(text.utf8).withUnsafeBytes { bytes in
            #expect(throws: ScanImportError.self) { try PLYReader.read(bytes, file: "list.ply") }
        }
        #expect(error?.message == "list 'vertex_indices' announces 4000000000 items; the line ends after 3")
    }

    @Test func gpsTimesOutOfRangeAreIgnored() throws {
        // A GPS IFD whose time stamp is 99:99:NaN and whose date is present.
        var tiff: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0]
        func u16(_ value: Int) { tiff += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        func u32(_ value: Int) {
            tiff += [
                UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24 & 0xFF),
            ]
        }
        u16(1)
        u16(0x8825)
        u16(4)
        u32(1)
        u32(26)
        u32(0)
        u16(2)
        u16(7)
        u16(5)
        u32(3)
        u32(56)
        u16(29)
        u16(2)
        u32(11)
        u32(80)
        u32(0)
        #expect(tiff.count == 56)
        for (numerator, denominator) in [(99, 1), (99, 1), (1, 0)] {
            u32(numerator)
            u32(denominator)
        }
        tiff += Array("2008:10:23".utf8) + [0]
        var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1]
        let segment = Array("Exif".utf8) + [0, 0] + tiff
        jpeg += [UInt8((segment.count + 2) >> 8), UInt8((segment.count + 2) & 0xFF)] + segment
        jpeg += [0xFF, 0xC0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]
        let photo = try jpeg.withUnsafeBytes { try PhotoReader.read($0, file: "time.jpg") }
        #expect(photo.exif?.gps == nil)
    }
}
