/// Which side of the surface is outside, near any point of a reference epoch: normals on a
/// coarse set of guide points, oriented consistently, that a fitted normal is flipped to agree
/// with (``NormalOrientation/field(_:)``).
///
/// From geometry alone (``outward(positions:)``), after Hoppe et al. (1992), "Surface
/// reconstruction from unorganized points": the guides are the centroids of the occupied cells
/// of a voxel grid; each gets a normal fitted to its nearest guides; a minimum spanning tree of
/// the guides' neighbour graph, weighted 1 − |nᵢ·nⱼ|, carries one normal's side to the next
/// along the smoothest path, so a side is never decided across a fold. Edges that leave a
/// guide along its normal (from one side of a thin wall to the other) are left out of the
/// graph. Each connected part then takes the side on which its extreme points' normals face
/// away from it (its top faces up, its easternmost point faces east, …) and its surface as a
/// whole faces up: outward on a closed object, up on terrain with or without buildings on it.
/// Last, each smooth patch is checked by rays cast from a sample of its guides along their
/// normals: one that meets surface in front and open space behind is turned round (a wrong
/// step at a sharp fold would otherwise turn everything beyond it inside out).
///
/// Outward assumes the scan is of an object's or a building's exterior. An interior (a room,
/// a vault scanned from inside) faces the other way: give `--orient X,Y,Z`, the scanner's
/// position.
///
/// From a mesh (``winding(positions:triangles:)``), the faces' winding gives the side and the
/// guides only carry it.
public final class OrientationField: Sendable {
    /// The guides that have a normal, as a tree of their positions.
    let tree: KDTree
    /// Unit normal of each guide, by the tree's input index.
    let normals: [SIMD3<Float>]
    /// How the sides were decided, in words.
    public let method: String
    /// How many guide points carry the field.
    public var guideCount: Int { normals.count }

    init(positions: [Double], normals: [SIMD3<Float>], method: String) {
        self.tree = KDTree(positions: positions, keeping: [.points, .indices])
        self.normals = normals
        self.method = method
    }

    /// Which way `normal`, fitted at `point`, should face: +1 or −1 (+1 with no guides). The
    /// nearest guides vote, each by how nearly parallel its normal is to `normal`: where
    /// surfaces meet (a slab standing on a pedestal), the nearest guide may lie on the other
    /// face, at right angles to the fitted normal, and alone would decide by noise.
    @inline(__always)
    func side(of normal: SIMD3<Double>, at point: SIMD3<Double>) -> Double {
        var vote = 0.0
        for (position, _) in tree.nearest(Self.votingGuides, to: point) {
            let g = normals[tree.inputIndex(position)]
            let agreement = dot(normal, SIMD3(Double(g.x), Double(g.y), Double(g.z)))
            vote += agreement * abs(agreement)
        }
        return vote < 0 ? -1 : 1
    }

    /// How many guides vote on a fitted normal's side.
    static let votingGuides = 8

    /// Outward normals from the geometry of `positions` (x, y, z interleaved; non-finite points
    /// are skipped). Nil when fewer than 3 guides get a normal.
    public static func outward(positions: [Double]) -> OrientationField? {
        GuideSurface(positions: positions).flatMap(outward(from:))
    }

    /// Outward normals from guides whose normals are fitted but not yet oriented.
    static func outward(from surface: GuideSurface) -> OrientationField? {
        let (normals, neighbours) = surface.fitAll()
        let graph = GuideGraph(
            centroids: surface.cells.centroids, normals: normals, neighbours: neighbours,
            width: GuideSurface.graphNeighbours, spacing: surface.cells.cellSize)
        var (oriented, parts) = graph.orientedNormals()
        let turned = graph.correctPatches(&oriented, cells: surface.cells)
        var kept = [Double]()
        var keptNormals = [SIMD3<Float>]()
        kept.reserveCapacity(3 * surface.count)
        keptNormals.reserveCapacity(surface.count)
        for guide in 0..<surface.count where oriented[guide] != .zero {
            let p = surface.cells.centroid(guide)
            kept += [p.x, p.y, p.z]
            keptNormals.append(oriented[guide])
        }
        guard keptNormals.count >= 3 else { return nil }
        let partText = parts == 1 ? "1 connected part" : "\(parts) connected parts"
        return OrientationField(
            positions: kept, normals: keptNormals,
            method:
                "outward: propagated over a neighbour graph of \(keptNormals.count) guide points "
                + "(\(partText)), each part facing out at its extremes and up"
                + (turned == 0 ? "" : "; \(turned) smooth patch\(turned == 1 ? "" : "es") turned round by rays"))
    }

    /// Normals from the winding of `triangles` (counter-clockwise seen from outside), carried
    /// by the same guides. Nil when the mesh has no face with an area.
    public static func winding(positions: [Double], triangles: [UInt32]) -> OrientationField? {
        let vertexCount = positions.count / 3
        var vertexNormals = [SIMD3<Double>](repeating: .zero, count: vertexCount)
        for t in stride(from: 0, to: triangles.count - 2, by: 3) {
            let (a, b, c) = (Int(triangles[t]), Int(triangles[t + 1]), Int(triangles[t + 2]))
            guard a < vertexCount, b < vertexCount, c < vertexCount else { continue }
            let pa = SIMD3(positions[3 * a], positions[3 * a + 1], positions[3 * a + 2])
            let pb = SIMD3(positions[3 * b], positions[3 * b + 1], positions[3 * b + 2])
            let pc = SIMD3(positions[3 * c], positions[3 * c + 1], positions[3 * c + 2])
            let area = cross(pb - pa, pc - pa)  // twice the area, along the face's normal
            guard area.x.isFinite, area.y.isFinite, area.z.isFinite else { continue }
            vertexNormals[a] += area
            vertexNormals[b] += area
            vertexNormals[c] += area
        }
        let cells = VoxelGuides(positions: positions, target: GuideSurface.targetGuides, normals: vertexNormals)
        var kept = [Double]()
        var keptNormals = [SIMD3<Float>]()
        for guide in 0..<cells.count {
            let n = cells.normalSums[guide]
            let size = length(n)
            guard size > 0, size.isFinite else { continue }
            let p = cells.centroid(guide)
            kept += [p.x, p.y, p.z]
            keptNormals.append(SIMD3<Float>(n / size))
        }
        guard keptNormals.count >= 3 else { return nil }
        return OrientationField(
            positions: kept, normals: keptNormals,
            method: "the before mesh's face winding, carried by \(keptNormals.count) guide points")
    }
}

/// The centroids of the occupied cells of a voxel grid over a cloud, the cell size chosen so
/// that there are about `target` of them (or one per point in a small cloud).
struct VoxelGuides {
    private(set) var centroids: [Double] = []
    /// Sums of the points' normals in each cell, when normals were given.
    private(set) var normalSums: [SIMD3<Double>] = []
    let cellSize: Double
    /// The grid's corner and its occupied cells, for rays cast through it.
    private(set) var origin = SIMD3<Double>.zero
    private(set) var upperCorner = SIMD3<Double>.zero
    private(set) var occupied = Set<Int64>()
    var count: Int { centroids.count / 3 }

    /// Whether a ray from `start` along `direction` (unit) leaves the grid's box, or goes
    /// `maximumSteps` half cells, without entering an occupied cell. The limit keeps a ray
    /// short between far-apart parts of a scene (a few centimetre cells, a kilometre apart).
    func escapes(from start: SIMD3<Double>, along direction: SIMD3<Double>) -> Bool {
        guard cellSize > 0 else { return true }
        let step = direction * (cellSize / 2)
        var p = start
        var steps = 0
        while steps < Self.maximumSteps && p.x >= origin.x && p.y >= origin.y && p.z >= origin.z
            && p.x <= upperCorner.x && p.y <= upperCorner.y && p.z <= upperCorner.z
        {
            if occupied.contains(Self.key(p, lower: origin, size: cellSize)) { return false }
            p += step
            steps += 1
        }
        return true
    }

    /// How far a ray goes, in half cells: across an object of about 60,000 cells of surface
    /// (some 100 cells wide) several times over.
    static let maximumSteps = 2048

    func centroid(_ index: Int) -> SIMD3<Double> {
        SIMD3(centroids[3 * index], centroids[3 * index + 1], centroids[3 * index + 2])
    }

    init(positions: [Double], target: Int, normals: [SIMD3<Double>]? = nil) {
        let count = positions.count / 3
        var lower = SIMD3<Double>(repeating: .infinity)
        var upper = SIMD3<Double>(repeating: -.infinity)
        for i in 0..<count {
            let p = SIMD3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { continue }
            lower = pointwiseMin(lower, p)
            upper = pointwiseMax(upper, p)
        }
        guard lower.x <= upper.x else {
            cellSize = 0
            return
        }
        let extent = upper - lower
        // A surface's cells grow as the square of 1 / cell size: start from the area a
        // sheet across the box's two largest sides would have, then correct on a sample.
        let sides = [extent.x, extent.y, extent.z].sorted()
        let area = max(sides[2] * sides[1], sides[2] * sides[2] * 1e-6, .leastNormalMagnitude)
        // A large cloud is sized on a sample of it, with several sample points a cell so the
        // sample fills the cells the whole cloud would.
        let sampleStep = max(1, count / 200_000)
        let sampleCount = (count + sampleStep - 1) / sampleStep
        let wanted = Double(max(1, min(target, sampleStep == 1 ? count : sampleCount / 3)))
        var size = (area / wanted).squareRoot()
        for _ in 0..<6 {
            let occupied = Double(Self.cellKeys(positions, lower: lower, size: size, step: sampleStep).count)
            let ratio = occupied / wanted
            if ratio > 0.7 && ratio < 1.4 { break }
            size *= ratio.squareRoot()
        }
        cellSize = size
        origin = lower
        upperCorner = upper
        var cells = [Int64: Int](minimumCapacity: target)
        var sums = [SIMD3<Double>]()
        var counts = [Int]()
        var normalSums = [SIMD3<Double>]()
        // A centroid needs a few points, not all of a cell's: a large cloud is read in strides
        // that leave about four points a cell (normals, when given, are all summed).
        let stride = normals == nil ? max(1, count / (4 * target)) : 1
        for i in Swift.stride(from: 0, to: count, by: stride) {
            let p = SIMD3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { continue }
            let key = Self.key(p, lower: lower, size: size)
            let cell: Int
            if let existing = cells[key] {
                cell = existing
            } else {
                cell = sums.count
                cells[key] = cell
                sums.append(.zero)
                counts.append(0)
                if normals != nil { normalSums.append(.zero) }
            }
            sums[cell] += p - lower
            counts[cell] += 1
            if let normals { normalSums[cell] += normals[i] }
        }
        centroids.reserveCapacity(3 * sums.count)
        for cell in sums.indices {
            let c = lower + sums[cell] / Double(counts[cell])
            centroids += [c.x, c.y, c.z]
        }
        self.normalSums = normalSums
        occupied = Set(cells.keys)
    }

    @inline(__always)
    static func key(_ p: SIMD3<Double>, lower: SIMD3<Double>, size: Double) -> Int64 {
        let c = (p - lower) / size
        let x = Int64(min(c.x, 2_097_151))
        let y = Int64(min(c.y, 2_097_151))
        let z = Int64(min(c.z, 2_097_151))
        return x << 42 | y << 21 | z
    }

    static func cellKeys(_ positions: [Double], lower: SIMD3<Double>, size: Double, step: Int) -> Set<Int64> {
        var keys = Set<Int64>()
        var i = 0
        let count = positions.count / 3
        while i < count {
            let p = SIMD3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])
            if p.x.isFinite && p.y.isFinite && p.z.isFinite { keys.insert(key(p, lower: lower, size: size)) }
            i += step
        }
        return keys
    }
}

/// Guide points over a cloud, with normals fitted to their neighbourhoods but not yet given a
/// side. Whether the cloud is terrain is told from a sample of them, before all are fitted.
struct GuideSurface {
    /// Guides about this many to a cloud: enough to follow a building's walls and a statue's
    /// folds, few enough that orienting them takes a fraction of the comparison's time.
    static let targetGuides = 60_000
    /// Each guide's normal is fitted to this many guides, itself included.
    static let fitNeighbours = 12
    /// Each guide is linked to this many nearest guides in the graph.
    static let graphNeighbours = 8
    /// Guides sampled to tell terrain from an object.
    static let sampledGuides = 4096

    let cells: VoxelGuides
    let tree: KDTree
    /// Size of the guides' bounding box.
    let extent: SIMD3<Double>
    var count: Int { cells.count }

    /// Nil when there are fewer than 3 guides.
    init?(positions: [Double]) {
        let cells = VoxelGuides(positions: positions, target: Self.targetGuides)
        guard cells.count >= 3 else { return nil }
        self.cells = cells
        tree = KDTree(positions: cells.centroids, keeping: [.points, .indices])
        var lower = SIMD3<Double>(repeating: .infinity)
        var upper = SIMD3<Double>(repeating: -.infinity)
        for guide in 0..<cells.count {
            lower = pointwiseMin(lower, cells.centroid(guide))
            upper = pointwiseMax(upper, cells.centroid(guide))
        }
        extent = upper - lower
    }

    /// The unoriented normal of `guide`, fitted to its nearest guides, and those guides
    /// (itself left out, at most `graphNeighbours`); nil for a degenerate neighbourhood.
    func fit(_ guide: Int, neighbours: UnsafeMutableBufferPointer<Int32>?) -> SIMD3<Float>? {
        let p = cells.centroid(guide)
        let found = tree.nearest(Self.fitNeighbours, to: p)
        var accumulator = CovarianceAccumulator(origin: p)
        for (position, _) in found {
            let q = tree.point(at: position)
            accumulator.add(q.x, q.y, q.z)
        }
        guard let plane = accumulator.plane() else { return nil }
        if let neighbours {
            var slot = 0
            for (position, _) in found where slot < Self.graphNeighbours {
                let other = tree.inputIndex(position)
                if other == guide { continue }
                neighbours[guide * Self.graphNeighbours + slot] = Int32(other)
                slot += 1
            }
        }
        return SIMD3<Float>(plane.normal)
    }

    /// Share of guides whose normal is within 30° of vertical, from an even sample of them.
    func horizontalShare() -> Double {
        let step = max(1, count / Self.sampledGuides)
        var fitted = 0
        var vertical = 0
        for guide in stride(from: 0, to: count, by: step) {
            guard let n = fit(guide, neighbours: nil) else { continue }
            fitted += 1
            if abs(n.z) >= 0.866 { vertical += 1 }
        }
        return fitted == 0 ? 0 : Double(vertical) / Double(fitted)
    }

    /// Every guide's unoriented normal (zero where degenerate) and its graph neighbours
    /// (`graphNeighbours` a guide, -1 where fewer), on all cores.
    func fitAll() -> (normals: [SIMD3<Float>], neighbours: [Int32]) {
        var neighbours = [Int32](repeating: -1, count: count * Self.graphNeighbours)
        var fitted = [SIMD3<Float>](repeating: .zero, count: count)
        neighbours.withUnsafeMutableBufferPointer { neighbourBuffer in
            fitted.withUnsafeMutableBufferPointer { normalBuffer in
                let out = UncheckedSendable((neighbourBuffer, normalBuffer))
                parallelChunks(count, minimumChunk: 512) { range in
                    for guide in range {
                        if let n = fit(guide, neighbours: out.value.0) { out.value.1[guide] = n }
                    }
                }
            }
        }
        return (fitted, neighbours)
    }
}
