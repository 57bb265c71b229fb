import Foundation
import HeritageTestSupport
import Testing

@testable import ScanImport

/// LAZ (LASzip, point formats 0-5): every .laz in ../shared/data (laz-perf's pairs) decodes to
/// exactly the records of its .las twin, and to laspy's counts and bounds; broken files are
/// errors that name the offset, never a trap or a hang.
@Suite(.enabled(if: SharedData.available, "../shared/data is absent: LAZ tests skipped"))
struct LAZReaderTests {
    static let folder = SharedData.path("pointclouds/laz")
    /// Each LAZ file and its uncompressed twin.
    static let pairs = [
        ("point10.las.laz", "point10.las"), ("point-time.las.laz", "point-time.las"),
        ("point-color.las.laz", "point-color.las"), ("point-color-time.las.laz", "point-color-time.las"),
        ("1815.laz", "1815.las"), ("extrabytes.laz", "extrabytes.las"), ("point10-1.0.laz", "point10-1.0.las"),
        ("no-points-1.3.laz", "no-points-1.3.las"), ("point-time-1.4.las.laz", "point-time.las"),
    ]

    func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(filePath: "\(Self.folder)/\(name)")))
    }

    @Test func everyLAZFileDecodesToItsTwinsRecords() throws {
        for (lazName, lasName) in Self.pairs {
            let (header, records) = try decodedLAZRecords(try bytes(lazName), file: lazName)
            let las = try bytes(lasName)
            let twin = try las.withUnsafeBytes { try LASReader.header($0, file: lasName) }
            #expect(header.pointCount == twin.pointCount && header.recordLength == twin.recordLength, "\(lazName)")
            #expect(header.pointFormat == twin.pointFormat, "\(lazName)")
            let expected = Array(las[twin.pointOffset..<(twin.pointOffset + twin.pointCount * twin.recordLength)])
            #expect(records == expected, "\(lazName): the decoded records differ from \(lasName)'s")
        }
    }

    @Test func readingAndInspectingGiveLaspysCountsAndBounds() throws {
        let reference = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(filePath: SharedData.path("pointclouds/reference.json")))) as? [String: Any])
        for (name, _) in Self.pairs {
            let expected = try #require(reference[name] as? [String: Any], "\(name) is not in reference.json")
            let path = "\(Self.folder)/\(name)"
            let summary = try ScanInspector.inspect(path: path)
            let document = try readLAS(try bytes(name), file: path)
            #expect(
                summary.vertexCount == expected["count"] as? Int && document.geometry.vertexCount == summary.vertexCount
            )
            #expect(document.header.pointFormat == expected["pointFormat"] as? Int, "\(name)")
            if let low = expected["min"] as? [Double], let high = expected["max"] as? [Double] {
                let bounds = try #require(summary.bounds, "\(name)")
                for axis in 0..<3 {
                    #expect(
                        abs(bounds.min[axis] - low[axis]) < 1e-6 && abs(bounds.max[axis] - high[axis]) < 1e-6, "\(name)"
                    )
                }
                #expect(document.geometry.bounds == summary.bounds, "\(name)")
            }
            #expect((document.rgb16 != nil) == (expected["rgb"] as? Bool == true), "\(name)")
        }
    }

    /// What `diff` loads from a LAZ file is what it loads from the twin: the same positions.
    /// (Their coordinate systems may differ: laz-perf's pairs were not all written with the
    /// same VLRs.)
    @Test func aComparisonLoadsTheSamePointsAsFromTheTwin() throws {
        for (lazName, lasName) in Self.pairs where lazName != "no-points-1.3.laz" {
            let laz = try ScanLoader.load(path: "\(Self.folder)/\(lazName)")
            let las = try ScanLoader.load(path: "\(Self.folder)/\(lasName)")
            #expect(laz.format == "las" && laz.geometry.positions == las.geometry.positions, "\(lazName)")
        }
    }

    /// Cut anywhere, or with bytes flipped anywhere in its points or chunk table, a LAZ file is
    /// an error naming an offset, or (a flip the arithmetic coder cannot notice) other points:
    /// never a trap or a hang.
    @Test func brokenLAZFilesAreErrorsNeverTraps() throws {
        let original = try bytes("point-color-time.las.laz")
        let errors = try damagedLAZReads(original, cutEvery: 211, seed: 11)
        #expect(errors > 100)
    }

    /// What the decoder does not read is refused saying what it is: a compressor LASzip never
    /// shipped, LASzip 1's item version 1, a chunk table that does not fit.
    @Test func whatIsNotReadIsNamed() throws {
        let original = try bytes("point10.las.laz")
        let header = try original.withUnsafeBytes { try LASReader.header($0, file: "x.laz") }
        // The LASzip VLR: find it by its user id.
        let user = Array("laszip encoded".utf8)
        let vlr = try #require(
            (0..<(header.pointOffset - user.count)).first { Array(original[$0..<($0 + user.count)]) == user })
        let body = vlr - 2 + 54
        var unknown = original
        unknown[body] = 5
        let refused = #expect(throws: ScanImportError.self) { try readLAS(unknown, file: "unknown.laz") }
        #expect(refused?.code == .unsupported && refused?.message.contains("compressor 5") == true)
        var layered = original
        layered[body] = 3
        let mismatched = #expect(throws: ScanImportError.self) { try readLAS(layered, file: "layered.laz") }
        #expect(mismatched?.message.contains("item version 2") == true, "\(String(describing: mismatched))")
        var version1 = original
        version1[body + 38] = 1  // the first item's version
        let old = #expect(throws: ScanImportError.self) { try readLAS(version1, file: "old.laz") }
        #expect(
            old?.code == .unsupported && old?.message.contains("item version 1") == true, "\(String(describing: old))")
        // A chunk table offset past the end, and a header claiming a billion points.
        var lost = original
        lost.replaceSubrange(header.pointOffset..<(header.pointOffset + 8), with: [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0])
        lost.replaceSubrange((lost.count - 8)..<lost.count, with: [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0])
        let table = #expect(throws: ScanImportError.self) { try readLAS(lost, file: "lost.laz") }
        #expect(table?.message.contains("chunk table") == true && table?.location == .byteOffset(header.pointOffset))
        var forged = original
        forged.replaceSubrange(107..<111, with: [0, 0xCA, 0x9A, 0x3B])
        let claimed = #expect(throws: ScanImportError.self) { try readLAS(forged, file: "forged.laz") }
        #expect(claimed?.message.contains("1000000000 points") == true, "\(String(describing: claimed))")
    }
}

/// The LAZ file's records, decoded chunk by chunk, in point order.
func decodedLAZRecords(_ laz: [UInt8], file: String, fields: LAZFieldSelection = .all) throws(ScanImportError) -> (
    LASHeader, [UInt8]
) {
    let result: Result<(LASHeader, [UInt8]), ScanImportError> = laz.withUnsafeBytes { buffer in
        do throws(ScanImportError) {
            let header = try LASReader.header(buffer, file: file)
            guard let compression = header.compression else {
                throw ScanImportError(.unsupported, file: file, "not compressed")
            }
            let records = UnsafeShared(
                UnsafeMutableRawBufferPointer.allocate(
                    byteCount: max(1, header.pointCount * header.recordLength), alignment: 8))
            defer { records.value.deallocate() }
            try LAZReader.decode(buffer, header: header, compression: compression, file: file, fields: fields) {
                first, chunk, count in
                UnsafeMutableRawBufferPointer(
                    rebasing: records.value[
                        (first * header.recordLength)..<((first + count) * header.recordLength)]
                ).copyMemory(from: chunk)
            }
            return .success((header, Array(records.value.prefix(header.pointCount * header.recordLength))))
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}

func readLAS(_ bytes: [UInt8], file: String) throws(ScanImportError) -> LASDocument {
    let result: Result<LASDocument, ScanImportError> = bytes.withUnsafeBytes { buffer in
        do throws(ScanImportError) { return .success(try LASReader.read(buffer, file: file)) } catch {
            return .failure(error)
        }
    }
    return try result.get()
}

/// Reads `original` cut every `cutEvery` bytes after its header (each must be an error), then
/// with 1-4 bytes flipped after its header 300 times (each an error naming the file and an
/// offset, or a clean read of other points); returns how many reads were errors.
func damagedLAZReads(_ original: [UInt8], cutEvery: Int, seed: UInt64) throws -> Int {
    let header = try original.withUnsafeBytes { try LASReader.header($0, file: "x.laz") }
    var errors = 0
    for end in stride(from: header.pointOffset, to: original.count, by: cutEvery) {
        #expect(throws: ScanImportError.self) { try readLAS(Array(original.prefix(end)), file: "cut.laz") }
        errors += 1
    }
    var generator = SeededGenerator(seed: seed)
    for _ in 0..<300 {
        var broken = original
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let at = Int.random(in: header.pointOffset..<broken.count, using: &generator)
            broken[at] ^= UInt8.random(in: 1...255, using: &generator)
        }
        do {
            _ = try readLAS(broken, file: "flipped.laz")
        } catch {
            #expect(error.location != .none && error.file == "flipped.laz", "\(error)")
            errors += 1
        }
    }
    return errors
}
