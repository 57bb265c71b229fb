import Foundation

/// What a COPC file (Cloud Optimized Point Cloud 1.0) says of its octree, from its `info` VLR
/// (user `copc`, record 1): the root node's cube and where the hierarchy's first page is.
///
/// A COPC file is a LAZ 1.4 file (point formats 6-8) whose chunks are the nodes of an octree:
/// each node's points lie inside its cube, and coarser levels hold sparser samples of the whole.
/// A reader can so take a level of detail, or the nodes that meet a box, without decoding the rest.
public struct COPCInfo: Sendable, Equatable, Codable {
    /// The centre of the root cube, in world units.
    public var center: [Double]
    /// From the centre to each face of the root cube.
    public var halfSize: Double
    /// The distance between points at the root level; it halves at each level down.
    public var spacing: Double
    public var rootPageOffset: Int
    public var rootPageSize: Int
    public var gpsTimeMinimum: Double
    public var gpsTimeMaximum: Double
    /// Where the record's body starts in the file (for errors about what it says).
    var recordOffset = 0

    enum CodingKeys: String, CodingKey {
        case center, halfSize, spacing, rootPageOffset, rootPageSize, gpsTimeMinimum, gpsTimeMaximum
    }

    static let userID = "copc"
    static let recordID = 1
    static let length = 160

    static func parse(
        _ bytes: UnsafeRawBufferPointer, at body: Int, length: Int, file: String
    ) throws(ScanImportError) -> COPCInfo {
        guard length >= Self.length else {
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(body),
                "the COPC info record has \(length) bytes; COPC 1.0 gives it \(Self.length)")
        }
        func f64(_ at: Int) -> Double {
            Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: body + at, as: UInt64.self)))
        }
        func u64(_ at: Int) -> UInt64 {
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: body + at, as: UInt64.self))
        }
        let info = COPCInfo(
            center: [f64(0), f64(8), f64(16)], halfSize: f64(24), spacing: f64(32),
            rootPageOffset: Int(clamping: u64(40)), rootPageSize: Int(clamping: u64(48)), gpsTimeMinimum: f64(56),
            gpsTimeMaximum: f64(64), recordOffset: body)
        guard info.center.allSatisfy(\.isFinite), info.halfSize.isFinite, info.halfSize > 0 else {
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(body),
                "the COPC info record's root cube (centre \(info.center), half size \(info.halfSize)) is not a cube")
        }
        return info
    }
}

/// A node of a COPC octree that holds points: its key (level, x, y, z) and its LAZ chunk.
public struct COPCNode: Sendable, Equatable, Codable {
    public var level: Int
    public var x: Int
    public var y: Int
    public var z: Int
    /// Where the node's LAZ chunk starts in the file, and its length in bytes.
    public var offset: Int
    public var byteSize: Int
    public var pointCount: Int

    /// The node's cube: the root cube cut in 2^level along each axis.
    public func bounds(_ info: COPCInfo) -> Bounds {
        let side = 2 * info.halfSize / Double(1 << level)
        let low = [x, y, z].enumerated().map { info.center[$0] - info.halfSize + side * Double($1) }
        return Bounds(min: low, max: low.map { $0 + side })
    }
}

/// A COPC file's octree: every node that holds points, read from the hierarchy's pages.
public struct COPCHierarchy: Sendable, Equatable {
    public var info: COPCInfo
    /// Nodes holding points, in the order the pages list them.
    public var nodes: [COPCNode]
    /// Hierarchy pages read, the root page included.
    public var pageCount: Int
    /// Entries for nodes that hold no points themselves (their children may).
    public var emptyNodeCount: Int

    /// Levels in the octree (the root is level 0).
    public var depth: Int { (nodes.map(\.level).max() ?? -1) + 1 }

    /// Points held at each level, from the root down.
    public var pointsPerLevel: [Int] {
        var counts = [Int](repeating: 0, count: depth)
        for node in nodes { counts[node.level] += node.pointCount }
        return counts
    }

    /// Reads the hierarchy from the root page that `info` names, following child pages.
    ///
    /// Every page and every node's chunk must lie inside the file and after the header, every
    /// key must lie in its level's grid and appear once, no page may be read twice, and the
    /// nodes must hold the points the header announces: anything else is refused, naming the
    /// offset of the entry at fault.
    static func read(
        _ bytes: UnsafeRawBufferPointer, header: LASHeader, info: COPCInfo, file: String
    ) throws(ScanImportError) -> COPCHierarchy {
        func fail(_ at: Int, _ message: String) -> ScanImportError {
            ScanImportError(.malformedBody, file: file, at: .byteOffset(at), message)
        }
        func i32(_ at: Int) -> Int { Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int32.self))) }
        func checkPage(_ offset: Int, _ size: Int, named at: Int) throws(ScanImportError) {
            guard size > 0, size % 32 == 0, offset >= header.pointOffset, offset <= bytes.count - size else {
                throw fail(
                    at,
                    "a COPC hierarchy page of \(size) bytes at byte \(offset) does not fit the file (\(bytes.count) bytes) "
                        + "in whole 32-byte entries")
            }
        }
        try checkPage(info.rootPageOffset, info.rootPageSize, named: info.recordOffset + 40)
        var pages = [(info.rootPageOffset, info.rootPageSize)]
        var visited: Set<Int> = [info.rootPageOffset]
        var keys: Set<SIMD4<Int32>> = []
        var nodes: [COPCNode] = []
        var empty = 0
        var total = 0
        var next = 0
        while next < pages.count {
            let (start, size) = pages[next]
            next += 1
            for entry in stride(from: start, to: start + size, by: 32) {
                let (level, x, y, z) = (i32(entry), i32(entry + 4), i32(entry + 8), i32(entry + 12))
                let offset = Int(
                    clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: entry + 16, as: UInt64.self)))
                let (byteSize, pointCount) = (i32(entry + 24), i32(entry + 28))
                guard (0...30).contains(level), [x, y, z].allSatisfy({ (0..<(1 << level)).contains($0) }) else {
                    throw fail(entry, "the COPC hierarchy entry for key \(level)-\(x)-\(y)-\(z) is outside the octree")
                }
                // A page's own key is listed by its parent page (as the page) and by the page
                // (as the node): only the node counts.
                guard pointCount == -1 || keys.insert(SIMD4(Int32(level), Int32(x), Int32(y), Int32(z))).inserted
                else {
                    throw fail(entry, "the COPC hierarchy lists key \(level)-\(x)-\(y)-\(z) twice")
                }
                switch pointCount {
                case -1:
                    try checkPage(offset, byteSize, named: entry)
                    guard visited.insert(offset).inserted else {
                        throw fail(entry, "the COPC hierarchy page at byte \(offset) is listed twice")
                    }
                    pages.append((offset, byteSize))
                case 0:
                    empty += 1
                case 1...:
                    guard byteSize > 0, offset >= header.pointOffset, offset <= bytes.count - byteSize,
                        pointCount / 64 <= byteSize
                    else {
                        throw fail(
                            entry,
                            "COPC node \(level)-\(x)-\(y)-\(z) says it holds \(pointCount) points in \(byteSize) bytes at "
                                + "byte \(offset): that does not fit the file")
                    }
                    total += pointCount
                    nodes.append(
                        COPCNode(
                            level: level, x: x, y: y, z: z, offset: offset, byteSize: byteSize, pointCount: pointCount))
                default:
                    throw fail(entry, "COPC node \(level)-\(x)-\(y)-\(z) has a point count of \(pointCount)")
                }
            }
        }
        guard total == header.pointCount else {
            throw fail(
                info.rootPageOffset,
                "the COPC hierarchy's nodes hold \(total) points; the header announces \(header.pointCount)")
        }
        return COPCHierarchy(info: info, nodes: nodes, pageCount: pages.count, emptyNodeCount: empty)
    }
}

/// Which part of a COPC file to read: the levels down to `maximumLevel`, and the nodes whose
/// cube meets `box` (then only the points inside it). Both nil: every point.
public struct COPCSelection: Sendable, Equatable {
    public var maximumLevel: Int?
    public var box: Bounds?

    public init(maximumLevel: Int? = nil, box: Bounds? = nil) {
        self.maximumLevel = maximumLevel
        self.box = box
    }

    /// Whether the selection needs `node`'s points.
    func wants(_ node: COPCNode, _ info: COPCInfo) -> Bool {
        if let maximumLevel, node.level > maximumLevel { return false }
        guard let box else { return true }
        let cube = node.bounds(info)
        return (0..<3).allSatisfy { cube.min[$0] <= box.max[$0] && cube.max[$0] >= box.min[$0] }
    }
}

/// A COPC read: the points selected, the octree, and how much of it was decoded.
public struct COPCRead: Sendable {
    public var document: LASDocument
    public var hierarchy: COPCHierarchy
    /// Nodes whose chunks were decoded, and the points they held (before the box's cut).
    public var nodesRead: Int
    public var pointsDecoded: Int
}

extension LASReader {
    /// Reads the part of a COPC file that `selection` asks for, decoding only the chunks of the
    /// nodes it needs (on every core), then keeping only the points inside its box.
    public static func read(
        _ bytes: UnsafeRawBufferPointer, file: String, copc selection: COPCSelection
    ) throws(ScanImportError) -> COPCRead {
        let header = try header(bytes, file: file)
        guard let info = header.copc, let compression = header.compression else {
            throw ScanImportError(
                .unsupported, file: file,
                "is not a COPC file: it has no COPC info record, so it cannot be read by level")
        }
        let hierarchy = try COPCHierarchy.read(bytes, header: header, info: info, file: file)
        var chunks: [LAZReader.Chunk] = []
        var decoded = 0
        for node in hierarchy.nodes where selection.wants(node, info) {
            chunks.append(
                LAZReader.Chunk(
                    start: node.offset, end: node.offset + node.byteSize, firstPoint: decoded,
                    pointCount: node.pointCount))
            decoded += node.pointCount
        }
        let recordLength = header.recordLength
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, decoded * recordLength), alignment: 8)
        defer { buffer.deallocate() }
        try decodeRecords(bytes, chunks: chunks, header: header, compression: compression, file: file, into: buffer)
        var kept = decoded
        if let box = selection.box {
            // Keep the records inside the box, moved down over those that are not.
            kept = 0
            for index in 0..<decoded {
                let raw = integerPosition(UnsafeRawBufferPointer(buffer), index * recordLength)
                let inside = (0..<3).allSatisfy { axis in
                    let value = Double(raw[axis]) * header.scale[axis] + header.offset[axis]
                    return value >= box.min[axis] && value <= box.max[axis]
                }
                guard inside else { continue }
                if kept != index {
                    UnsafeMutableRawBufferPointer(rebasing: buffer[(kept * recordLength)..<((kept + 1) * recordLength)])
                        .copyMemory(
                            from: UnsafeRawBufferPointer(
                                rebasing: buffer[(index * recordLength)..<((index + 1) * recordLength)]))
                }
                kept += 1
            }
        }
        let document = document(
            header, records: UnsafeRawBufferPointer(buffer), start: 0, count: kept, warnings: header.warnings)
        return COPCRead(document: document, hierarchy: hierarchy, nodesRead: chunks.count, pointsDecoded: decoded)
    }
}
