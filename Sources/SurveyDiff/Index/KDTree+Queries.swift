/// Queries. Each walks the tree depth first with a small stack, nearer child first, and skips
/// every node whose box cannot hold an answer. Each keeps its own copy of that walk: one shared
/// walk taking the per-node work as a closure gave the same answers but took M3C2 from 1.43 to
/// 1.98 s on the benchmark (the closures' sums left registers for memory).
extension KDTree {
    /// The tree position and squared distance of the point nearest to `query`, no farther than
    /// `maximumDistance`; nil when there is none.
    public func nearest(
        to query: SIMD3<Double>, maximumDistance: Double = .infinity
    ) -> (position: Int, distanceSquared: Double)? {
        guard count > 0 else { return nil }
        precondition(contents.contains(.points), "nearest-neighbour queries need a tree keeping its points")
        var best = maximumDistance.isFinite ? maximumDistance * maximumDistance : Double.infinity
        var bestPosition = -1
        nodes.withUnsafeBufferPointer { nodes in
            points.withUnsafeBufferPointer { points in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 96) { stack in
                    stack[0] = 0
                    var depth = 1
                    while depth > 0 {
                        depth -= 1
                        let node = nodes[Int(stack[depth])]
                        if boxDistanceSquared(query, node.lower, node.upper) >= best { continue }
                        if node.right < 0 {
                            for position in Int(node.start)..<Int(node.end) {
                                let dx = points[3 * position] - query.x
                                let dy = points[3 * position + 1] - query.y
                                let dz = points[3 * position + 2] - query.z
                                let d = dx * dx + dy * dy + dz * dz
                                if d < best {
                                    best = d
                                    bestPosition = position
                                }
                            }
                            continue
                        }
                        pushChildren(of: Int(stack[depth]), node, nodes, query: query, bound: best, stack, &depth)
                    }
                }
            }
        }
        return bestPosition < 0 ? nil : (bestPosition, best)
    }

    /// The `k` points nearest to `query`, nearest first, as tree positions with squared distances.
    public func nearest(_ k: Int, to query: SIMD3<Double>) -> [(position: Int, distanceSquared: Double)] {
        var found = [(position: Int, distanceSquared: Double)]()
        guard k > 0, count > 0 else { return found }
        precondition(contents.contains(.points), "nearest-neighbour queries need a tree keeping its points")
        found.reserveCapacity(k + 1)
        var worst = Double.infinity
        nodes.withUnsafeBufferPointer { nodes in
            points.withUnsafeBufferPointer { points in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 96) { stack in
                    stack[0] = 0
                    var depth = 1
                    while depth > 0 {
                        depth -= 1
                        let node = nodes[Int(stack[depth])]
                        if boxDistanceSquared(query, node.lower, node.upper) >= worst { continue }
                        if node.right < 0 {
                            for position in Int(node.start)..<Int(node.end) {
                                let dx = points[3 * position] - query.x
                                let dy = points[3 * position + 1] - query.y
                                let dz = points[3 * position + 2] - query.z
                                let d = dx * dx + dy * dy + dz * dz
                                guard d < worst else { continue }
                                var slot = found.count
                                while slot > 0 && found[slot - 1].distanceSquared > d { slot -= 1 }
                                found.insert((position, d), at: slot)
                                if found.count > k { found.removeLast() }
                                if found.count == k { worst = found[k - 1].distanceSquared }
                            }
                            continue
                        }
                        pushChildren(of: Int(stack[depth]), node, nodes, query: query, bound: worst, stack, &depth)
                    }
                }
            }
        }
        return found
    }

    /// Calls `body(position, distanceSquared)` for every point within `radius` of `query`, in
    /// no particular order.
    @inline(__always)
    public func forEach(within radius: Double, of query: SIMD3<Double>, _ body: (Int, Double) -> Void) {
        guard count > 0, radius >= 0 else { return }
        precondition(contents.contains(.points), "radius queries need a tree keeping its points")
        let limit = radius * radius
        nodes.withUnsafeBufferPointer { nodes in
            points.withUnsafeBufferPointer { points in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 96) { stack in
                    stack[0] = 0
                    var depth = 1
                    while depth > 0 {
                        depth -= 1
                        let index = Int(stack[depth])
                        let node = nodes[index]
                        if boxDistanceSquared(query, node.lower, node.upper) > limit { continue }
                        if node.right < 0 {
                            for position in Int(node.start)..<Int(node.end) {
                                let dx = points[3 * position] - query.x
                                let dy = points[3 * position + 1] - query.y
                                let dz = points[3 * position + 2] - query.z
                                let d = dx * dx + dy * dy + dz * dz
                                if d <= limit { body(position, d) }
                            }
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
}

extension KDTree {
    /// Count, sum and sum of squares of `along` over the points inside the cylinder through
    /// `center` with unit `axis`, radius `radius` and half-length `halfLength`; `along` is a
    /// point's signed distance from `center` along `axis`. Nodes are pruned by the box around the
    /// axis segment and by their centre's distance from the axis line; a node whose box lies
    /// wholly inside (all eight corners: the cylinder is convex) adds its stored moments in one step.
    public func cylinderMoments(
        center: SIMD3<Double>, axis: SIMD3<Double>, radius: Double, halfLength: Double
    ) -> (count: Int, sum: Double, sumSquares: Double) {
        var count = 0
        var sum = 0.0
        var sumSquares = 0.0
        guard self.count > 0, radius >= 0, halfLength >= 0 else { return (0, 0, 0) }
        precondition(answersSurfaceQueries, "cylinder queries need a tree not built nearest-only")
        let cylinder = Cylinder(center: center, axis: axis, radius: radius, halfLength: halfLength)
        let radiusSquared = cylinder.radiusSquared
        @inline(__always) func inside(_ p: SIMD3<Double>) -> Bool { cylinder.contains(p) }
        let floatAxis = SIMD3<Float>(axis)
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
                            if cylinder.misses(node) { continue }
                            if node.count >= 8 {
                                let lo = node.lower
                                let hi = node.upper
                                if inside(lo) && inside(hi) && inside(SIMD3(hi.x, lo.y, lo.z))
                                    && inside(SIMD3(lo.x, hi.y, lo.z))
                                    && inside(SIMD3(lo.x, lo.y, hi.z)) && inside(SIMD3(hi.x, hi.y, lo.z))
                                    && inside(SIMD3(hi.x, lo.y, hi.z)) && inside(SIMD3(lo.x, hi.y, hi.z))
                                {
                                    let n = Double(node.count)
                                    let whole = moments[index]
                                    let t = dot(whole.mean - center, axis)
                                    count += node.count
                                    sum += n * t
                                    sumSquares += whole.spread.quadratic(axis) + n * t * t
                                    continue
                                }
                            }
                            if node.right < 0 {
                                // Four points at a time, in Float offsets from the leaf's origin.
                                let c = SIMD3<Float>(center - origins[index])
                                let limits = (Float(halfLength), Float(radiusSquared))
                                var inside = SIMD4<Float>.zero
                                var along = SIMD4<Float>.zero
                                var alongSquared = SIMD4<Float>.zero
                                var position = Int(node.start)
                                let end = Int(node.end)
                                while position < end {
                                    let x = load(offsets, position) - c.x
                                    let y = load(offsets, stride + position) - c.y
                                    let z = load(offsets, 2 * stride + position) - c.z
                                    let t = x * floatAxis.x + y * floatAxis.y + z * floatAxis.z
                                    let across = x * x + y * y + z * z - t * t
                                    let mask =
                                        (t .<= limits.0) .& (t .>= -limits.0) .& (across .<= limits.1)
                                        .& (lanes .< Int32(truncatingIfNeeded: end - position))
                                    let w = SIMD4<Float>.zero.replacing(with: 1, where: mask)
                                    inside += w
                                    along += w * t
                                    alongSquared += w * t * t
                                    position += 4
                                }
                                count += Int(inside.sum())
                                sum += Double(along.sum())
                                sumSquares += Double(alongSquared.sum())
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
        return (count, sum, sumSquares)
    }
}

/// Four Floats from `buffer` at `offset` (the buffer is padded so that a read past a leaf's
/// last point stays inside it).
@inline(__always)
func load(_ buffer: UnsafeBufferPointer<Float>, _ offset: Int) -> SIMD4<Float> {
    UnsafeRawPointer(buffer.baseAddress.unsafelyUnwrapped + offset).loadUnaligned(as: SIMD4<Float>.self)
}

extension KDTree {
    /// The signed distance along `axis` from `center` of every point inside the cylinder (same
    /// cylinder as ``cylinderMoments(center:axis:radius:halfLength:)``), in no particular order:
    /// for statistics that need the values themselves, such as a median.
    public func cylinderPositions(
        center: SIMD3<Double>, axis: SIMD3<Double>, radius: Double, halfLength: Double
    ) -> [Double] {
        var found = [Double]()
        guard self.count > 0, radius >= 0, halfLength >= 0 else { return found }
        precondition(answersSurfaceQueries, "cylinder queries need a tree not built nearest-only")
        let cylinder = Cylinder(center: center, axis: axis, radius: radius, halfLength: halfLength)
        let stride = self.count + 4
        nodes.withUnsafeBufferPointer { nodes in
            leafOffsets.withUnsafeBufferPointer { offsets in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 96) { stack in
                    stack[0] = 0
                    var depth = 1
                    while depth > 0 {
                        depth -= 1
                        let index = Int(stack[depth])
                        let node = nodes[index]
                        if cylinder.misses(node) { continue }
                        if node.right < 0 {
                            let c = center - leafOrigins[index]
                            for position in Int(node.start)..<Int(node.end) {
                                let dx = Double(offsets[position]) - c.x
                                let dy = Double(offsets[stride + position]) - c.y
                                let dz = Double(offsets[2 * stride + position]) - c.z
                                let t = dx * axis.x + dy * axis.y + dz * axis.z
                                guard abs(t) <= halfLength else { continue }
                                if dx * dx + dy * dy + dz * dz - t * t <= cylinder.radiusSquared { found.append(t) }
                            }
                            continue
                        }
                        stack[depth] = Int32(node.right)
                        stack[depth + 1] = Int32(index + 1)
                        depth += 2
                    }
                }
            }
        }
        return found
    }
}

/// A finite cylinder for tree queries: the axis through `center`, `radius` around it and
/// `halfLength` along it either way.
struct Cylinder {
    let center: SIMD3<Double>
    let axis: SIMD3<Double>
    let radius: Double
    let halfLength: Double
    let radiusSquared: Double
    /// The box around the axis segment, widened by the radius.
    let lower: SIMD3<Double>
    let upper: SIMD3<Double>

    init(center: SIMD3<Double>, axis: SIMD3<Double>, radius: Double, halfLength: Double) {
        self.center = center
        self.axis = axis
        self.radius = radius
        self.halfLength = halfLength
        radiusSquared = radius * radius
        let end1 = center + axis * halfLength
        let end2 = center - axis * halfLength
        lower = pointwiseMin(end1, end2) - SIMD3(repeating: radius)
        upper = pointwiseMax(end1, end2) + SIMD3(repeating: radius)
    }

    @inline(__always)
    func contains(_ p: SIMD3<Double>) -> Bool {
        let offset = p - center
        let t = dot(offset, axis)
        return abs(t) <= halfLength && (offset * offset).sum() - t * t <= radiusSquared
    }

    /// True when no point of `node` can be inside: its box misses the segment's box, or the
    /// sphere around its box misses the cylinder.
    @inline(__always)
    func misses(_ node: KDTree.Node) -> Bool {
        if any(node.lower .> upper) || any(node.upper .< lower) { return true }
        let middle = (node.lower + node.upper) * 0.5
        let halfDiagonal = length(node.upper - node.lower) * 0.5
        let offset = middle - center
        let along = dot(offset, axis)
        let across = (offset * offset).sum() - along * along
        let reach = radius + halfDiagonal
        return across > reach * reach || abs(along) > halfLength + halfDiagonal
    }
}

/// Pushes the children of internal node `index` (of a k-d tree or a triangle hierarchy, which
/// share the node layout) for a nearest-first search: the nearer child last, so it is popped
/// first, and the farther only if its box is closer than `bound` (squared).
@inline(__always)
func pushChildren(
    of index: Int, _ node: KDTree.Node, _ nodes: UnsafeBufferPointer<KDTree.Node>, query: SIMD3<Double>,
    bound: Double, _ stack: UnsafeMutableBufferPointer<Int32>, _ depth: inout Int
) {
    let left = index + 1
    let right = Int(node.right)
    let leftDistance = boxDistanceSquared(query, nodes[left].lower, nodes[left].upper)
    let rightDistance = boxDistanceSquared(query, nodes[right].lower, nodes[right].upper)
    let (near, far, farDistance) =
        leftDistance <= rightDistance ? (left, right, rightDistance) : (right, left, leftDistance)
    if farDistance < bound {
        stack[depth] = Int32(far)
        depth += 1
    }
    stack[depth] = Int32(near)
    depth += 1
}
