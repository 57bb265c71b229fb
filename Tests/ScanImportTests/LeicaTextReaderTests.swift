import Foundation
import Testing

@testable import ScanImport

/// PTX and PTS, Leica's text exports: points placed by each scan's matrix, cells without a
/// return counted and left out, colour and intensity kept, and errors that name the line.
struct LeicaTextReaderTests {
    /// The whole read; checked against the summary-only pass `inspect` makes, which must say the
    /// same of the points without keeping them, and the positions-only read a comparison makes.
    func ptx(_ text: String) throws(ScanImportError) -> TextScanDocument {
        try read(text, file: "station.ptx", PTXReader.read)
    }

    func pts(_ text: String) throws(ScanImportError) -> TextScanDocument {
        try read(text, file: "cloud.pts", PTSReader.read)
    }

    func read(
        _ text: String, file: String,
        _ reader: (UnsafeRawBufferPointer, String, Bool, Bool, ((Int, Int) -> Int)?) throws(ScanImportError) ->
            TextScanDocument
    ) throws(ScanImportError) -> TextScanDocument {
        let bytes = Array(text.utf8)
        let result: Result<(TextScanDocument, TextScanDocument, TextScanDocument), ScanImportError> =
            bytes.withUnsafeBytes { buffer in
                do throws(ScanImportError) {
                    return .success(
                        (
                            try reader(buffer, file, false, false, nil),
                            try reader(buffer, file, true, false, { _, to in to }),
                            try reader(buffer, file, false, true, { _, to in to })
                        ))
                } catch {
                    return .failure(error)
                }
            }
        let (whole, summary, positions) = try result.get()
        #expect(positions.geometry.positions == whole.geometry.positions)
        #expect(positions.geometry.colors == nil && positions.geometry.scalarFields.isEmpty)
        #expect(summary.geometry.vertexCount == 0)
        #expect(summary.pointCount == whole.geometry.vertexCount && whole.pointCount == whole.geometry.vertexCount)
        #expect(summary.bounds == whole.geometry.bounds && whole.bounds == whole.geometry.bounds)
        #expect(summary.hasColour == (whole.geometry.colors != nil))
        #expect(summary.hasIntensity == !whole.geometry.scalarFields.isEmpty)
        #expect(summary.stations == whole.stations && summary.warnings == whole.warnings)
        return whole
    }

    /// Two scans of 2 × 2: the first unmoved, with a cell without a return; the second turned
    /// 90° about z and moved 10 m along x. Colours in both.
    static let twoScans = """
        2
        2
        0 0 0
        1 0 0
        0 1 0
        0 0 1
        1 0 0 0
        0 1 0 0
        0 0 1 0
        0 0 0 1
        1 2 3 0.5 10 20 30
        0 0 0 0.5 0 0 0
        4 5 6 0.25 40 50 60
        -1 -2 -3 1 70 80 90
        2
        2
        10 0 0
        0 1 0
        -1 0 0
        0 0 1
        0 1 0 0
        -1 0 0 0
        0 0 1 0
        10 0 0 1
        1 0 0 0.5 1 2 3
        0 1 0 0.5 4 5 6
        1 1 1 0.5 7 8 9
        2 0 0 0.5 10 11 12

        """

    @Test func scansArePlacedByTheirMatricesAndEmptyCellsLeftOut() throws {
        let document = try ptx(Self.twoScans)
        let positions = document.geometry.positions
        #expect(document.geometry.vertexCount == 7)
        #expect(Array(positions.prefix(9)) == [1, 2, 3, 4, 5, 6, -1, -2, -3])
        // Second scan: (x, y, z) goes to x·(0, 1, 0) + y·(-1, 0, 0) + z·(0, 0, 1) + (10, 0, 0).
        #expect(Array(positions[9..<21]) == [10, 1, 0, 9, 0, 0, 9, 1, 1, 10, 2, 0])
        #expect(document.stations.map(\.pointCount) == [3, 4] && document.stations.map(\.invalidCount) == [1, 0])
        #expect(document.stations[1].transform?[3] == [10, 0, 0, 1] && document.stations[0].columns == 2)
        #expect(document.stations[1].bounds == Bounds(min: [9, 0, 0], max: [10, 2, 1]))
        #expect(Array(document.geometry.colors?.prefix(8) ?? []) == [10, 20, 30, 255, 40, 50, 60, 255])
        #expect(document.geometry.scalarFields.first?.values.prefix(2) == [0.5, 0.25])
        #expect(document.warnings.isEmpty)
    }

    @Test func theSummaryListsEachStationWithItsPose() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "ptx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "stations.ptx")
        try Data(Self.twoScans.utf8).write(to: file)
        let summary = try ScanInspector.inspect(path: file.path)
        #expect(summary.format == .ptx && summary.vertexCount == 7 && summary.scans?.count == 2)
        #expect(summary.bounds == Bounds(min: [-1, -2, -3], max: [10, 5, 6]))
        #expect(summary.comments.contains("1 grid cell without a return (0 0 0) left out"))
        let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        #expect(json.contains(#""scans":[{"#) && json.contains(#""invalidCount":1"#))
        // Stored without an extension (as the archive stores blobs), the format says how to read it.
        let blob = folder.appending(path: "0123abcd")
        try Data(Self.twoScans.utf8).write(to: blob)
        #expect(try ScanLoader.load(path: blob.path, format: "ptx").geometry.vertexCount == 7)
    }

    @Test func brokenPTXNamesTheLine() throws {
        var lines = Self.twoScans.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[7] = "1 0 0"  // a matrix row of three numbers
        let short = #expect(throws: ScanImportError.self) { try ptx(lines.joined(separator: "\n")) }
        #expect(short?.location == .line(8) && short?.message.contains("registration matrix row 2") == true)
        let cut = #expect(throws: ScanImportError.self) {
            try ptx(Self.twoScans.split(separator: "\n").prefix(12).joined(separator: "\n"))
        }
        #expect(cut?.code == .truncated && cut?.message.contains("announces 4 points; the file ends after 2") == true)
        let huge = #expect(throws: ScanImportError.self) { try ptx("100000\n100000\n0 0 0\n") }
        #expect(huge?.message.contains("cannot hold them") == true)
        let word = #expect(throws: ScanImportError.self) { try ptx("columns\n") }
        #expect(word?.location == .line(1))
        lines = Self.twoScans.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[11] = "1 2 nan 0.5"
        let nan = #expect(throws: ScanImportError.self) { try ptx(lines.joined(separator: "\n")) }
        #expect(nan?.location == .line(12))
    }

    @Test func ptsTakesEveryColumnLayoutAndChecksItsCounts() throws {
        let document = try pts("3\n1 2 3\n4 5 6 0.5\n7,8,9,10,20,30\n")
        #expect(document.geometry.positions == [1, 2, 3, 4, 5, 6, 7, 8, 9])
        // Not every point has colour or intensity: neither is kept rather than made up.
        #expect(document.geometry.colors == nil && document.geometry.scalarFields.isEmpty && document.warnings.isEmpty)
        let coloured = try pts("2\n1 2 3 0.5 255 0 0\n4 5 6 0.25 0 255 0\n")
        #expect(coloured.geometry.colors == [255, 0, 0, 255, 0, 255, 0, 255])
        #expect(coloured.geometry.scalarFields.first?.values == [0.5, 0.25])
        let miscounted = try pts("3\n1 2 3\n4 5 6\n2\n7 8 9\n")
        #expect(
            miscounted.warnings == [
                "the block at line 1 announces 3 points and holds 2",
                "the block at line 4 announces 2 points and holds 1",
            ])
        let five = #expect(throws: ScanImportError.self) { try pts("1 2 3\n1 2 3 4 5\n") }
        #expect(five?.location == .line(2) && five?.message.contains("found 5 fields") == true)
        #expect(try pts("").warnings == ["no points"])
    }
}
