import Dispatch

/// A flat, array-backed k-d tree over 3-D points, for nearest-neighbour, k-nearest, radius and
/// cylinder queries.
///
/// The points are copied into tree order, so a leaf's points sit next to each other in memory,
/// each with its input index (the build's own items are kept: no second copy). Every node keeps the box around its
/// points, which prunes tighter than split planes alone and makes cylinder queries cheap.
/// Built on all cores: the top levels split serially, the subtrees below them in parallel.
public struct KDTree: Sendable {
    struct Node {
        var lower: SIMD3<Double>
        var upper: SIMD3<Double>
        var start: Int32
        var end: Int32
        /// Index of the right child; the left child is the next node. -1 for a leaf.
        var right: Int32

        init(lower: SIMD3<Double>, upper: SIMD3<Double>, start: Int32, end: Int32, right: Int32) {
            self.lower = lower
            self.upper = upper
            self.start = start
            self.end = end
            self.right = right
        }

        var count: Int { Int(end - start) }
    }

    /// Points in tree order with their input indices.
    let items: [Item]
    let nodes: [Node]
    /// Per node, in the same order: the mean of its points and the sums of their centred outer
    /// products, so a neighbourhood that holds a whole node takes its moments in one step. Kept
    /// apart from the nodes so that traversals read only boxes and ranges.
    let moments: [Moments]
    static let leafSize = 32

    struct Moments {
        var mean = SIMD3<Double>.zero
        var spread = SymmetricMatrix3()
    }

    public var count: Int { items.count }

    /// The input index of the point at each tree position.
    public var indices: [Int32] { items.map(\.index) }

    /// Builds the tree over `positions` (x, y, z interleaved). Points with a non-finite
    /// coordinate are left out.
    ///
    /// With `nearestOnly`, the tree answers nearest, k-nearest and radius queries (and planes
    /// through k nearest neighbours) but not the sphere-plane and cylinder queries, which need
    /// per-node moments and per-point Float offsets: 16 bytes per point less.
    public init(positions: [Double], nearestOnly: Bool = false) {
        let total = positions.count / 3
        precondition(total < Int(Int32.max), "a k-d tree holds fewer than 2^31 points")
        var items = [Item]()
        items.reserveCapacity(total)
        for index in 0..<total {
            let x = positions[3 * index]
            let y = positions[3 * index + 1]
            let z = positions[3 * index + 2]
            guard x.isFinite, y.isFinite, z.isFinite else { continue }
            items.append(Item(x: x, y: y, z: z, index: Int32(index)))
        }
        let count = items.count
        let nodeTotal = KDTree.nodeCount(count)
        var nodes = [Node](
            repeating: Node(lower: .zero, upper: .zero, start: 0, end: 0, right: -1), count: max(nodeTotal, 1))
        items.withUnsafeMutableBufferPointer { items in
            nodes.withUnsafeMutableBufferPointer { nodes in
                let shared = UncheckedSendable((items, nodes))
                buildTree(count: count, parallelBelow: 32_768) { task in
                    KDTree.split(task.node, task.start, task.end, shared.value.0, shared.value.1)
                }
            }
        }
        if nearestOnly {
            (moments, leafOffsets, leafOrigins) = ([], [], [])
        } else {
            moments = KDTree.accumulateMoments(items, nodes)
            (leafOffsets, leafOrigins) = KDTree.leafOffsets(items, nodes)
        }
        self.nodes = nodes
        self.items = items
    }

    /// Per tree position, x, y, z (each a block padded by 4) as Float offsets from the point's
    /// leaf origin, the centre of the leaf's box: 4-wide loops over boundary leaves in the
    /// sphere and cylinder queries. Offsets within a leaf are small, so Float keeps them to
    /// better than a micrometre for leaves up to metres wide.
    let leafOffsets: [Float]
    /// Per node, the origin of its offsets (set for leaves).
    let leafOrigins: [SIMD3<Double>]

    /// Whether sphere-plane and cylinder queries can be asked (the tree was not built nearest-only).
    public var answersSurfaceQueries: Bool { items.isEmpty || !leafOffsets.isEmpty }

    static func leafOffsets(_ items: [Item], _ nodes: [Node]) -> ([Float], [SIMD3<Double>]) {
        let stride = items.count + 4
        var offsets = [Float](repeating: 0, count: 3 * stride)
        var origins = [SIMD3<Double>](repeating: .zero, count: nodes.count)
        offsets.withUnsafeMutableBufferPointer { offsetBuffer in
            origins.withUnsafeMutableBufferPointer { originBuffer in
                let out = UncheckedSendable((offsetBuffer, originBuffer))
                parallelChunks(nodes.count, minimumChunk: 256) { range in
                    for index in range where nodes[index].right < 0 {
                        let node = nodes[index]
                        let origin = (node.lower + node.upper) * 0.5
                        out.value.1[index] = origin
                        for position in Int(node.start)..<Int(node.end) {
                            let item = items[position]
                            out.value.0[position] = Float(item.x - origin.x)
                            out.value.0[stride + position] = Float(item.y - origin.y)
                            out.value.0[2 * stride + position] = Float(item.z - origin.z)
                        }
                    }
                }
            }
        }
        return (offsets, origins)
    }

    struct Item {
        var x: Double
        var y: Double
        var z: Double
        var index: Int32

        @inline(__always) subscript(axis: Int) -> Double { axis == 0 ? x : axis == 1 ? y : z }
    }

    /// Every node's mean and centred second moments: leaves from their points, parents by
    /// combining their children (Chan's parallel formula; children follow their parent in pre-order).
    static func accumulateMoments(_ items: [Item], _ nodes: [Node]) -> [Moments] {
        var moments = [Moments](repeating: Moments(), count: nodes.count)
        guard !items.isEmpty else { return moments }
        for index in stride(from: nodes.count - 1, through: 0, by: -1) {
            let node = nodes[index]
            if node.right < 0 {
                var sum = SIMD3<Double>.zero
                for position in Int(node.start)..<Int(node.end) {
                    sum += SIMD3(items[position].x, items[position].y, items[position].z)
                }
                let mean = sum / Double(max(node.count, 1))
                var spread = SymmetricMatrix3()
                for position in Int(node.start)..<Int(node.end) {
                    let d = SIMD3(items[position].x, items[position].y, items[position].z) - mean
                    spread.addOuterProduct(d, weight: 1)
                }
                moments[index] = Moments(mean: mean, spread: spread)
            } else {
                let leftCount = nodes[index + 1].count
                let rightCount = nodes[Int(node.right)].count
                let left = moments[index + 1]
                let right = moments[Int(node.right)]
                let n = Double(leftCount + rightCount)
                let delta = right.mean - left.mean
                var spread = left.spread
                spread.add(right.spread)
                spread.addOuterProduct(delta, weight: Double(leftCount) * Double(rightCount) / n)
                moments[index] = Moments(mean: left.mean + delta * (Double(rightCount) / n), spread: spread)
            }
        }
        return moments
    }

    /// Nodes in a subtree of `count` points: halves are split until a leaf holds `leafSize`.
    static func nodeCount(_ count: Int) -> Int {
        count <= leafSize ? 1 : 1 + nodeCount(count / 2) + nodeCount(count - count / 2)
    }

    /// Fills node `node` for items `start..<end`; if it is not a leaf, partitions the items at the
    /// median of the widest axis and returns the two children's tasks.
    static func split(
        _ node: Int, _ start: Int, _ end: Int, _ items: UnsafeMutableBufferPointer<Item>,
        _ nodes: UnsafeMutableBufferPointer<Node>
    ) -> ((node: Int, start: Int, end: Int), (node: Int, start: Int, end: Int))? {
        var (lowX, lowY, lowZ) = (Double.infinity, Double.infinity, Double.infinity)
        var (highX, highY, highZ) = (-Double.infinity, -Double.infinity, -Double.infinity)
        for position in start..<end {
            let item = items[position]
            lowX = min(lowX, item.x)
            lowY = min(lowY, item.y)
            lowZ = min(lowZ, item.z)
            highX = max(highX, item.x)
            highY = max(highY, item.y)
            highZ = max(highZ, item.z)
        }
        let lower = SIMD3(lowX, lowY, lowZ)
        let upper = SIMD3(highX, highY, highZ)
        let count = end - start
        guard count > leafSize else {
            nodes[node] = Node(lower: lower, upper: upper, start: Int32(start), end: Int32(end), right: -1)
            return nil
        }
        let extent = upper - lower
        let axis = extent.x >= extent.y && extent.x >= extent.z ? 0 : (extent.y >= extent.z ? 1 : 2)
        let middle = start + count / 2
        select(items, start, end, middle, axis)
        let right = node + 1 + nodeCount(count / 2)
        nodes[node] = Node(lower: lower, upper: upper, start: Int32(start), end: Int32(end), right: Int32(right))
        return ((node + 1, start, middle), (right, middle, end))
    }

    /// Reorders `items[start..<end]` so that `items[k]` holds the value that sorting on `axis`
    /// would put there, smaller-or-equal ones before it and larger-or-equal after.
    ///
    /// The pivot is the sample element of k's rank among up to 127 evenly spaced keys (Floyd and
    /// Rivest's idea), so one pass leaves only a few per cent of the range to search, and the
    /// pass is a block partition (Edelkamp and Weiß's BlockQuicksort) that records which items
    /// are on the wrong side without branching on them: coordinates in random order would
    /// otherwise mispredict every other comparison. Three times faster than median-of-three
    /// quickselect on 1M scanner points.
    static func select(_ items: UnsafeMutableBufferPointer<Item>, _ start: Int, _ end: Int, _ k: Int, _ axis: Int) {
        guard let base = items.baseAddress, end - start > 1 else { return }
        // The coordinate is read at a fixed byte offset: no branch on the axis per comparison.
        let raw = UnsafeRawPointer(base)
        let stride = MemoryLayout<Item>.stride
        let offset = axis * MemoryLayout<Double>.stride
        @inline(__always) func key(_ i: Int) -> Double {
            raw.load(fromByteOffset: i * stride + offset, as: Double.self)
        }
        var low = start
        var high = end  // the range still to search is low..<high
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 127) { sample in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * partitionBlock) { offsets in
                while high - low > 16 {
                    let n = high - low
                    let m = n > 8192 ? 127 : (n > 512 ? 31 : 7)
                    for j in 0..<m {
                        // Insertion sort as the sample is drawn: it is small.
                        let value = key(low + j * (n - 1) / (m - 1))
                        var slot = j
                        while slot > 0 && sample[slot - 1] > value {
                            sample[slot] = sample[slot - 1]
                            slot -= 1
                        }
                        sample[slot] = value
                    }
                    let pivot = sample[(k - low) * (m - 1) / (n - 1)]
                    let split = partition(items, low, high, offsets) { key($0) < pivot }
                    if k < split {
                        high = split
                    } else if split > low {
                        low = split
                    } else {
                        // Nothing is below the pivot: it is the range's minimum. Set its copies
                        // aside; k is among them or beyond them.
                        let equal = partition(items, low, high, offsets) { key($0) <= pivot }
                        if k < equal { return }
                        low = equal
                    }
                }
                // A few items left: insertion sort.
                if high - low > 1 {
                    for i in (low + 1)..<high {
                        var j = i
                        while j > low && key(j - 1) > key(j) {
                            items.swapAt(j - 1, j)
                            j -= 1
                        }
                    }
                }
            }
        }
    }

    static let partitionBlock = 64

    /// Moves the items of `low..<high` for which `goesLeft` holds before the others and returns
    /// where the others start. `offsets` is scratch space for two blocks.
    @inline(__always)
    static func partition(
        _ items: UnsafeMutableBufferPointer<Item>, _ low: Int, _ high: Int,
        _ offsets: UnsafeMutableBufferPointer<UInt8>,
        _ goesLeft: (Int) -> Bool
    ) -> Int {
        let block = partitionBlock
        var l = low
        var r = high
        var leftCount = 0
        var rightCount = 0
        var leftStart = 0
        var rightStart = 0
        // Invariant: everything before l goes left, everything from r on goes right.
        while r - l >= 2 * block {
            if leftCount == 0 {
                leftStart = 0
                for i in 0..<block {
                    offsets[leftCount] = UInt8(truncatingIfNeeded: i)
                    leftCount &+= 1 &- Int(unsafeBitCast(goesLeft(l &+ i), to: UInt8.self))
                }
            }
            if rightCount == 0 {
                rightStart = 0
                for i in 0..<block {
                    offsets[block + rightCount] = UInt8(truncatingIfNeeded: i)
                    rightCount &+= Int(unsafeBitCast(goesLeft(r &- 1 &- i), to: UInt8.self))
                }
            }
            let pairs = min(leftCount, rightCount)
            for t in 0..<pairs {
                items.swapAt(
                    l + Int(offsets[leftStart + t]), r - 1 - Int(offsets[block + rightStart + t]))
            }
            leftCount -= pairs
            rightCount -= pairs
            leftStart += pairs
            rightStart += pairs
            if leftCount == 0 { l += block }
            if rightCount == 0 { r -= block }
        }
        // What is left (under three blocks, partly sorted out): an ordinary Hoare pass.
        var i = l
        var j = r - 1
        while true {
            while i <= j && goesLeft(i) { i += 1 }
            while i <= j && !goesLeft(j) { j -= 1 }
            if i >= j { break }
            items.swapAt(i, j)
            i += 1
            j -= 1
        }
        return i
    }

    /// The input index of the point at tree position `position`.
    @inline(__always)
    public func inputIndex(_ position: Int) -> Int { Int(items[position].index) }

    /// The point at tree position `position`.
    @inline(__always)
    public func point(at position: Int) -> SIMD3<Double> {
        let item = items[position]
        return SIMD3(item.x, item.y, item.z)
    }
}

@inline(__always)
func boxDistanceSquared(_ q: SIMD3<Double>, _ lower: SIMD3<Double>, _ upper: SIMD3<Double>) -> Double {
    let dx = max(lower.x - q.x, 0, q.x - upper.x)
    let dy = max(lower.y - q.y, 0, q.y - upper.y)
    let dz = max(lower.z - q.z, 0, q.z - upper.z)
    return dx * dx + dy * dy + dz * dz
}
