import Foundation
import HeritageTestSupport
import Testing

@testable import ScanImport

/// LAS 1.4 point formats 6-10 in LAZ (LASzip's layered chunked compression), and the wave
/// packets of formats 4 and 5, as LASzip and lazrs write them (laz_fixtures.py): each .laz
/// decodes to exactly the records of its .las twin, positions alone decode to the same
/// positions, and damage is an error, never a trap.
@Suite struct LayeredLAZTests {
    static let cases = [
        "format6", "format7", "format8", "format6-extra", "format7-one", "format8-small", "format9", "format10",
        "format4", "format5",
    ]

    /// Writes the twins with laspy through LASzip and lazrs, or nil when they are not here.
    static func fixtures() throws -> URL? {
        try pythonFixture(script: "laz_fixtures.py", modules: ["laspy", "lazrs", "laszip"])
    }

    @Test func everyLayeredFileDecodesToItsTwinsRecords() throws {
        guard let folder = try Self.fixtures() else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appending(path: "laz.json")))
                as? [String: [String: Any]])
        let encoded = Self.cases.flatMap { name in
            ["\(name).laszip.laz"] + (name == "format9" || name == "format10" ? [] : ["\(name).laz"])
        }
        for file in encoded {
            let name = String(file.prefix { $0 != "." })
            let laz = Array(try Data(contentsOf: folder.appending(path: file)))
            let las = Array(try Data(contentsOf: folder.appending(path: "\(name).las")))
            let (header, records) = try decodedLAZRecords(laz, file: file)
            let twin = try las.withUnsafeBytes { try LASReader.header($0, file: "\(name).las") }
            #expect(header.compression?.compressor == (twin.pointFormat >= 6 ? 3 : 2), "\(name)")
            #expect(header.pointFormat == twin.pointFormat && header.recordLength == twin.recordLength, "\(name)")
            #expect(header.pointCount == reference[name]?["count"] as? Int, "\(name)")
            let expected = Array(las[twin.pointOffset..<(twin.pointOffset + twin.pointCount * twin.recordLength)])
            #expect(records.count == expected.count, "\(name)")
            if let differs = (0..<min(records.count, expected.count)).first(where: { records[$0] != expected[$0] }) {
                Issue.record(
                    "\(name): record \(differs / header.recordLength), byte \(differs % header.recordLength) differs")
            }
            // Positions alone: the other layers are skipped, X, Y and Z are the same.
            let (_, positions) = try decodedLAZRecords(laz, file: file, fields: .positions)
            for index in stride(from: 0, to: header.pointCount, by: 97) {
                let at = index * header.recordLength
                #expect(positions[at..<(at + 12)] == records[at..<(at + 12)], "\(name) point \(index)")
            }
            // The whole reader: same positions, colours and attributes as the twin.
            let document = try readLAS(laz, file: file)
            let plain = try readLAS(las, file: "\(name).las")
            #expect(document.geometry.positions == plain.geometry.positions, "\(name)")
            #expect(document.rgb16 == plain.rgb16 && document.gpsTime == plain.gpsTime, "\(name)")
            #expect(document.intensity == plain.intensity && document.classification == plain.classification)
            let summary = try ScanInspector.inspect(path: folder.appending(path: file).path)
            let minimum = try #require(reference[name]?["min"] as? [Double])
            #expect(summary.bounds?.min == minimum, "\(name): inspect's bounds are laspy's")
        }
    }

    /// Cut anywhere, or with bytes flipped in its layers, a layered file is an error naming an
    /// offset, or (a flip the coder cannot notice) other points: never a trap or a hang.
    @Test func brokenLayeredFilesAreErrorsNeverTraps() throws {
        guard let folder = try Self.fixtures() else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = Array(try Data(contentsOf: folder.appending(path: "format8-small.laz")))
        let header = try original.withUnsafeBytes { try LASReader.header($0, file: "format8-small.laz") }
        let errors = try damagedLAZReads(original, cutEvery: 397, seed: 14)
        #expect(errors > 150)
        // A layer said to be longer than its chunk is refused with the offset of its size.
        var lying = original
        let firstLayerSize = header.pointOffset + 8 + header.recordLength + 4
        lying.replaceSubrange(firstLayerSize..<(firstLayerSize + 4), with: [0xFF, 0xFF, 0xFF, 0x0F])
        let refused = #expect(throws: ScanImportError.self) { try readLAS(lying, file: "lying.laz") }
        #expect(refused?.location == .byteOffset(firstLayerSize), "\(String(describing: refused))")
        #expect(refused?.message.contains("layer 1 of") == true)
    }
}
