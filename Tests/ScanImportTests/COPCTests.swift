import Foundation
import HeritageTestSupport
import Testing

@testable import ScanImport

/// COPC files as copc-lib writes them (copc_fixtures.py): the hierarchy read from its pages is
/// copc-lib's, a level of detail or a box decodes only the nodes it needs and gives the points a
/// whole read would, and a damaged hierarchy is an error naming the entry, never a trap.
@Suite struct COPCTests {
    static func fixtures() throws -> URL? {
        try pythonFixture(script: "copc_fixtures.py", modules: ["copclib", "laspy", "lazrs"])
    }

    static func expected(_ folder: URL) throws -> [String: [String: Any]] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appending(path: "expected.json")))
                as? [String: [String: Any]])
    }

    static func readCOPC(_ bytes: [UInt8], file: String, _ selection: COPCSelection) throws(ScanImportError)
        -> COPCRead
    {
        let result: Result<COPCRead, ScanImportError> = bytes.withUnsafeBytes { buffer in
            do throws(ScanImportError) {
                return .success(try LASReader.read(buffer, file: file, copc: selection))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    @Test func theHierarchyIsCopcLibs() throws {
        guard let folder = try Self.fixtures() else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        for (file, reference) in try Self.expected(folder) {
            let bytes = Array(try Data(contentsOf: folder.appending(path: file)))
            let read = try Self.readCOPC(bytes, file: file, COPCSelection())
            let hierarchy = read.hierarchy
            #expect(hierarchy.info.center == reference["center"] as? [Double], "\(file)")
            #expect(hierarchy.info.halfSize == reference["halfSize"] as? Double)
            #expect(hierarchy.info.spacing == reference["spacing"] as? Double)
            #expect(hierarchy.info.rootPageOffset == reference["rootPageOffset"] as? Int)
            #expect(hierarchy.pageCount == reference["pages"] as? Int, "\(file)")
            let nodes = try #require(reference["nodes"] as? [[String: Any]])
            #expect(hierarchy.nodes.count == nodes.count, "\(file)")
            for node in nodes {
                let key = try #require(node["key"] as? [Int])
                let found = try #require(
                    hierarchy.nodes.first { [$0.level, $0.x, $0.y, $0.z] == key }, "\(file): node \(key) is missing")
                #expect(found.pointCount == node["pointCount"] as? Int, "\(file) \(key)")
                #expect(found.offset == node["offset"] as? Int && found.byteSize == node["byteSize"] as? Int)
            }
            // Every node read: the whole file, as the plain LAZ path reads it, and laspy's count.
            #expect(
                read.nodesRead == nodes.count && read.document.geometry.vertexCount == reference["pointCount"] as? Int)
            let whole = try readLAS(bytes, file: file)
            #expect(Set(Self.points(read.document)) == Set(Self.points(whole)), "\(file)")
            #expect(whole.geometry.bounds?.min == reference["min"] as? [Double], "\(file): laspy's bounds")
            let summary = try ScanInspector.inspect(path: folder.appending(path: file).path)
            #expect(summary.copc?.nodeCount == nodes.count && summary.copc?.pageCount == reference["pages"] as? Int)
            #expect(summary.copc?.pointsPerLevel.reduce(0, +) == reference["pointCount"] as? Int)
        }
    }

    /// Levels 0 to L decode those nodes only, and hold the points copc-lib reads from them.
    @Test func aLevelOfDetailDecodesOnlyItsNodes() throws {
        guard let folder = try Self.fixtures() else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = try #require(try Self.expected(folder)["octree.copc.laz"])
        let nodes = try #require(reference["nodes"] as? [[String: Any]])
        let bytes = Array(try Data(contentsOf: folder.appending(path: "octree.copc.laz")))
        for level in 0...3 {
            let chosen = nodes.filter { ($0["key"] as? [Int])?.first ?? 99 <= level }
            let read = try Self.readCOPC(bytes, file: "octree.copc.laz", COPCSelection(maximumLevel: level))
            #expect(read.nodesRead == chosen.count, "level \(level)")
            #expect(read.document.geometry.vertexCount == chosen.reduce(0) { $0 + ($1["pointCount"] as? Int ?? 0) })
            let sums = (0..<3).map { axis in
                stride(from: axis, to: read.document.geometry.positions.count, by: 3).reduce(0.0) {
                    $0 + Double(read.document.geometry.positions[$1])
                }
            }
            let expected = (0..<3).map { axis in chosen.reduce(0.0) { $0 + (($1["sum"] as? [Double])?[axis] ?? 0) } }
            for axis in 0..<3 {
                #expect(abs(sums[axis] - expected[axis]) < 1e-6 * max(1, abs(expected[axis])), "level \(level)")
            }
        }
        #expect(try Self.readCOPC(bytes, file: "octree.copc.laz", COPCSelection(maximumLevel: 0)).hierarchy.depth == 4)
    }

    /// A box reads the nodes whose cubes meet it and keeps exactly the points inside it: the
    /// points a whole read finds there.
    @Test func aBoxGivesThePointsAWholeReadFindsThere() throws {
        guard let folder = try Self.fixtures() else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        let bytes = Array(try Data(contentsOf: folder.appending(path: "octree.copc.laz")))
        let whole = try readLAS(bytes, file: "octree.copc.laz")
        for box in [
            Bounds(min: [1040, 2040, 50], max: [1064, 2064, 70]),
            Bounds(min: [1000, 2000, 50], max: [1010, 2010, 60]),
            Bounds(min: [1031.5, 2000, 0], max: [1032.5, 2064, 200]), Bounds(min: [0, 0, 0], max: [1, 1, 1]),
        ] {
            let read = try Self.readCOPC(bytes, file: "octree.copc.laz", COPCSelection(box: box))
            let inside = Self.points(whole).filter { point in
                (0..<3).allSatisfy { box.min[$0] <= point[$0] && point[$0] <= box.max[$0] }
            }
            #expect(
                Self.points(read.document).sorted { $0.lexicographicallyPrecedes($1) }
                    == inside.sorted { $0.lexicographicallyPrecedes($1) }, "\(box)")
            #expect(read.nodesRead < read.hierarchy.nodes.count, "\(box): \(read.nodesRead) nodes decoded")
        }
    }

    /// A hierarchy entry that points outside the file, back at its own page, outside the octree
    /// or at a negative count is refused at that entry's offset.
    @Test func aDamagedHierarchyIsRefusedAtItsEntry() throws {
        guard let folder = try Self.fixtures() else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = try #require(try Self.expected(folder)["octree.copc.laz"])
        let root = try #require(reference["rootPageOffset"] as? Int)
        let original = Array(try Data(contentsOf: folder.appending(path: "octree.copc.laz")))
        func patched(_ entry: Int, field: Int, _ value: [UInt8]) -> [UInt8] {
            var bytes = original
            bytes.replaceSubrange((root + entry * 32 + field)..<(root + entry * 32 + field + value.count), with: value)
            return bytes
        }
        let pageEntry = try #require(
            (0..<((reference["rootPageSize"] as? Int ?? 0) / 32)).first { entry in
                original.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: root + entry * 32 + 28, as: Int32.self) }
                    == -1
            })
        let cases: [(String, [UInt8], Int, String)] = [
            ("outside", patched(1, field: 16, [0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0]), 1, "does not fit the file"),
            (
                "self", patched(pageEntry, field: 16, withUnsafeBytes(of: UInt64(root).littleEndian, Array.init)),
                pageEntry, "listed twice"
            ),
            ("grid", patched(1, field: 4, [9, 0, 0, 0]), 1, "outside the octree"),
            ("count", patched(1, field: 28, [0xFE, 0xFF, 0xFF, 0xFF]), 1, "point count of -2"),
            ("total", patched(1, field: 28, [1, 0, 0, 0]), 0, "the header announces"),
        ]
        for (name, bytes, entry, words) in cases {
            let error = #expect(throws: ScanImportError.self, "\(name)") {
                try Self.readCOPC(bytes, file: "damaged.copc.laz", COPCSelection(maximumLevel: 1))
            }
            #expect(error?.location == .byteOffset(root + entry * 32), "\(name): \(String(describing: error))")
            #expect(error?.message.contains(words) == true, "\(name): \(String(describing: error))")
        }
        // Plain LAZ is not COPC: reading it by level says so.
        let flat = try pythonFixture(script: "laz_fixtures.py", modules: ["laspy", "lazrs", "laszip"])
        if let flat {
            defer { try? FileManager.default.removeItem(at: flat) }
            let laz = Array(try Data(contentsOf: flat.appending(path: "format7.laz")))
            let refused = #expect(throws: ScanImportError.self) {
                try Self.readCOPC(laz, file: "format7.laz", COPCSelection(maximumLevel: 1))
            }
            #expect(refused?.message.contains("not a COPC file") == true)
        }
    }

    static func points(_ document: LASDocument) -> [[Double]] {
        stride(from: 0, to: document.geometry.positions.count, by: 3).map { start in
            (0..<3).map { axis in Double(document.geometry.positions[start + axis]) }
        }
    }
}
