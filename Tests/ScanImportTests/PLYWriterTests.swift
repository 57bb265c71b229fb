import Foundation
import ScanImport
import Testing

@Suite struct PLYWriterTests {
    static let geometry = ScanGeometry(
        positions: [500_123.456789, 4_649_776.123456, 123.25, -1, 0.5, 2, 0, 0, 0],
        normals: [0, 0, 1, 0, 1, 0, 1, 0, 0], colors: [255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 255],
        scalarFields: [
            ScalarField(name: "m3c2 distance", values: [0.04, -0.08, .nan]),
            ScalarField(name: "significant", values: [1, 1, 0]),
        ],
        triangles: [0, 1, 2], polygonCount: 1)

    @Test(arguments: [PLYWriter.Encoding.binaryLittleEndian, .ascii])
    func whatIsWrittenReadsBackExactly(encoding: PLYWriter.Encoding) throws {
        let bytes = PLYWriter.data(Self.geometry, encoding: encoding, comments: ["heritage test", "two\nlines"])
        let document = try bytes.withUnsafeBytes { try PLYReader.read($0, file: "written.ply") }
        #expect(document.header.comments == ["heritage test", "two lines"])
        let read = try document.geometry(file: "written.ply")
        #expect(read.positions == Self.geometry.positions)
        #expect(read.normals == Self.geometry.normals)
        #expect(read.colors == Self.geometry.colors)
        #expect(read.triangles == [0, 1, 2])
        #expect(read.scalarFields.map(\.name) == ["m3c2_distance", "significant"])
        #expect(read.scalarFields[0].values.prefix(2) == [0.04, -0.08] && read.scalarFields[0].values[2].isNaN)
        #expect(read.scalarFields[1].values == [1, 1, 0])
    }
}

@Suite(
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/CloudCompare"),
        "CloudCompare is not installed (apt-get install cloudcompare): the CloudCompare check is skipped"))
struct PLYWriterCloudCompareTests {
    @Test func cloudCompareLoadsTheScalarFields() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "heritage-cc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ply = folder.appending(path: "core-points.ply")
        var corePoints = PLYWriterTests.geometry  // a cloud: CloudCompare saves clouds, not meshes, below
        corePoints.triangles = []
        try Data(PLYWriter.data(corePoints, encoding: .binaryLittleEndian)).write(to: ply)
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/CloudCompare")
        process.arguments = [
            "-SILENT", "-NO_TIMESTAMP", "-O", ply.path, "-C_EXPORT_FMT", "ASC", "-ADD_HEADER", "-SAVE_CLOUDS",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["QT_QPA_PLATFORM"] = "offscreen"
        environment["LD_LIBRARY_PATH"] = nil  // the test runner's Swift libraries are not CloudCompare's
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let exported = try String(contentsOf: folder.appending(path: "core-points.asc"), encoding: .utf8)
        let header = exported.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.hasPrefix("//X Y Z") && header.contains("m3c2_distance significant"), "\(header)")
    }
}
