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
        // .ci/run installs laspy, lazrs and laszip into the tests' Python environment.
        let python = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: ".build-bagit/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python),
            (try? runProgram(python, ["-c", "import laspy, lazrs, laszip"]).0) == 0
        else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("laspy, lazrs and laszip are missing from .build-bagit: .ci/run installs them")
            } else {
                print("skipped: the LAZ twins need laspy, lazrs and laszip in .build-bagit (.ci/run installs them)")
            }
            return nil
        }
        let folder = try temporaryFolder()
        let script = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "laz_fixtures.py").path
        let (status, output) = try runProgram(python, [script, folder.path])
        guard status == 0 else {
            try? FileManager.default.removeItem(at: folder)
            Issue.record("laz_fixtures.py failed: \(output)")
            return nil
        }
        return folder
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
        var errors = 0
        for end in stride(from: header.pointOffset, to: original.count, by: 397) {
            #expect(throws: ScanImportError.self) { try readLAS(Array(original.prefix(end)), file: "cut.laz") }
            errors += 1
        }
        var generator = SeededGenerator(seed: 14)
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
