import Dispatch

/// A bounding-volume hierarchy over a mesh's triangles for exact nearest-triangle queries.
///
/// Flat and array-backed like `KDTree`: triangles are ordered by a median split of their
/// centroids on the widest axis; each node keeps the box around its triangles' vertices. Only
/// triangle numbers are stored; vertices are read from the mesh's own arrays.
public struct TriangleBVH: Sendable {
    /// A k-d tree's node: a box, a range of triangles in tree order, the right child (-1 for a leaf).
    typealias Node = KDTree.Node

    let positions: [Double]
    let triangles: [UInt32]
    /// Triangle numbers in tree order.
    let order: [Int32]
    let nodes: [Node]
    /// At most this many triangles a leaf (between half of it and it). Each doubling halves the
    /// nodes (64 bytes each): 33 MB for a million triangles at 4, 8 MB at 16, 4 MB at 32. The
    /// benchmark's C2M took 1.06-1.12 s at 4 and 8, 1.15 at 16 and 1.25-1.31 s at 32, which keeps
    /// C2M's peak within twice its inputs (90 MiB against 92).
    static let leafSize = 32

    public var triangleCount: Int { order.count }

    /// Builds the hierarchy over `triangles` (three vertex indices each, all in range) of
    /// `positions` (x, y, z interleaved). Triangles with a non-finite vertex are left out.
    public init(positions: [Double], triangles: [UInt32]) {
        self.positions = positions
        self.triangles = triangles
        // The triangles' centroids are ordered like a k-d tree's points, their indices with them:
        // as Float offsets from the first vertex, for they only order the triangles (the boxes
        // come from the vertices themselves), in half the memory of doubles (12 MB a million).
        var origin = SIMD3<Double>.zero
        if let first = triangles.first.map(Int.init) {
            let p = SIMD3(positions[3 * first], positions[3 * first + 1], positions[3 * first + 2])
            if p.x.isFinite && p.y.isFinite && p.z.isFinite { origin = p }
        }
        var centroids = [Float]()
        var indices = [Int32]()
        centroids.reserveCapacity(triangles.count)
        indices.reserveCapacity(triangles.count / 3)
        for triangle in 0..<(triangles.count / 3) {
            var centroid = SIMD3<Double>.zero
            for corner in 0..<3 {
                let v = Int(triangles[3 * triangle + corner])
                centroid += SIMD3(positions[3 * v], positions[3 * v + 1], positions[3 * v + 2])
            }
            guard centroid.x.isFinite, centroid.y.isFinite, centroid.z.isFinite else { continue }
            centroid = centroid / 3 - origin
            centroids += [Float(centroid.x), Float(centroid.y), Float(centroid.z)]
            indices.append(Int32(triangle))
        }
        let count = indices.count
        var nodes = [Node](
            repeating: Node(lower: .zero, upper: .zero, start: 0, end: 0, right: -1),
            count: max(TriangleBVH.nodeCount(count), 1))
        centroids.withUnsafeMutableBufferPointer { centroids in
            indices.withUnsafeMutableBufferPointer { indices in
                nodes.withUnsafeMutableBufferPointer { nodes in
                    let records = KDTree.BuildRecords(points: centroids, indices: indices)
                    let shared = UncheckedSendable((records, nodes))
                    buildTree(count: count, parallelBelow: 16_384) { task in
                        TriangleBVH.split(task.node, task.start, task.end, shared.value.0, shared.value.1)
                    }
                }
            }
        }
        order = indices
        // Boxes bottom-up: in pre-order, children come after their parent.
        let order = self.order
        for index in stride(from: nodes.count - 1, through: 0, by: -1) where count > 0 {
            var lower = SIMD3<Double>(repeating: .infinity)
            var upper = SIMD3<Double>(repeating: -.infinity)
            if nodes[index].right < 0 {
                for slot in Int(nodes[index].start)..<Int(nodes[index].end) {
                    let triangle = Int(order[slot])
                    for corner in 0..<3 {
                        let v = Int(triangles[3 * triangle + corner])
                        let p = SIMD3(positions[3 * v], positions[3 * v + 1], positions[3 * v + 2])
                        lower = pointwiseMin(lower, p)
                        upper = pointwiseMax(upper, p)
                    }
                }
            } else {
                let left = nodes[index + 1]
                let right = nodes[Int(nodes[index].right)]
                lower = pointwiseMin(left.lower, right.lower)
                upper = pointwiseMax(left.upper, right.upper)
            }
            nodes[index].lower = lower
            nodes[index].upper = upper
        }
        self.nodes = nodes
    }

    static func nodeCount(_ count: Int) -> Int {
        count <= leafSize ? 1 : 1 + nodeCount(count / 2) + nodeCount(count - count / 2)
    }

    static func split(
        _ node: Int, _ start: Int, _ end: Int, _ records: KDTree.BuildRecords<Float>,
        _ nodes: UnsafeMutableBufferPointer<Node>
    ) -> ((node: Int, start: Int, end: Int), (node: Int, start: Int, end: Int))? {
        let count = end - start
        guard count > leafSize else {
            nodes[node] = Node(lower: .zero, upper: .zero, start: Int32(start), end: Int32(end), right: -1)
            return nil
        }
        let (lower, upper) = records.bounds(start, end)
        let middle = start + count / 2
        KDTree.select(records, start, end, middle, KDTree.widestAxis(upper - lower))
        let right = node + 1 + nodeCount(count / 2)
        nodes[node] = Node(lower: .zero, upper: .zero, start: Int32(start), end: Int32(end), right: Int32(right))
        return ((node + 1, start, middle), (right, middle, end))
    }

    @inline(__always)
    func vertex(_ index: UInt32) -> SIMD3<Double> {
        let v = Int(index)
        return SIMD3(positions[3 * v], positions[3 * v + 1], positions[3 * v + 2])
    }

    /// The closest point of the mesh to `query`: its triangle, the point, and the signed distance
    /// (positive on the side the triangle's winding makes its front, counter-clockwise).
    public func closest(to query: SIMD3<Double>) -> (triangle: Int, point: SIMD3<Double>, signedDistance: Double)? {
        guard !order.isEmpty else { return nil }
        var best = Double.infinity
        var bestTriangle = -1
        var bestPoint = SIMD3<Double>.zero
        nodes.withUnsafeBufferPointer { nodes in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 96) { stack in
                stack[0] = 0
                var depth = 1
                while depth > 0 {
                    depth -= 1
                    let index = Int(stack[depth])
                    let node = nodes[index]
                    if boxDistanceSquared(query, node.lower, node.upper) >= best { continue }
                    if node.right < 0 {
                        for slot in Int(node.start)..<Int(node.end) {
                            let triangle = Int(order[slot])
                            let a = vertex(triangles[3 * triangle])
                            let b = vertex(triangles[3 * triangle + 1])
                            let c = vertex(triangles[3 * triangle + 2])
                            let p = closestPointOnTriangle(query, a, b, c)
                            let offset = query - p
                            let d = (offset * offset).sum()
                            if d < best {
                                best = d
                                bestTriangle = triangle
                                bestPoint = p
                            }
                        }
                        continue
                    }
                    pushChildren(of: index, node, nodes, query: query, bound: best, stack, &depth)
                }
            }
        }
        guard bestTriangle >= 0 else { return nil }
        let a = vertex(triangles[3 * bestTriangle])
        let b = vertex(triangles[3 * bestTriangle + 1])
        let c = vertex(triangles[3 * bestTriangle + 2])
        let normal = cross(b - a, c - a)
        let distance = best.squareRoot()
        return (bestTriangle, bestPoint, dot(query - bestPoint, normal) < 0 ? -distance : distance)
    }
}

/// The point of triangle abc nearest to p (Ericson, Real-Time Collision Detection, 5.1.5).
@inline(__always)
func closestPointOnTriangle(
    _ p: SIMD3<Double>, _ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>
) -> SIMD3<Double> {
    let ab = b - a
    let ac = c - a
    let ap = p - a
    let d1 = dot(ab, ap)
    let d2 = dot(ac, ap)
    if d1 <= 0 && d2 <= 0 { return a }
    let bp = p - b
    let d3 = dot(ab, bp)
    let d4 = dot(ac, bp)
    if d3 >= 0 && d4 <= d3 { return b }
    let vc = d1 * d4 - d3 * d2
    if vc <= 0 && d1 >= 0 && d3 <= 0 {
        let v = d1 / (d1 - d3)
        return a + v * ab
    }
    let cp = p - c
    let d5 = dot(ab, cp)
    let d6 = dot(ac, cp)
    if d6 >= 0 && d5 <= d6 { return c }
    let vb = d5 * d2 - d1 * d6
    if vb <= 0 && d2 >= 0 && d6 <= 0 {
        let w = d2 / (d2 - d6)
        return a + w * ac
    }
    let va = d3 * d6 - d5 * d4
    if va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0 {
        let w = (d4 - d3) / ((d4 - d3) + (d5 - d6))
        return b + w * (c - b)
    }
    let denominator = va + vb + vc
    guard denominator != 0, denominator.isFinite else { return a }  // a degenerate triangle
    let v = vb / denominator
    let w = vc / denominator
    return a + ab * v + ac * w
}
