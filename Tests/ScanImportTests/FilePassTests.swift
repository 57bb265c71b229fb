import Foundation
import HeritageTestSupport
import Testing

@testable import ScanImport

/// What a reader's pass handed on: the bytes, in the order given, and the progress reported.
final class PassRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var bytes: [UInt8] = []
    private(set) var steps: [(passed: Int, total: Int)] = []

    var pass: FilePass {
        FilePass(
            consume: { bytes in self.lock.withLock { self.bytes.append(contentsOf: bytes) } },
            progress: { passed, total in self.lock.withLock { self.steps.append((passed, total)) } })
    }
}

/// A reader's one pass hands every byte on once, in order, for an import to hash and store
/// while it reads; pages are given back behind it, so a large file is never resident whole.
@Suite struct FilePassTests {
    let folder: URL

    init() throws { folder = try temporaryFolder() }

    /// Inspects `path` with a recorder following the pass, and checks what it was handed: the
    /// file's bytes exactly, and progress that only grows, ending at the file's size.
    @discardableResult
    func expectWholeFileHandedOn(_ path: String) throws -> (Inspection, PassRecorder) {
        let recorder = PassRecorder()
        let inspection = try ScanInspector.examine(path: path, imageBytes: true, pass: recorder.pass)
        let file = Array(try Data(contentsOf: URL(filePath: path)))
        #expect(recorder.bytes.count == file.count, "\(path)")
        #expect(recorder.bytes == file, "\(path): the bytes handed on differ from the file's")
        let passed = recorder.steps.map(\.passed)
        #expect(passed == passed.sorted(), "\(path): progress went backwards")
        #expect(
            recorder.steps.last.map { $0 == (file.count, file.count) } ?? false,
            "\(path): \(String(describing: recorder.steps.last))")
        #expect(recorder.steps.count >= file.count / (4 << 20), "\(path): \(recorder.steps.count) progress steps")
        return (inspection, recorder)
    }

    @Test func everyFormatHandsOnEachByteOnceInOrder() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        // Large enough for many pages given back and many progress steps.
        let count = 700_000
        var ply = Data(
            "ply\nformat binary_little_endian 1.0\nelement vertex \(count)\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nend_header\n"
                .utf8)
        var record = [UInt8](repeating: 0, count: 13)
        for index in 0..<count {
            withUnsafeBytes(of: Float(index % 997) * 0.01) { record.replaceSubrange(0..<4, with: $0) }
            withUnsafeBytes(of: Float(index / 997) * 0.01) { record.replaceSubrange(4..<8, with: $0) }
            withUnsafeBytes(of: Float(index % 13)) { record.replaceSubrange(8..<12, with: $0) }
            record[12] = UInt8(index % 256)
            ply.append(contentsOf: record)
        }
        let plyURL = folder.appending(path: "cloud.ply")
        try ply.write(to: plyURL)
        var obj = "# a fan\n"
        var pts = "\(count / 2)\n"
        for index in 0..<(count / 2) {
            obj += "v \(index % 701) \(index / 701) \(index % 3)\n"
            pts += "\(index % 701).5 \(index / 701).25 \(index % 3) 12 200 100 50\n"
        }
        for index in stride(from: 1, to: count / 2 - 1, by: 2) { obj += "f 1 \(index + 1) \(index + 2)\n" }
        let objURL = folder.appending(path: "fan.obj")
        let ptsURL = folder.appending(path: "grid.pts")
        try Data(obj.utf8).write(to: objURL)
        try Data(pts.utf8).write(to: ptsURL)
        var ptx = "3\n2\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n1 0 0 0\n0 1 0 0\n0 0 1 0\n10 20 0 1\n"
        for index in 0..<6 { ptx += index == 4 ? "0 0 0 0.5\n" : "\(index) 1 2 0.25\n" }
        let ptxURL = folder.appending(path: "station.ptx")
        try Data(ptx.utf8).write(to: ptxURL)
        for url in [plyURL, objURL, ptsURL, ptxURL] { try expectWholeFileHandedOn(url.path) }
        let (inspection, _) = try expectWholeFileHandedOn(plyURL.path)
        #expect(inspection.summary.vertexCount == count)
        let empty = folder.appending(path: "empty.obj")
        try Data().write(to: empty)
        try expectWholeFileHandedOn(empty.path)
    }

    /// `inspect` bounds a binary PLY's vertices block by block and keeps none: the same box
    /// and count of non-finite vertices as the whole read, over many blocks, in both byte orders.
    @Test func aBinaryPLYSummaryKeepsNoVertexAndBoundsThemAll() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let count = 200_003
        for bigEndian in [false, true] {
            var data = Data(
                "ply\nformat binary_\(bigEndian ? "big" : "little")_endian 1.0\nelement vertex \(count)\nproperty double x\nproperty float y\nproperty short z\nend_header\n"
                    .utf8)
            for index in 0..<count {
                let x: Double = index == 70_000 ? .nan : (index == 150_000 ? -.infinity : Double(index) * 0.5 - 9)
                let y = Float(index % 1000) - (index == 199_999 ? 5000 : 0)
                let z = Int16(truncatingIfNeeded: index % 3001 - 1500)
                withUnsafeBytes(of: bigEndian ? x.bitPattern.bigEndian : x.bitPattern.littleEndian) {
                    data.append(contentsOf: $0)
                }
                withUnsafeBytes(of: bigEndian ? y.bitPattern.bigEndian : y.bitPattern.littleEndian) {
                    data.append(contentsOf: $0)
                }
                withUnsafeBytes(of: bigEndian ? z.bigEndian : z.littleEndian) { data.append(contentsOf: $0) }
            }
            let url = folder.appending(path: "bounded-\(bigEndian).ply")
            try data.write(to: url)
            let summary = try ScanInspector.inspect(path: url.path)
            let whole = try PLYReader.read(path: url.path).statistics(file: url.path)
            #expect(summary.vertexCount == count)
            #expect(summary.nonFiniteCount == 2 && whole.nonFiniteCount == 2)
            #expect(summary.bounds == whole.bounds)
            #expect(summary.bounds == Bounds(min: [-9, -4001, -1500], max: [Double(count - 1) * 0.5 - 9, 999, 1500]))
        }
    }

    /// `inspect` checks and counts a binary PLY's faces and strips as it reads them, keeping
    /// none: the same counts, and the same errors at the same offsets, as the whole read.
    @Test func aBinaryPLYSummaryCountsFacesAndStripsAsTheWholeReadDoes() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        func ply(_ faces: [[Int32]], strips: [[Int32]] = [], faceType: String = "int", ascii: Bool = false) -> URL {
            if ascii {
                var text =
                    "ply\nformat ascii 1.0\nelement vertex 5\nproperty float x\nproperty float y\nproperty float z\n"
                    + "element face \(faces.count)\nproperty uchar flags\nproperty list uchar \(faceType) vertex_indices\nproperty list uchar float texcoord\n"
                    + "element tristrips \(strips.count)\nproperty list int int vertex_indices\nend_header\n"
                for index in 0..<5 { text += "\(index) \(index * index) 1\n" }
                for face in faces {
                    text += "7 \(face.count) " + face.map { "\($0)" }.joined(separator: " ") + " 2 0.5 0.25\n"
                }
                for strip in strips { text += "\(strip.count) " + strip.map { "\($0)" }.joined(separator: " ") + "\n" }
                let url = folder.appending(path: "mesh-\(UUID().uuidString).ply")
                try? Data(text.utf8).write(to: url)
                return url
            }
            var data = Data(
                ("ply\nformat binary_little_endian 1.0\nelement vertex 5\nproperty float x\nproperty float y\nproperty float z\n"
                    + "element face \(faces.count)\nproperty uchar flags\nproperty list uchar \(faceType) vertex_indices\nproperty list uchar float texcoord\n"
                    + "element tristrips \(strips.count)\nproperty list int int vertex_indices\nend_header\n").utf8)
            for index in 0..<5 {
                for value in [Float(index), Float(index * index), 1] {
                    withUnsafeBytes(of: value) { data.append(contentsOf: $0) }
                }
            }
            for face in faces {
                data.append(7)
                data.append(UInt8(face.count))
                for index in face {
                    if faceType == "float" {
                        withUnsafeBytes(of: Float(index)) { data.append(contentsOf: $0) }
                    } else {
                        withUnsafeBytes(of: index) { data.append(contentsOf: $0) }
                    }
                }
                data.append(2)
                for value in [Float(0.5), 0.25] { withUnsafeBytes(of: value) { data.append(contentsOf: $0) } }
            }
            for strip in strips {
                withUnsafeBytes(of: Int32(strip.count)) { data.append(contentsOf: $0) }
                for index in strip { withUnsafeBytes(of: index) { data.append(contentsOf: $0) } }
            }
            let url = folder.appending(path: "mesh-\(UUID().uuidString).ply")
            try? data.write(to: url)
            return url
        }
        func outcome(_ url: URL) -> (summary: String, whole: String) {
            let summary: String
            do {
                let read = try ScanInspector.inspect(path: url.path)
                summary = "\(read.faceCount ?? -1) faces, \(read.triangleCount ?? -1) triangles"
            } catch { summary = "\(error)" }
            let whole: String
            do {
                let statistics = try PLYReader.read(path: url.path).statistics(file: url.path)
                whole = "\(statistics.polygonCount) faces, \(statistics.triangleCount) triangles"
            } catch { whole = "\(error)" }
            return (summary, whole)
        }
        let cases: [(URL, String)] = [
            (
                ply(
                    [[0, 1, 2], [0, 1, 2, 3], [], [4, 3, 2, 1, 0]], strips: [[0, 1, 2, 3, -1, 4, 3, 2], [0, 0, 1, 2]]),
                "6 faces, 10 triangles"
            ),
            (ply([[0, 1, 2], [1, 2, 3]], faceType: "float"), "2 faces, 2 triangles"),
            (ply([[0, 1, 2], [0, 1, 5]]), "face 1 refers to vertex 5; expected 0 to 4"),
            (ply([[0, 1, 2], [0, -1, 2]]), "face 1 refers to vertex -1; expected 0 to 4"),
            (ply([[0, 1]]), "face 0 has 2 vertices; expected at least 3"),
            (ply([[0, 1, 2]], strips: [[0, 1, 9]]), "tristrips 0 refers to vertex 9; expected 0 to 4"),
        ]
        let asciiCases: [(URL, String)] = [
            (
                ply(
                    [[0, 1, 2], [0, 1, 2, 3], [], [4, 3, 2, 1, 0]],
                    strips: [[0, 1, 2, 3, -1, 4, 3, 2], [0, 0, 1, 2]], ascii: true),
                "6 faces, 10 triangles"
            ),
            (ply([[0, 1, 2], [0, 1, 5]], ascii: true), "line 20: face 1 refers to vertex 5; expected 0 to 4"),
            (ply([[0, 1]], ascii: true), "face 0 has 2 vertices; expected at least 3"),
            (ply([[0, 1, 2]], strips: [[0, 1, 9]], ascii: true), "tristrips 0 refers to vertex 9; expected 0 to 4"),
        ]
        for (url, expected) in cases + asciiCases {
            let (summary, whole) = outcome(url)
            #expect(summary == whole)
            #expect(summary.contains(expected), "\(summary)")
        }
        // The first case: 4 faces (1 + 2 + 0 + 3 triangles) and 2 strips, one restarted by -1
        // (2 + 1 triangles), one whose first triangle is degenerate and dropped (1).
    }

    /// An ASCII PLY is summarised a block of lines at a time: over several blocks, with NaN,
    /// a vertex element not named `vertex`, trailing lines, a bad value in a late block and a
    /// body that ends early, the summary and its errors are the whole read's.
    @Test func anASCIIPLYSummaryReadsBlockByBlockAsTheWholeReadDoes() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let count = 300_007
        func write(_ name: String, element: String = "vertex", lines: Int = count, bad: Int? = nil, extra: String = "")
            throws -> URL
        {
            var text =
                "ply\nformat ascii 1.0\nelement \(element) \(count)\nproperty double x\nproperty float y\nproperty int z\nend_header\n"
            for index in 0..<lines {
                if index == bad {
                    text += "1 2 x\n"
                } else if index == 4 {
                    text += "nan 1 1\n"
                } else {
                    text += "\(Double(index) * 0.25 - 7) \(index % 1000) \(index % 77 - 30)\n"
                }
                if index == 1000 { text += "\n" }  // a blank line is skipped
            }
            let url = folder.appending(path: name)
            try Data((text + extra).utf8).write(to: url)
            return url
        }
        let files = [
            try write("plain.ply"), try write("point.ply", element: "point"),
            try write("trailing.ply", extra: "1 2 3\n4 5 6\n"),
            try write("late.ply", bad: 290_000), try write("short.ply", lines: count - 5),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for url in files {
            var streamed: String
            do {
                streamed = String(
                    decoding: try encoder.encode(try ScanInspector.inspect(path: url.path)), as: UTF8.self)
            } catch {
                streamed = "\(error)"
            }
            var whole: String
            do {
                let document = try PLYReader.read(path: url.path)
                let statistics = try document.statistics(file: url.path)
                whole =
                    "\(statistics.vertexCount) \(String(describing: statistics.bounds)) \(statistics.nonFiniteCount) \(document.warnings)"
                let summary = try ScanInspector.inspect(path: url.path)
                streamed =
                    "\(summary.vertexCount ?? -1) \(String(describing: summary.bounds)) \(summary.nonFiniteCount ?? 0) \(summary.warnings.filter { !$0.contains("NaN") })"
            } catch { whole = "\(error)" }
            #expect(streamed == whole, "\(url.lastPathComponent)")
        }
        let plain = try ScanInspector.inspect(path: files[0].path)
        #expect(plain.vertexCount == count && plain.nonFiniteCount == 1)
        #expect(plain.bounds == Bounds(min: [-7, 0, -30], max: [Double(count - 1) * 0.25 - 7, 999, 46]))
        #expect(try ScanInspector.inspect(path: files[1].path).bounds == plain.bounds)
        #expect(
            try ScanInspector.inspect(path: files[2].path).warnings.contains {
                $0.hasPrefix("2 line(s) after the last")
            })
    }

    /// Every PLY of the shared corpus and models: the summary equals the whole read's.
    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func everySharedPLYSummarisesAsTheWholeReadDoes() throws {
        for folder in ["scans/corpus", "scans/models"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: SharedData.path(folder))
            for name in names.sorted() where name.hasSuffix(".ply") {
                let path = SharedData.path("\(folder)/\(name)")
                var summary: String
                do {
                    let read = try ScanInspector.inspect(path: path)
                    summary =
                        "\(read.vertexCount ?? -1) \(read.faceCount ?? -1) \(read.triangleCount ?? -1) \(String(describing: read.bounds)) \(read.nonFiniteCount ?? 0)"
                } catch { summary = "\(error)" }
                var whole: String
                do {
                    let statistics = try PLYReader.read(path: path).statistics(file: path)
                    whole =
                        "\(statistics.vertexCount) \(statistics.polygonCount) \(statistics.triangleCount) \(String(describing: statistics.bounds)) \(statistics.nonFiniteCount)"
                } catch { whole = "\(error)" }
                #expect(summary == whole, "\(name)")
            }
        }
    }

    /// `inspect` reads an OBJ keeping no vertex or triangle: its summary is the one the whole
    /// read gives, byte for byte as JSON, or the same error.
    @Test func anOBJSummaryKeepsNoGeometryAndSaysWhatTheWholeReadSays() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var big = "mtllib missing.mtl\no wall\n"
        for index in 0..<30_000 { big += "v \(index % 173) \(index / 173).5 \(index % 7) 0.5 0.25 1\n" }
        for index in stride(from: 1, to: 29_000, by: 3) { big += "f \(index) \(index + 1) \(index + 2) -1\n" }
        let texts = [
            big,
            "v 0 0 0\nv 1 0 0\nv nan 1 0\nv 0 1 inf\nv 2 2 2\nf 1 2 5\nf -3 -2 -1 1\nl 1 2 3\np 4\n",
            "v 0 0 0 1 0 0\nv 1 0 0\nv 0 1 0 0 0 1\nf 1/1/1 2//7 3\ng a b\nusemtl stone\n",
            "# only a comment\n",
            "",
            "v 0 0 0\nv 1 0 \\\n 0\nv 0 1 0\nf 1 2 3\n",
            "v 0 0 0\nv 1 0 0\nf 1 2 4\n",
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for (number, text) in texts.enumerated() {
            let url = folder.appending(path: "case-\(number).obj")
            try Data(text.utf8).write(to: url)
            func summarise(_ read: () throws -> ScanSummary) -> String {
                do { return String(decoding: try encoder.encode(try read()), as: UTF8.self) } catch {
                    return "\(error)"
                }
            }
            let streamed = summarise { try ScanInspector.inspect(path: url.path) }
            let whole = summarise {
                let document = try OBJReader.read(path: url.path)
                #expect(document.geometry.vertexCount == document.vertexCount)
                return ScanSummary(
                    obj: document,
                    related: OBJRelatedFiles.resolve(objPath: url.path, libraries: document.materialLibraries))
            }
            #expect(streamed == whole, "case \(number)")
        }
        let first = try ScanInspector.inspect(path: folder.appending(path: "case-0.obj").path)
        #expect(first.vertexCount == 30_000 && first.triangleCount == 9_667 * 2 && first.properties.contains("v:color"))
        let second = try ScanInspector.inspect(path: folder.appending(path: "case-1.obj").path)
        #expect(second.nonFiniteCount == 2 && second.bounds == Bounds(min: [0, 0, 0], max: [2, 2, 2]))
    }

    /// Every OBJ of the shared corpus and models: the summary equals the whole read's.
    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func everySharedOBJSummarisesAsTheWholeReadDoes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for folder in ["scans/corpus", "scans/models"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: SharedData.path(folder))
            for name in names.sorted() where name.hasSuffix(".obj") {
                let path = SharedData.path("\(folder)/\(name)")
                let streamed = try encoder.encode(try ScanInspector.inspect(path: path))
                let document = try OBJReader.read(path: path)
                let whole = try encoder.encode(
                    ScanSummary(
                        obj: document,
                        related: OBJRelatedFiles.resolve(objPath: path, libraries: document.materialLibraries)))
                #expect(streamed == whole, "\(name)")
            }
        }
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func sharedFilesOfEveryFormatAreHandedOnWhole() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        for path in [
            "photos/gps/DSCN0010.jpg", "scans/models/igea.ply", "scans/models/spot.obj",
            "pointclouds/laz/1815.las", "pointclouds/laz/1815.laz", "pointclouds/laz/extrabytes.laz",
            "pointclouds/e57/ColouredCubeFloat.e57", "pointclouds/e57/PinholeImageWithDistortionParameters.e57",
        ] {
            try expectWholeFileHandedOn(SharedData.path(path))
        }
    }

    /// An E57 file's checksum pass and a LAZ file's chunks give their pages back as they go,
    /// and the pass reports progress as they do, not all at the end.
    @Test func largeE57AndLAZFilesGivePagesBackBehindThePass() throws {
        guard let fixtures = try pythonFixture(script: "pass_fixtures.py", modules: ["pye57", "laspy", "lazrs"])
        else { return }
        defer { try? FileManager.default.removeItem(at: fixtures) }
        for name in ["stations.e57", "airborne.laz"] {
            let path = fixtures.appending(path: name).path
            let (inspection, recorder) = try expectWholeFileHandedOn(path)
            #expect(inspection.summary.vertexCount == (name.hasSuffix("e57") ? 1_600_000 : 600_000))
            #expect(recorder.steps.count >= 3)
            // Released ranges, as the readers give them: together nearly the whole file.
            let mapped = try MappedFile(path: path)
            let released = ReleasedRanges()
            try mapped.withBytes { bytes throws(ScanImportError) in
                if name.hasSuffix("e57") {
                    _ = try E57Reader.read(
                        bytes, file: path, summaryOnly: true, releasePages: { released.add($0, $1) })
                } else {
                    let header = try LASReader.header(bytes, file: path)
                    _ = try LASReader.pointBounds(
                        bytes, header: header, file: path, releasePages: { released.add($0, $1) })
                }
            }
            #expect(
                Double(released.covered) > 0.9 * Double(mapped.count),
                "\(name): \(released.covered) of \(mapped.count) bytes given back")
        }
    }
}

/// A comparison loads positions only, from files whose pages go back behind the read: the
/// same positions, in the same order, as the full read gives.
@Suite struct ComparisonLoadTests {
    func expectSamePositions(_ path: String, full: () throws -> ScanGeometry) throws {
        let loaded = try ScanLoader.load(path: path, positionsOnly: true)
        let expected = try full()
        #expect(loaded.geometry.positions.count == expected.positions.count, "\(path)")
        #expect(loaded.geometry.positions == expected.positions, "\(path)")
    }

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(filePath: path))) }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func lasLazAndE57LoadTheFullReadsPositions() throws {
        for name in [
            "1815.las", "1815.laz", "point10.las.laz", "point-time-1.4.las.laz", "extrabytes.laz",
            "no-points-1.3.laz",
        ] {
            let path = SharedData.path("pointclouds/laz/\(name)")
            try expectSamePositions(path) {
                try bytes(path).withUnsafeBytes { buffer throws(ScanImportError) in
                    try LASReader.read(buffer, file: path).geometry
                }
            }
        }
        for name in ["ColouredCubeFloat.e57", "ColouredCubeDouble.e57", "ZeroPoints.e57"] {
            let path = SharedData.path("pointclouds/e57/\(name)")
            try expectSamePositions(path) {
                try bytes(path).withUnsafeBytes { buffer throws(ScanImportError) in
                    try E57Reader.read(buffer, file: path).geometry
                }
            }
        }
    }

    /// PTX and PTS keep positions only, placed as the full read places them.
    @Test func textScansLoadTheFullReadsPositions() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var ptx = ""
        for station in 0..<2 {
            ptx += "3\n2\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n0 -1 0 0\n1 0 0 0\n0 0 1 0\n\(station * 10) 20 1 1\n"
            for index in 0..<6 { ptx += index == 4 ? "0 0 0 0.5\n" : "\(index).5 1 2 0.25 10 20 30\n" }
        }
        var pts = "4\n"
        for index in 0..<4 { pts += "\(index) \(index * 2).25 -\(index) 7 1 2 3\n" }
        for (name, text) in [("two.ptx", ptx), ("four.pts", pts)] {
            let url = folder.appending(path: name)
            try Data(text.utf8).write(to: url)
            let loaded = try ScanLoader.load(path: url.path, positionsOnly: true).geometry
            let full = try bytes(url.path).withUnsafeBytes { buffer throws(ScanImportError) in
                name.hasSuffix("ptx")
                    ? try PTXReader.read(buffer, file: url.path).geometry
                    : try PTSReader.read(buffer, file: url.path).geometry
            }
            #expect(loaded.positions == full.positions && loaded.positions.count == (name.hasSuffix("ptx") ? 30 : 12))
            #expect(loaded.colors == nil && loaded.scalarFields.isEmpty)
            #expect(full.colors != nil && full.scalarFields.count == 1)
        }
    }

    /// Two scans merged (the scans' arrays freed as they are moved across) and a layered LAZ
    /// of many chunks decoded straight into the positions.
    @Test func generatedMultiScanE57AndManyChunkLAZLoadAsTheFullRead() throws {
        guard let fixtures = try pythonFixture(script: "pass_fixtures.py", modules: ["pye57", "laspy", "lazrs"])
        else { return }
        defer { try? FileManager.default.removeItem(at: fixtures) }
        let e57 = fixtures.appending(path: "stations.e57").path
        try expectSamePositions(e57) {
            try bytes(e57).withUnsafeBytes { buffer throws(ScanImportError) in
                try E57Reader.read(buffer, file: e57).geometry
            }
        }
        let laz = fixtures.appending(path: "airborne.laz").path
        try expectSamePositions(laz) {
            try bytes(laz).withUnsafeBytes { buffer throws(ScanImportError) in
                try LASReader.read(buffer, file: laz).geometry
            }
        }
    }
}

/// Byte ranges a reader asked to give back, and how many distinct bytes they cover.
final class ReleasedRanges: @unchecked Sendable {
    private let lock = NSLock()
    private var ranges: [Range<Int>] = []

    func add(_ from: Int, _ to: Int) -> Int {
        lock.withLock { ranges.append(from..<max(from, to)) }
        return to
    }

    var covered: Int {
        lock.withLock {
            var total = 0
            var end = 0
            for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                let start = max(range.lowerBound, end)
                if range.upperBound > start { total += range.upperBound - start }
                end = max(end, range.upperBound)
            }
            return total
        }
    }
}
