import Foundation
import HeritageTestSupport
import Testing

@testable import ScanImport

/// E57 (ASTM E2807): libE57Format's own test files read as pye57 reads them, the broken ones
/// refused with the reason; a file libE57Format writes (through pye57) with two posed scans,
/// Cartesian scaled integers and spherical floats, invalid points, colour limits and an image,
/// read point for point; damage anywhere is an error naming the offset.
@Suite struct E57ReaderTests {
    static let folder = SharedData.path("pointclouds/e57")

    /// The whole read; checked against the summary-only pass `inspect` makes, which must say the
    /// same of the points without keeping them.
    func read(_ bytes: [UInt8], file: String = "test.e57", images: Bool = false) throws(ScanImportError) -> E57Document
    {
        let result: Result<(E57Document, E57Document), ScanImportError> = bytes.withUnsafeBytes { buffer in
            do throws(ScanImportError) {
                return .success(
                    (
                        try E57Reader.read(buffer, file: file, images: images),
                        try E57Reader.read(buffer, file: file, summaryOnly: true)
                    ))
            } catch {
                return .failure(error)
            }
        }
        let (whole, summary) = try result.get()
        let finite = ScanGeometry.finiteBounds(whole.geometry.positions)
        #expect(summary.geometry.vertexCount == 0)
        #expect(summary.pointCount == whole.geometry.vertexCount && whole.pointCount == whole.geometry.vertexCount)
        #expect(summary.bounds == finite.bounds && whole.bounds == finite.bounds, "\(file)")
        #expect(summary.nonFiniteCount == finite.nonFinite && summary.stations == whole.stations, "\(file)")
        return whole
    }

    func shared(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(filePath: "\(Self.folder)/\(name)")))
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func libE57FormatsFilesReadAsPye57ReadsThem() throws {
        let reference =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(filePath: SharedData.path("pointclouds/reference.json")))) as! [String: Any]
        for name in ["ColouredCubeDouble.e57", "ColouredCubeFloat.e57", "ZeroPoints.e57", "empty.e57"] {
            let expected = reference[name] as! [String: Any]
            let document = try read(try shared(name), file: name)
            #expect(document.geometry.vertexCount == expected["count"] as! Int, "\(name)")
            #expect(document.stations.count == expected["scans"] as! Int, "\(name)")
            #expect((document.geometry.colors != nil) == (expected["rgb"] as! Bool), "\(name)")
            if let low = expected["min"] as? [Double], let high = expected["max"] as? [Double] {
                let bounds = try #require(document.geometry.bounds)
                for axis in 0..<3 {
                    #expect(abs(bounds.min[axis] - low[axis]) < 1e-9 && abs(bounds.max[axis] - high[axis]) < 1e-9)
                }
            }
        }
        // The cube's faces are coloured in full red, green and blue, each channel 0 or 255.
        let cube = try read(try shared("ColouredCubeFloat.e57"))
        let colours = try #require(cube.geometry.colors)
        #expect(Set(colours) == [0, 255])
        #expect(try read(try shared("empty.e57")).warnings == ["holds no scans and no images: no geometry"])
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func theBrokenFilesAreRefusedWithTheReason() throws {
        #expect {
            _ = try read(try shared("bad-crc.e57"), file: "bad-crc.e57")
        } throws: { error in
            let error = error as! ScanImportError
            return error.location == .byteOffset(0) && error.message.contains("fails its checksum")
        }
        #expect {
            _ = try read(try shared("InvalidCVHeader.e57"), file: "InvalidCVHeader.e57")
        } throws: { error in
            let error = error as! ScanImportError
            return error.location == .byteOffset(48) && error.message.contains("section header has id 182")
        }
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func anImagesCameraAndBytesAreRead() throws {
        let document = try read(try shared("PinholeImageWithDistortionParameters.e57"), images: true)
        #expect(document.images.count == 3)
        let first = document.images[0]
        #expect(first.name == "JPEG Image Test 1" && first.representation == "pinhole" && first.format == "jpeg")
        #expect(first.width == 1 && first.height == 1 && first.byteCount == 375)
        #expect(first.camera["distortion.CV_K1"].map { abs($0 - 1.01) < 1e-6 } == true)
        #expect(document.images[2].camera["distortion.CV_K1"] == nil)
        for image in document.images {
            let data = try #require(image.data)
            #expect(data.count == 375 && Array(data.prefix(3)) == [0xFF, 0xD8, 0xFF])
        }
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func anImageSizeThatIsNoCountIsLeftOutNotTrappedOn() throws {
        var bytes = try shared("PinholeImageWithDistortionParameters.e57")
        let from = Array(#"<imageWidth type="Integer">1<"#.utf8)
        let to = Array(#"<imageWidth type="Float">inf<"#.utf8)
        let at = try #require((0...(bytes.count - from.count)).first { Array(bytes[$0..<($0 + from.count)]) == from })
        bytes.replaceSubrange(at..<(at + from.count), with: to)
        E57Fixture.reseal(&bytes, page: at / 1024)
        let document = try read(bytes)
        #expect(document.images[0].width == nil && document.images[0].height == 1)
        #expect(document.images[0].camera["imageWidth"] == nil)
        // The summary still encodes: no number in it is infinite.
        #expect(throws: Never.self) { try JSONEncoder().encode(ScanSummary(e57: document)) }
    }

    /// Writes the fixture with libE57Format (pye57), or nil when pye57 is not here.
    static func fixture() throws -> (URL, [String: Any])? {
        guard let folder = try pythonFixture(script: "e57_fixtures.py", modules: ["pye57"]) else { return nil }
        let reference = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appending(path: "stations.json")))
                as? [String: Any])
        return (folder, reference)
    }

    @Test func twoPosedScansAndAnImageReadPointForPointAsLibE57FormatWroteThem() throws {
        guard let (folder, reference) = try Self.fixture() else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = Array(try Data(contentsOf: folder.appending(path: "stations.e57")))
        let document = try read(bytes, images: true)
        let scans = reference["scans"] as! [[String: Any]]
        #expect(document.stations.count == 2)
        for (station, expected) in zip(document.stations, scans) {
            #expect(station.name == expected["name"] as! String)
            #expect(station.pointCount == expected["pointCount"] as! Int)
            #expect(station.invalidCount == expected["invalidCount"] as! Int)
            let bounds = try #require(station.bounds)
            let low = expected["min"] as! [Double]
            let high = expected["max"] as! [Double]
            for axis in 0..<3 {
                #expect(abs(bounds.min[axis] - low[axis]) < 1e-6, "\(station.name) min \(axis)")
                #expect(abs(bounds.max[axis] - high[axis]) < 1e-6, "\(station.name) max \(axis)")
            }
        }
        #expect(document.stations[0].rows == 300 && document.stations[0].columns == 500)
        // The south scan's quaternion is twice unit length: normalised, and said so.
        #expect(document.stations[1].pose?.rotation == [1, 0, 0, 0])
        #expect(document.warnings.contains { $0.contains("quaternion has length 2.0") })
        #expect(document.crs == "EPSG:32637")

        let geometry = document.geometry
        let positions = geometry.positions
        let count = geometry.vertexCount
        #expect(count == scans.reduce(0) { $0 + ($1["pointCount"] as! Int) })
        var sum = [0.0, 0.0, 0.0]
        for index in 0..<count { for axis in 0..<3 { sum[axis] += positions[3 * index + axis] } }
        let expectedSum = reference["sum"] as! [Double]
        for axis in 0..<3 { #expect(abs(sum[axis] - expectedSum[axis]) <= abs(expectedSum[axis]) * 1e-12 + 1e-6) }
        let northCount = scans[0]["pointCount"] as! Int
        let firstPoints = reference["firstPoints"] as! [[Double]]
        let firstColours = reference["firstColours"] as! [[Int]]
        let colours = try #require(geometry.colors)
        let rows = Array(0..<5) + Array(northCount..<(northCount + 3))
        for (row, (point, colour)) in zip(rows, zip(firstPoints, firstColours)) {
            for axis in 0..<3 { #expect(abs(positions[3 * row + axis] - point[axis]) < 1e-6, "point \(row)") }
            #expect(colours[(4 * row)..<(4 * row + 3)].map(Int.init) == colour, "colour \(row)")
        }
        var colourSum = [0, 0, 0]
        for index in 0..<count { for channel in 0..<3 { colourSum[channel] += Int(colours[4 * index + channel]) } }
        #expect(colourSum == reference["colourSum"] as! [Int])
        // Intensity: the north scan's integers as they are, the south's invalid ones absent.
        let intensity = try #require(geometry.scalarFields.first { $0.name == "intensity" })
        #expect(intensity.values.prefix(northCount).allSatisfy { $0 >= 0 && $0 <= 2047 && $0 == $0.rounded() })
        let southNaN = intensity.values.dropFirst(northCount).filter(\.isNaN).count
        #expect(southNaN > 0 && southNaN < count - northCount)

        let image = try #require(document.images.first)
        let expectedImage = reference["image"] as! [String: Any]
        #expect(image.name == "north façade" && image.format == "png" && image.width == 8 && image.height == 6)
        #expect(image.associatedScan == "{north}" && image.camera["focalLength"] == 0.035)
        #expect(image.pose?.translation == [500_001, 4_200_002, 813])
        let data = try #require(image.data)
        #expect(data.count == expectedImage["bytes"] as! Int)
        #expect(data.map { String(format: "%02x", $0) }.joined() == expectedImage["hex"] as! String)

        // Damage: a flipped bit fails its page's checksum; a file cut short says so; a data
        // packet's stream lengths made inconsistent (the page resealed) are refused.
        var flipped = bytes
        flipped[100_000] ^= 0x10
        #expect {
            _ = try read(flipped)
        } throws: { error in
            let error = error as! ScanImportError
            return error.location == .byteOffset(100_000 / 1024 * 1024) && error.message.contains("checksum")
        }
        #expect {
            _ = try read(Array(bytes.prefix(bytes.count - 1024)))
        } throws: { error in (error as! ScanImportError).code == .truncated }
        var resealed = bytes
        let section = try #require(E57Fixture.firstDataPacket(resealed))
        resealed[section + 6] = 0xFF  // the first bytestream's length
        resealed[section + 7] = 0xFF
        E57Fixture.reseal(&resealed, page: section / 1024)
        #expect {
            _ = try read(resealed)
        } throws: { error in
            let error = error as! ScanImportError
            return error.message.contains("bytestream 0") && error.location == .byteOffset(section + 6)
        }
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        // RFC 3720's check value: CRC-32C of "123456789".
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32C.checksum($0) } == 0xE306_9283)
        let zeros = [UInt8](repeating: 0, count: 32)
        #expect(zeros.withUnsafeBytes { CRC32C.checksum($0) } == 0x8A91_36AA)
    }
}

/// Reaching inside a written E57 file to damage it where a checksum would not catch it.
enum E57Fixture {
    /// The physical offset of the first scan's first data packet.
    static func firstDataPacket(_ bytes: [UInt8]) -> Int? {
        func u64(_ at: Int) -> Int { bytes[at..<(at + 8)].reversed().reduce(0) { $0 << 8 | Int($1) } }
        let xmlOffset = u64(24)
        let xmlLength = u64(32)
        var xml: [UInt8] = []
        var position = xmlOffset
        while xml.count < xmlLength {
            if position % 1024 < 1020 { xml.append(bytes[position]) }
            position += 1
        }
        let text = String(decoding: xml, as: UTF8.self)
        guard let range = text.range(of: #"type="CompressedVector" fileOffset="(\d+)""#, options: .regularExpression),
            let offset = Int(text[range].split(separator: "\"")[3])
        else { return nil }
        return u64(offset + 16)
    }

    static func reseal(_ bytes: inout [UInt8], page: Int) {
        let start = page * 1024
        let crc = bytes[start..<(start + 1020)].withUnsafeBytes { CRC32C.checksum($0) }
        for index in 0..<4 { bytes[start + 1020 + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(index))) }
    }
}
