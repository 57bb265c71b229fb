import Foundation
import HeritageTestSupport
import Testing

@testable import ScanImport

/// LAZ as heritage writes it (point formats 0-3 pointwise, 6-8 layered, with extra bytes): it
/// decodes to exactly the source's records here, in lazrs and in LASzip (through laspy), across
/// chunks and scanner channels.
@Suite struct LAZWriterTests {
    static func compressed(_ las: [UInt8], file: String) throws -> [UInt8] {
        let result: Result<[UInt8], ScanImportError> = las.withUnsafeBytes { buffer in
            do throws(ScanImportError) { return .success(try LAZWriter.compress(buffer, file: file)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The source's point records, and what decoding our LAZ gives.
    static func roundTrip(_ las: [UInt8], file: String) throws -> (expected: ArraySlice<UInt8>, decoded: [UInt8]) {
        let header = try las.withUnsafeBytes { try LASReader.header($0, file: file) }
        let laz = try compressed(las, file: file)
        let (lazHeader, records) = try decodedLAZRecords(laz, file: file + ".laz")
        #expect(lazHeader.compression?.chunkSize == LAZWriter.chunkSize && lazHeader.pointCount == header.pointCount)
        #expect(laz.count < las.count, "\(file): \(laz.count) bytes of LAZ for \(las.count) of LAS")
        return (las[header.pointOffset..<(header.pointOffset + header.pointCount * header.recordLength)], records)
    }

    @Test func generatedFilesOfFormats0To3And6To8RoundTripHereInLazrsAndInLASzip() throws {
        let script = "laz_writer_fixtures.py"
        guard let folder = try pythonFixture(script: script, modules: ["laspy", "lazrs", "laszip"]) else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = [
            "format0", "format1", "format2", "format3", "format3-extra", "format6", "format7", "format8",
            "format7-extra",
        ]
        for name in names {
            let las = Array(try Data(contentsOf: folder.appending(path: "\(name).las")))
            let (expected, decoded) = try Self.roundTrip(las, file: "\(name).las")
            #expect(decoded.count == expected.count, "\(name)")
            if let differs = zip(decoded, expected).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                Issue.record("\(name): byte \(differs.offset) of the records differs")
            }
            try Data(try Self.compressed(las, file: name)).write(to: folder.appending(path: "\(name).heritage.laz"))
        }
        // Bytes some writers leave between the VLRs and the points are not kept: the LASzip VLR
        // must follow the last VLR for a reader to find it.
        var padded = Array(try Data(contentsOf: folder.appending(path: "format1.las")))
        let offset = Int(padded.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 96, as: UInt32.self) })
        padded.insert(contentsOf: [0xDD, 0xCC], at: offset)
        withUnsafeBytes(of: UInt32(offset + 2).littleEndian) { padded.replaceSubrange(96..<100, with: $0) }
        let (expected, decoded) = try Self.roundTrip(padded, file: "padded.las")
        #expect(Array(expected) == decoded, "a LAS file with bytes after its VLRs")
        let python = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: ".build-bagit/bin/python").path
        let scriptPath = URL(filePath: #filePath).deletingLastPathComponent().appending(path: script).path
        let (status, output) = try runProgram(python, [scriptPath, folder.path, "check"])
        #expect(status == 0, "\(output)")
        let verdicts = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Any]], "\(output)")
        for name in names {
            #expect(
                verdicts[name]?["lazrs"] as? Bool == true,
                "\(name) through lazrs: \(String(describing: verdicts[name]))")
            #expect(
                verdicts[name]?["laszip"] as? Bool == true,
                "\(name) through LASzip: \(String(describing: verdicts[name]))")
        }
    }

    /// laz-perf's LAS samples (../shared/data) of formats 0-3 round-trip too.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: sharedFolder), "../shared/data is absent: skipped"))
    func theSharedLASSamplesRoundTrip() throws {
        for name in ["point10.las", "point-time.las", "point-color.las", "point-color-time.las", "1815.las"] {
            let las = Array(try Data(contentsOf: URL(filePath: Self.sharedFolder).appending(path: name)))
            let (expected, decoded) = try Self.roundTrip(las, file: name)
            #expect(Array(expected) == decoded, "\(name)")
        }
    }

    @Test func formatsItDoesNotWriteAreRefused() throws {
        let header = laszipLessHeader(format: 9)
        let error = #expect(throws: ScanImportError.self) { try Self.compressed(header, file: "f9.las") }
        #expect(error?.message.contains("point formats 0-3 and 6-8") == true, "\(String(describing: error))")
    }

    /// A LAS 1.4 header of point format `format` with no points.
    func laszipLessHeader(format: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 375)
        bytes.replaceSubrange(0..<4, with: Array("LASF".utf8))
        bytes[24] = 1
        bytes[25] = 4
        bytes[94] = 0x77  // header size 375
        bytes[95] = 0x01
        bytes[96] = 0x77  // points at 375
        bytes[97] = 0x01
        bytes[104] = UInt8(format)
        bytes[105] = UInt8(LASReader.minimumRecordLength[format])
        for axis in 0..<3 {
            withUnsafeBytes(of: (0.01).bitPattern.littleEndian) {
                bytes.replaceSubrange((131 + axis * 8)..<(139 + axis * 8), with: $0)
            }
        }
        return bytes
    }

    static let sharedFolder = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appending(path: "shared/data/pointclouds/laz").path
}
