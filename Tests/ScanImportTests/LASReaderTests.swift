import Foundation
import ScanImport
import Testing

@Suite(.enabled(if: SharedData.available, "../shared/data is absent: LAS tests skipped"))
struct LASReaderTests {
    func read(_ bytes: [UInt8], file: String = "test.las") throws(ScanImportError) -> LASDocument {
        let result: Result<LASDocument, ScanImportError> = bytes.withUnsafeBytes { buffer in
            do throws(ScanImportError) { return .success(try LASReader.read(buffer, file: file)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    var autzen2010: [UInt8] {
        get throws {
            Array(try Data(contentsOf: URL(filePath: SharedData.path("lidar/autzen-bmx/autzen-bmx-2010.las"))))
        }
    }

    // Values from laspy 2.x on the same file.
    @Test func autzenPointsMatchLaspy() throws {
        let document = try read(try autzen2010)
        #expect(
            document.header.versionMajor == 1 && document.header.versionMinor == 4 && document.header.pointFormat == 7)
        #expect(document.header.pointCount == 829 && document.geometry.vertexCount == 829)
        #expect(Array(document.geometry.positions.prefix(3)) == [194506.86, 259235.01, 426.54])
        #expect(document.intensity[0] == 25856 && document.classification[0] == 2)
        #expect(document.returnNumber[0] == 1 && document.numberOfReturns[0] == 1)
        #expect(document.gpsTime?[0] == 246493.4781487392)
        #expect(Array(document.rgb16?.prefix(3) ?? []) == [41728, 40960, 40704])
        let bounds = try #require(document.geometry.bounds)
        #expect(bounds.min == [194472.82, 259222.19, 422.93] && bounds.max == [194506.92, 259264.09, 434.51])
        #expect(document.header.crs?.hasPrefix(#"COMPD_CS["NAD83 / Oregon LCC (m) + NAVD88 height (ftUS)""#) == true)
        #expect(document.header.generatingSoftware == "LASzip DLL 3.4 r3 (191111)")
        #expect(document.warnings.isEmpty)
    }

    /// `inspect` and `import` summarise a LAS file in one pass that keeps no point: its bounds,
    /// counts, properties and warnings are those of reading every point, on every LAS file in
    /// ../shared/data (point formats 0-3 and 7, LAS 1.0-1.4, no points at all).
    @Test func theStreamingSummaryIsTheFullReadsSummary() throws {
        var files = [
            "lidar/autzen-bmx/autzen-bmx-2010.las", "lidar/autzen-bmx/autzen-bmx-2023.las",
        ]
        let folder = SharedData.path("pointclouds/laz")
        files += try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".las") }.sorted()
            .map { "pointclouds/laz/\($0)" }
        #expect(files.count >= 10)
        for file in files {
            let path = SharedData.path(file)
            let summary = try ScanInspector.inspect(path: path)
            let mapped = try MappedFile(path: path)
            let document = try mapped.withBytes { bytes throws(ScanImportError) in
                try LASReader.read(bytes, file: path)
            }
            #expect(summary.bounds == document.geometry.bounds, "\(file)")
            #expect(summary.vertexCount == document.header.pointCount, "\(file)")
            #expect(summary.warnings == document.warnings, "\(file)")
            #expect(summary.properties.contains("gps_time") == (document.gpsTime != nil), "\(file)")
            #expect(summary.properties.contains("red") == (document.rgb16 != nil), "\(file)")
        }
    }

    @Test func laterEpochReadsToo() throws {
        let mapped = try MappedFile(path: SharedData.path("lidar/autzen-bmx/autzen-bmx-2023.las"))
        let document = try mapped.withBytes { bytes throws(ScanImportError) in
            try LASReader.read(bytes, file: "2023.las")
        }
        #expect(document.header.pointCount == 687)
        #expect(Array(document.geometry.positions.prefix(3)) == [194474.56, 259231.61, 425.07])
        #expect(document.gpsTime?[0] == 374103812.8162048)
    }

    @Test func compressedTruncatedAndUnknownFilesAreNamed() throws {
        var laz = try autzen2010
        laz[104] |= 0x80
        // Marked compressed, without the LASzip VLR that says how.
        let compressed = #expect(throws: ScanImportError.self) { try read(laz) }
        #expect(compressed?.code == .malformedHeader && compressed?.location == .byteOffset(104))
        #expect(compressed?.message.contains("no LASzip VLR") == true)

        let cut = Array(try autzen2010.prefix(1270 + 36 * 100 + 10))
        let truncated = #expect(throws: ScanImportError.self) { try read(cut) }
        #expect(truncated?.code == .truncated && truncated?.location == .byteOffset(1270 + 36 * 100))
        #expect(truncated?.message == "the header announces 829 points of 36 bytes; the file ends after 100")

        var future = try autzen2010
        future[25] = 9
        #expect(throws: ScanImportError.self) { try read(future) }
        var short = try autzen2010
        short[105] = 20
        short[106] = 0
        let error = #expect(throws: ScanImportError.self) { try read(short) }
        #expect(error?.message == "point records of 20 bytes are too short for format 7 (at least 36)")
    }
}
