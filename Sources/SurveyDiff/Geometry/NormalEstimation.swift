/// Which way a normal should point; PCA alone gives only a line.
public enum NormalOrientation: Sendable, Equatable {
    /// Towards the side where `axis` points (for a façade scanned from +z: `+z`).
    case axis(SIMD3<Double>)
    /// Towards a scanner position.
    case viewpoint(SIMD3<Double>)
    /// Away from a point inside the object (a building, a monument): outwards on every side,
    /// so that loss reads as negative on all walls at once.
    case awayFrom(SIMD3<Double>)
    /// The side of a consistently oriented field of normals over the reference epoch.
    case field(OrientationField)

    public static func == (a: NormalOrientation, b: NormalOrientation) -> Bool {
        switch (a, b) {
        case (.axis(let x), .axis(let y)), (.viewpoint(let x), .viewpoint(let y)), (.awayFrom(let x), .awayFrom(let y)):
            return x == y
        case (.field(let x), .field(let y)): return x === y
        default: return false
        }
    }

    @inline(__always)
    func orient(_ normal: SIMD3<Double>, at point: SIMD3<Double>) -> SIMD3<Double> {
        switch self {
        case .axis(let axis): return dot(normal, axis) < 0 ? -normal : normal
        case .viewpoint(let viewpoint): return dot(normal, viewpoint - point) < 0 ? -normal : normal
        case .awayFrom(let centre): return dot(normal, point - centre) < 0 ? -normal : normal
        case .field(let field): return field.side(of: normal, at: point) * normal
        }
    }

    /// Reads `+z`, `-x`, …, `X,Y,Z` (a viewpoint) or `away:X,Y,Z` (a point inside the object).
    public init?(_ text: String) {
        if text.lowercased().hasPrefix("away:") {
            guard case .viewpoint(let centre) = NormalOrientation(String(text.dropFirst(5))) else { return nil }
            self = .awayFrom(centre)
            return
        }
        let axes: [String: SIMD3<Double>] = [
            "+x": SIMD3(1, 0, 0), "x": SIMD3(1, 0, 0), "-x": SIMD3(-1, 0, 0),
            "+y": SIMD3(0, 1, 0), "y": SIMD3(0, 1, 0), "-y": SIMD3(0, -1, 0),
            "+z": SIMD3(0, 0, 1), "z": SIMD3(0, 0, 1), "-z": SIMD3(0, 0, -1),
        ]
        if let axis = axes[text.lowercased()] {
            self = .axis(axis)
            return
        }
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy(\.isFinite) else { return nil }
        self = .viewpoint(SIMD3(parts[0], parts[1], parts[2]))
    }

    public var description: String {
        switch self {
        case .axis(let a): return "axis \(a.x),\(a.y),\(a.z)"
        case .viewpoint(let v): return "viewpoint \(v.x),\(v.y),\(v.z)"
        case .awayFrom(let c): return "away from \(c.x),\(c.y),\(c.z)"
        case .field(let field): return field.method
        }
    }
}

/// A plane fitted to a neighbourhood by principal component analysis.
public struct LocalPlane: Sendable {
    /// Unit normal: the eigenvector of the smallest eigenvalue of the neighbours' covariance.
    public var normal: SIMD3<Double>
    /// Centroid of the neighbours.
    public var centroid: SIMD3<Double>
    /// Smallest eigenvalue over their sum: 0 for a perfect plane, 1/3 for an isotropic blob.
    public var curvature: Double
    public var neighbourCount: Int
}

/// Sums for a covariance, taken relative to a nearby origin so large coordinates cancel exactly.
struct CovarianceAccumulator {
    let origin: SIMD3<Double>
    var count = 0
    var sum = SIMD3<Double>.zero
    var products = SymmetricMatrix3()

    init(origin: SIMD3<Double>) { self.origin = origin }

    @inline(__always)
    mutating func add(_ x: Double, _ y: Double, _ z: Double) {
        add(offset: x - origin.x, y - origin.y, z - origin.z, weight: 1)
    }

    /// Adds a point given as its offset from `origin`, `weight` times: 0 or 1 filters points
    /// without a branch (1 adds exactly what an unweighted sum would).
    @inline(__always)
    mutating func add(offset dx: Double, _ dy: Double, _ dz: Double, weight w: Double) {
        let (wx, wy, wz) = (w * dx, w * dy, w * dz)
        count += Int(w)
        sum += SIMD3(wx, wy, wz)
        products.xx += wx * dx
        products.xy += wx * dy
        products.xz += wx * dz
        products.yy += wy * dy
        products.yz += wy * dz
        products.zz += wz * dz
    }

    /// Adds points given as sums of their offsets from `origin` and of the offsets' products.
    @inline(__always)
    mutating func add(count n: Int, offsetSum: SIMD3<Double>, products more: SymmetricMatrix3) {
        count += n
        sum += offsetSum
        products.add(more)
    }

    /// Adds a whole group of points from its count, mean and centred second moments.
    @inline(__always)
    mutating func add(count n: Int, mean: SIMD3<Double>, spread: SymmetricMatrix3) {
        let offset = mean - origin
        let weight = Double(n)
        count += n
        sum += offset * weight
        products.add(spread)
        products.addOuterProduct(offset, weight: weight)
    }

    /// The fitted plane, or nil with fewer than 3 points or a degenerate spread.
    func plane() -> LocalPlane? {
        guard count >= 3 else { return nil }
        let n = Double(count)
        let mean = sum / n
        var covariance = SymmetricMatrix3()
        covariance.xx = products.xx / n - mean.x * mean.x
        covariance.xy = products.xy / n - mean.x * mean.y
        covariance.xz = products.xz / n - mean.x * mean.z
        covariance.yy = products.yy / n - mean.y * mean.y
        covariance.yz = products.yz / n - mean.y * mean.z
        covariance.zz = products.zz / n - mean.z * mean.z
        let values = covariance.eigenvalues()
        let total = values.sum()
        guard total > 0, let normal = covariance.eigenvector(for: values.x) else { return nil }
        return LocalPlane(
            normal: normal, centroid: origin + mean, curvature: max(0, values.x) / total, neighbourCount: count)
    }
}

extension KDTree {
    /// The plane through the points within `radius` of `point`. A node whose box lies wholly in
    /// the sphere contributes its stored moments in one step; only boundary leaves are scanned.
    public func plane(at point: SIMD3<Double>, radius: Double) -> LocalPlane? {
        var accumulator = CovarianceAccumulator(origin: point)
        let limit = radius * radius
        guard self.count > 0, radius >= 0 else { return nil }
        precondition(answersSpherePlaneQueries, "sphere-plane queries need a tree with moments (and points or offsets)")
        let scalarLeaves = leafOffsets.isEmpty  // a tree keeping .moments and .points, not .surface
        let floatLimit = Float(limit)
        let stride = self.count + 4
        let lanes = SIMD4<Int32>(0, 1, 2, 3)
        nodes.withUnsafeBufferPointer { nodes in
            leafOffsets.withUnsafeBufferPointer { offsets in
                leafOrigins.withUnsafeBufferPointer { origins in
                    withUnsafeTemporaryAllocation(of: Int32.self, capacity: 96) { stack in
                        stack[0] = 0
                        var depth = 1
                        while depth > 0 {
                            depth -= 1
                            let index = Int(stack[depth])
                            let node = nodes[index]
                            if boxDistanceSquared(point, node.lower, node.upper) > limit { continue }
                            let far = pointwiseMax(point - node.lower, node.upper - point)
                            if (far * far).sum() <= limit {
                                let whole = moments[index]
                                accumulator.add(count: node.count, mean: whole.mean, spread: whole.spread)
                                continue
                            }
                            if node.right < 0 && scalarLeaves {
                                // Without branching on each point (about half of a boundary leaf
                                // is inside): offsets from `point`, the accumulator's origin,
                                // weighted 1 inside and 0 outside.
                                // A leaf's own sums stay in registers; added once.
                                var leaf = CovarianceAccumulator(origin: point)
                                for position in Int(node.start)..<Int(node.end) {
                                    let dx = points[3 &* position] - point.x
                                    let dy = points[3 &* position &+ 1] - point.y
                                    let dz = points[3 &* position &+ 2] - point.z
                                    let w: Double = dx * dx + dy * dy + dz * dz <= limit ? 1 : 0
                                    leaf.add(offset: dx, dy, dz, weight: w)
                                }
                                accumulator.add(count: leaf.count, offsetSum: leaf.sum, products: leaf.products)
                                continue
                            }
                            if node.right < 0 {
                                // Four points at a time, in Float offsets from the leaf's origin;
                                // the sums are of offsets from `point`, the accumulator's origin.
                                let c = SIMD3<Float>(point - origins[index])
                                var n = SIMD4<Float>.zero
                                var sx = SIMD4<Float>.zero
                                var sy = SIMD4<Float>.zero
                                var sz = SIMD4<Float>.zero
                                var xx = SIMD4<Float>.zero
                                var xy = SIMD4<Float>.zero
                                var xz = SIMD4<Float>.zero
                                var yy = SIMD4<Float>.zero
                                var yz = SIMD4<Float>.zero
                                var zz = SIMD4<Float>.zero
                                var position = Int(node.start)
                                let end = Int(node.end)
                                while position < end {
                                    let x = load(offsets, position) - c.x
                                    let y = load(offsets, stride + position) - c.y
                                    let z = load(offsets, 2 * stride + position) - c.z
                                    let mask =
                                        (x * x + y * y + z * z .<= floatLimit)
                                        .& (lanes .< Int32(truncatingIfNeeded: end - position))
                                    let w = SIMD4<Float>.zero.replacing(with: 1, where: mask)
                                    let wx = w * x
                                    let wy = w * y
                                    let wz = w * z
                                    n += w
                                    sx += wx
                                    sy += wy
                                    sz += wz
                                    xx += wx * x
                                    xy += wx * y
                                    xz += wx * z
                                    yy += wy * y
                                    yz += wy * z
                                    zz += wz * z
                                    position += 4
                                }
                                var products = SymmetricMatrix3()
                                products.xx = Double(xx.sum())
                                products.xy = Double(xy.sum())
                                products.xz = Double(xz.sum())
                                products.yy = Double(yy.sum())
                                products.yz = Double(yz.sum())
                                products.zz = Double(zz.sum())
                                accumulator.add(
                                    count: Int(n.sum()),
                                    offsetSum: SIMD3(Double(sx.sum()), Double(sy.sum()), Double(sz.sum())),
                                    products: products)
                                continue
                            }
                            stack[depth] = Int32(node.right)
                            stack[depth + 1] = Int32(index + 1)
                            depth += 2
                        }
                    }
                }
            }
        }
        return accumulator.plane()
    }

    /// The unit normal at tree position `position`, fitted to its neighbourhood and oriented; nil
    /// where fewer than three neighbours were found.
    @inline(__always)
    func orientedNormal(
        at position: Int, _ neighbourhood: Neighbourhood, _ orientation: NormalOrientation
    ) -> SIMD3<Float>? {
        let p = point(at: position)
        let plane: LocalPlane?
        switch neighbourhood {
        case .radius(let r): plane = self.plane(at: p, radius: r)
        case .nearest(let k): plane = self.plane(at: p, nearest: k)
        }
        guard let plane else { return nil }
        let n = orientation.orient(plane.normal, at: p)
        return SIMD3(Float(n.x), Float(n.y), Float(n.z))
    }

    /// The plane through the `k` points nearest to `point`.
    public func plane(at point: SIMD3<Double>, nearest k: Int) -> LocalPlane? {
        var accumulator = CovarianceAccumulator(origin: point)
        for (position, _) in nearest(k, to: point) {
            accumulator.add(points[3 * position], points[3 * position + 1], points[3 * position + 2])
        }
        return accumulator.plane()
    }
}

/// How many neighbours a normal is fitted to.
public enum Neighbourhood: Sendable, Equatable {
    case radius(Double)
    case nearest(Int)
}

public enum NormalEstimation {
    /// A unit normal for every point of `cloud`, from the neighbours in `tree` (built on the same
    /// cloud: the points are visited in tree order, so neighbouring queries share cached nodes),
    /// oriented by `orientation`. x, y, z interleaved; NaN where fewer than three neighbours were
    /// found. Runs on all cores.
    public static func normals(
        of cloud: PointCloud, in tree: KDTree, neighbourhood: Neighbourhood, orientation: NormalOrientation
    ) -> [Float] {
        let count = cloud.count
        precondition(tree.count <= count, "the tree is built on the cloud")
        var normals = [Float](repeating: .nan, count: count * 3)
        normals.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            parallelChunks(tree.count, minimumChunk: 2048) { range in
                for position in range {
                    guard let n = tree.orientedNormal(at: position, neighbourhood, orientation) else { continue }
                    let index = tree.inputIndex(position)
                    (out.value[3 * index], out.value[3 * index + 1], out.value[3 * index + 2]) = (n.x, n.y, n.z)
                }
            }
        }
        return normals
    }
}

/// A cloud's normals in input order, computed a block of points at a time as they are asked
/// for (each block on all cores): for writing a cloud's normals out without holding them all.
///
/// It takes over a tree built on the cloud (which took over the cloud's positions): the tree's
/// input indices become a map from input index to tree position, and the positions are read
/// back through it. With a tree keeping `.moments` rather than `.surface` (32 points a leaf),
/// points, map, nodes and moments are about 24 + 4 + 4 + 5 bytes a point, against 61 for the
/// whole cloud's normals computed at once from a `.surface` tree (12 more for the Float leaf
/// offsets, 12 for the normals). Each block's points are visited in tree order, but blocks
/// follow the input order: slower than one pass in tree order when that order is not spatial.
public struct NormalsInInputOrder {
    let tree: KDTree
    /// Tree position of each input index; -1 for a point the tree left out (non-finite).
    let treePosition: [Int32]
    let neighbourhood: Neighbourhood
    let orientation: NormalOrientation
    public let count: Int
    static let blockSize = 16_384
    private var blockStart = -1
    private var block: [Float] = []

    /// `tree` was built on `count` points keeping `.points`, `.indices` and `.moments` (or
    /// `.surface`).
    public init(
        tree: consuming KDTree, count: Int, neighbourhood: Neighbourhood, orientation: NormalOrientation
    ) {
        precondition(tree.count <= count && tree.contents.contains([.points, .indices]), "a tree on the cloud")
        precondition(tree.answersSpherePlaneQueries, "a tree answering sphere-plane queries")
        // The map replaces the tree's input indices: inverted in place when the tree holds every
        // point (no second array of them), else written anew with -1 for the points left out.
        let (kept, indices) = tree.takingIndices()
        self.tree = kept
        if kept.count == count {
            var map = consume indices
            invertPermutationInPlace(&map)
            treePosition = map
        } else {
            var map = [Int32](repeating: -1, count: count)
            for (position, index) in indices.enumerated() { map[Int(index)] = Int32(position) }
            treePosition = map
        }
        self.neighbourhood = neighbourhood
        self.orientation = orientation
        self.count = count
    }

    /// The position of input point `index` (NaN for one the tree left out).
    public func position(_ index: Int) -> SIMD3<Double> {
        let position = Int(treePosition[index])
        return position < 0 ? SIMD3(repeating: .nan) : tree.point(at: position)
    }

    /// The unit normal of input point `index`, oriented; NaN where fewer than three neighbours
    /// were found. Asked in order, each block of points is computed once.
    public mutating func normal(_ index: Int) -> SIMD3<Float> {
        let start = index - index % Self.blockSize
        if start != blockStart { fill(from: start) }
        let base = 3 * (index - start)
        return SIMD3(block[base], block[base + 1], block[base + 2])
    }

    private mutating func fill(from start: Int) {
        let end = min(count, start + Self.blockSize)
        let (tree, treePosition, neighbourhood, orientation) = (tree, treePosition, neighbourhood, orientation)
        // The block's points are visited in tree order (sorted by tree position), so that
        // consecutive queries share cached nodes even when the input order is not spatial.
        var visits = [UInt64]()
        visits.reserveCapacity(end - start)
        for slot in 0..<(end - start) where treePosition[start + slot] >= 0 {
            visits.append(UInt64(treePosition[start + slot]) << 32 | UInt64(slot))
        }
        visits.sort()
        var values = [Float](repeating: .nan, count: 3 * (end - start))
        values.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            parallelChunks(visits.count, minimumChunk: 1024) { range in
                for visit in range {
                    let position = Int(visits[visit] >> 32)
                    guard let n = tree.orientedNormal(at: position, neighbourhood, orientation) else { continue }
                    let slot = Int(visits[visit] & 0xFFFF_FFFF)
                    (out.value[3 * slot], out.value[3 * slot + 1], out.value[3 * slot + 2]) = (n.x, n.y, n.z)
                }
            }
        }
        block = values
        blockStart = start
    }
}

/// Turns `permutation` (position → value, every value in 0..<count once) into its inverse, in
/// place: each cycle is followed once, entries done so far marked by their complement (negative).
func invertPermutationInPlace(_ permutation: inout [Int32]) {
    permutation.withUnsafeMutableBufferPointer { p in
        for start in 0..<p.count where p[start] >= 0 {
            var previous = start
            var current = Int(p[start])
            while current != start {
                let next = Int(p[current])
                p[current] = ~Int32(previous)
                previous = current
                current = next
            }
            p[start] = ~Int32(previous)
        }
        for index in 0..<p.count { p[index] = ~p[index] }
    }
}
