import Foundation
import ScanImport
import Testing

@Suite(.enabled(if: SharedData.available, "../shared/data is absent: PLY corpus tests skipped"))
struct PLYCorpusTests {
    struct Expected: Sendable, CustomStringConvertible {
        var file: String
        var format: PLYFormat
        var elements: [String: Int]
        var bounds: [Double]?
        var comments: Int
        var description: String { file }
    }

    // Counts and bounds cross-checked with plyfile 1.1.5.
    static let valid: [Expected] = [
        Expected(
            file: "scans/corpus/bunny.ply", format: .ascii, elements: ["vertex": 8171, "face": 16301],
            bounds: [
                -0.09457159787416458, 0.033389098942279816, -0.061873599886894226, 0.06093459948897362,
                0.18664300441741943, 0.05868950113654137,
            ], comments: 1),
        Expected(file: "scans/corpus/empty.ply", format: .ascii, elements: ["vertex": 0, "face": 0], comments: 1),
        Expected(
            file: "scans/corpus/emptyIO_ply_empty_bin.ply", format: .binaryLittleEndian,
            elements: ["vertex": 0, "face": 0], comments: 1),
        Expected(file: "scans/corpus/emptyIO_ply_empty_header.ply", format: .ascii, elements: [:], comments: 0),
        Expected(
            file: "scans/corpus/emptyIO_ply_points_bin.ply", format: .binaryLittleEndian,
            elements: ["vertex": 8, "face": 0], bounds: [-1, -1, -1, 1, 1, 1], comments: 1),
        Expected(
            file: "scans/corpus/fuze.ply", format: .binaryLittleEndian, elements: ["vertex": 502, "face": 1000],
            bounds: [
                -0.0363910011947155, -0.03671099990606308, 0.004015999846160412, 0.03622100129723549,
                0.036802999675273895, 0.21914400160312653,
            ], comments: 2),
        Expected(
            file: "scans/corpus/metadata.ply", format: .ascii, elements: ["vertex": 4, "face": 2],
            bounds: [-4, -4, 0, 4, 4, 0], comments: 0),
        Expected(
            file: "scans/corpus/points_ascii_with_lists.ply", format: .ascii,
            elements: ["vertex": 5, "point_list": 2],
            bounds: [
                -0.06449999660253525, 0.03597930073738098, 0.04043620079755783, -0.06274999678134918,
                0.03672889992594719, 0.042594898492097855,
            ], comments: 0),
        Expected(
            file: "scans/models/igea.ply", format: .binaryLittleEndian, elements: ["vertex": 134345, "tristrips": 1],
            bounds: [
                -0.03455600142478943, -0.04966900125145912, -0.04953800141811371, 0.03455600142478943,
                0.04966900125145912, 0.04953800141811371,
            ], comments: 0),
        Expected(
            file: "scans/preservation/mesh-cube-ply-1.0_binary-unmodified-unknown.ply", format: .binaryLittleEndian,
            elements: ["vertex": 14, "face": 6], bounds: [-1, -1, -1, 1, 1, 1], comments: 1),
        Expected(
            file: "scans/preservation/mesh-minimal-ply-1.0_ascii-unmodified-unknown.ply", format: .ascii,
            elements: ["vertex": 0], comments: 1),
    ]

    @Test(arguments: valid)
    func validFilesReadWithTheirTrueCounts(expected: Expected) throws {
        let document = try PLYReader.read(path: SharedData.path(expected.file))
        #expect(document.header.format == expected.format)
        #expect(
            Dictionary(uniqueKeysWithValues: document.header.elements.map { ($0.name, $0.count) }) == expected.elements)
        #expect(document.header.comments.count == expected.comments)
        let geometry = try document.geometry(file: expected.file)
        if let bounds = expected.bounds {
            let found = try #require(geometry.bounds)
            for (value, wanted) in zip(found.min + found.max, bounds) {
                #expect(Float(value) == Float(wanted))
            }
        } else {
            #expect(geometry.bounds == nil)
        }
    }

    @Test func allPLYFilesInTheCorpusEitherReadOrFailWithALocation() throws {
        let folders = ["scans/corpus", "scans/models", "scans/preservation"]
        for folder in folders {
            for name in try FileManager.default.contentsOfDirectory(atPath: SharedData.path(folder))
            where name.hasSuffix(".ply") {
                let path = SharedData.path("\(folder)/\(name)")
                do {
                    _ = try PLYReader.read(path: path).geometry(file: path)
                    #expect(!name.contains("invalid"), "\(name) should have failed")
                } catch {
                    #expect(name.contains("invalid") || name == "fuze_ascii.ply", "\(name): \(error)")
                    #expect(error.location != .none, "\(name): \(error)")
                }
            }
        }
    }

    @Test func bunnyFacesTriangulateAndKeepTheirProperties() throws {
        let document = try PLYReader.read(path: SharedData.path("scans/corpus/bunny.ply"))
        let geometry = try document.geometry(file: "bunny.ply")
        #expect(geometry.vertexCount == 8171)
        #expect(geometry.polygonCount == 16301)
        #expect(geometry.triangleCount == 16301)
        #expect(geometry.scalarFields.map(\.name) == ["confidence", "intensity"])
        #expect(geometry.scalarFields[1].values.prefix(2) == [0.5, 0.5])
        #expect(document.header.comments == ["zipper output"])
    }

    @Test func fuzeColoursAndTextureCommentAreKept() throws {
        let document = try PLYReader.read(path: SharedData.path("scans/corpus/fuze.ply"))
        let geometry = try document.geometry(file: "fuze.ply")
        #expect(geometry.colors?.count == 502 * 4)
        #expect(document.header.comments.contains { $0.hasPrefix("TextureFile") })
        #expect(document.element(named: "face")?.lists["texcoord"]?.count == 1000)
    }

    @Test func igeaTriangleStripsBecomeTriangles() throws {
        let geometry = try PLYReader.read(path: SharedData.path("scans/models/igea.ply")).geometry(file: "igea.ply")
        #expect(geometry.polygonCount == 1)
        #expect(geometry.triangleCount > 200_000)
        #expect(geometry.triangles.allSatisfy { $0 < 134_345 })
    }

    @Test func aRenamedCommentKeywordIsNamedWithItsLine() {
        for variant in ["ascii", "binary"] {
            let path = SharedData.path(
                "scans/preservation/mesh-cube-ply-1.0_\(variant)-comment_renamed_to_remark-invalid.ply")
            let error = #expect(throws: ScanImportError.self) { try PLYReader.read(path: path) }
            #expect(error?.location == .line(3))
            #expect(error?.message.hasPrefix("unknown header keyword 'remark'") == true)
        }
    }

    @Test func extraValuesOnAFaceLineAreNamed() {
        let error = #expect(throws: ScanImportError.self) {
            try PLYReader.read(path: SharedData.path("scans/corpus/fuze_ascii.ply"))
        }
        #expect(error?.location == .line(20 + 502 + 1))
        #expect(error?.message == "more values than element 'face' declares; expected 6 properties")
    }
}

@Suite struct PLYInlineTests {
    @Test func inspectStillChecksPropertiesItDoesNotKeep() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "heritage-ply-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "bad-normal.ply")
        try Data(
            "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nproperty float nx\nend_header\n0 0 0 1\n1 1 1 one\n"
                .utf8
        ).write(to: file)
        let error = #expect(throws: ScanImportError.self) { try ScanInspector.inspect(path: file.path) }
        #expect(error?.location == .line(10))
        #expect(error?.message == "'one' is not a number; expected float32 'nx'")
    }

    @Test(arguments: ["char", "uchar", "short", "ushort", "int", "uint"])
    func integersOutOfRangeAreRefused(type: String) {
        let text = "ply\nformat ascii 1.0\nelement vertex 1\nproperty \(type) x\nend_header\n99999999999\n"
        let error = Array(text.utf8).withUnsafeBytes { bytes in
            #expect(throws: ScanImportError.self) { try PLYReader.read(bytes, file: "range.ply") }
        }
        #expect(error?.location == .line(6))
    }
}

@Suite struct PLYBlockDecodingTests {
    /// 200,000 records cross several decoding blocks and have their pages given back behind them.
    @Test(arguments: ["binary_little_endian", "binary_big_endian"])
    func inspectAndFullReadAgreeAcrossBlocks(format: String) throws {
        let count = 200_000
        var data = Array(
            "ply\nformat \(format) 1.0\nelement vertex \(count)\nproperty float x\nproperty double y\nproperty short z\nproperty uchar red\nend_header\n"
                .utf8)
        for index in 0..<count {
            let x = Float(index) * 0.5 - 1000
            let y = Double(index % 977) * 1e-3 + 500_000
            let z = Int16(truncatingIfNeeded: index % 3000 - 1500)
            if format == "binary_big_endian" {
                withUnsafeBytes(of: x.bitPattern.bigEndian) { data += $0 }
                withUnsafeBytes(of: y.bitPattern.bigEndian) { data += $0 }
                withUnsafeBytes(of: z.bigEndian) { data += $0 }
            } else {
                withUnsafeBytes(of: x.bitPattern.littleEndian) { data += $0 }
                withUnsafeBytes(of: y.bitPattern.littleEndian) { data += $0 }
                withUnsafeBytes(of: z.littleEndian) { data += $0 }
            }
            data.append(UInt8(index % 256))
        }
        let folder = FileManager.default.temporaryDirectory.appending(path: "heritage-blocks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "cloud.ply")
        try Data(data).write(to: file)
        let summary = try ScanInspector.inspect(path: file.path)
        #expect(summary.vertexCount == count)
        #expect(summary.bounds?.min == [-1000, 500_000, -1500])
        #expect(summary.bounds?.max == [Double(Float(count - 1) * 0.5 - 1000), 500_000.976, 1499])
        let geometry = try PLYReader.read(path: file.path).geometry(file: file.path)
        #expect(geometry.bounds == summary.bounds)
        #expect(
            geometry.positions[3 * 150_001..<3 * 150_001 + 3] == [
                Double(Float(150_001) * 0.5 - 1000), Double(150_001 % 977) * 1e-3 + 500_000,
                Double(150_001 % 3000 - 1500),
            ])
        // A lone "red" is not a colour: it is kept as a scalar field.
        #expect(geometry.scalarFields.first { $0.name == "red" }?.values[150_001] == Float(150_001 % 256))
        // Positions decoded straight into interleaved doubles (float, double and short axes, either
        // byte order) equal the columns' widened and interleaved.
        let positionsOnly = try ScanLoader.load(path: file.path, positionsOnly: true).geometry
        #expect(positionsOnly.positions == geometry.positions)
        #expect(positionsOnly.scalarFields.isEmpty)
    }
}
