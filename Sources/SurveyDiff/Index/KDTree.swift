import Dispatch

/// A flat, array-backed k-d tree over 3-D points, for nearest-neighbour, k-nearest, radius and
/// cylinder queries.
///
/// The tree takes over the array of positions it is given and reorders it in place into tree
/// order, so a leaf's points sit next to each other in memory and no copy is made (hand it over
/// with `consume`, or a copy is made for you). Every node keeps the box around its points, which
/// prunes tighter than split planes alone and makes cylinder queries cheap. Built on all cores:
/// the top levels split serially, the subtrees below them in parallel.
public struct KDTree: Sendable {
    /// A node's box and its range of points. The box's corners are stored as six doubles, not
    /// two SIMD3s (each padded to 32 bytes): 64 bytes a node instead of 96.
    struct Node {
        private var lowerX, lowerY, lowerZ: Double
        private var upperX, upperY, upperZ: Double
        var start: Int32
        var end: Int32
        /// Index of the right child; the left child is the next node. -1 for a leaf.
        var right: Int32

        init(lower: SIMD3<Double>, upper: SIMD3<Double>, start: Int32, end: Int32, right: Int32) {
            (lowerX, lowerY, lowerZ) = (lower.x, lower.y, lower.z)
            (upperX, upperY, upperZ) = (upper.x, upper.y, upper.z)
            self.start = start
            self.end = end
            self.right = right
        }

        var lower: SIMD3<Double> {
            @inline(__always) get { SIMD3(lowerX, lowerY, lowerZ) }
            set { (lowerX, lowerY, lowerZ) = (newValue.x, newValue.y, newValue.z) }
        }

        var upper: SIMD3<Double> {
            @inline(__always) get { SIMD3(upperX, upperY, upperZ) }
            set { (upperX, upperY, upperZ) = (newValue.x, newValue.y, newValue.z) }
        }

        var count: Int { Int(end - start) }
    }

    /// What a tree keeps beyond its nodes, and so which queries it answers.
    public struct Contents: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// The points in tree order (24 bytes each): nearest, k-nearest and radius queries,
        /// planes through k neighbours, `point(at:)`.
        public static let points = Contents(rawValue: 1)
        /// Each tree position's input index (4 bytes each): `inputIndex(_:)`, `indices`.
        public static let indices = Contents(rawValue: 2)
        /// Node moments and per-point Float leaf offsets (12 bytes each): sphere-plane and
        /// cylinder queries (normals, M3C2), boundary leaves four points at a time. Implies
        /// `.moments`.
        public static let surface = Contents(rawValue: 4)
        /// Node moments only: sphere-plane queries with `.points`, boundary leaves read one point
        /// at a time from the points. Slower than `.surface`, in 12 bytes a point less.
        public static let moments = Contents(rawValue: 8)
        public static let all: Contents = [.points, .indices, .surface]
    }

    /// Points in tree order, x, y, z interleaved (empty without `.points`).
    private(set) var points: [Double]
    /// The input index of the point at each tree position (empty without `.indices`).
    public private(set) var indices: [Int32]
    let nodes: [Node]
    /// Per node, in the same order: the mean of its points and the sums of their centred outer
    /// products, so a neighbourhood that holds a whole node takes its moments in one step. Kept
    /// apart from the nodes so that traversals read only boxes and ranges.
    private(set) var moments: [Moments]
    /// Points a leaf holds at most by default (between half of it and it).
    public static let leafSize = 32

    struct Moments {
        var mean = SIMD3<Double>.zero
        var spread = SymmetricMatrix3()
    }

    /// Points in the tree (those with finite coordinates).
    public let count: Int
    public private(set) var contents: Contents

    /// Builds the tree over `positions` (x, y, z interleaved), which it reorders in place and
    /// keeps as its points (with `.points`) or lets go once built. Points with a non-finite
    /// coordinate are left out. `contents` says what is kept: a tree for nearest-neighbour
    /// distances needs only `.points`, one for M3C2's cylinders only `.surface`. A larger
    /// `leafSize` makes fewer nodes (64 bytes each, and 80 more with moments) and slower queries.
    public init(positions: consuming [Double], keeping contents: Contents = .all, leafSize: Int = KDTree.leafSize) {
        precondition(leafSize >= 1, "a leaf holds at least one point")
        var storage = positions
        let total = storage.count / 3
        precondition(total < Int(Int32.max), "a k-d tree holds fewer than 2^31 points")
        // Finite points are moved to the front, in order.
        var indices = [Int32]()
        if contents.contains(.indices) { indices.reserveCapacity(total) }
        var count = 0
        storage.withUnsafeMutableBufferPointer { p in
            for index in 0..<total {
                let (x, y, z) = (p[3 * index], p[3 * index + 1], p[3 * index + 2])
                guard x.isFinite, y.isFinite, z.isFinite else { continue }
                if count != index { (p[3 * count], p[3 * count + 1], p[3 * count + 2]) = (x, y, z) }
                if contents.contains(.indices) { indices.append(Int32(index)) }
                count += 1
            }
        }
        storage.removeLast(3 * (total - count))
        let nodeTotal = KDTree.nodeCount(count, leafSize: leafSize)
        var nodes = [Node](
            repeating: Node(lower: .zero, upper: .zero, start: 0, end: 0, right: -1), count: max(nodeTotal, 1))
        storage.withUnsafeMutableBufferPointer { points in
            indices.withUnsafeMutableBufferPointer { indices in
                nodes.withUnsafeMutableBufferPointer { nodes in
                    let records = BuildRecords(points: points, indices: indices)
                    let shared = UncheckedSendable((records, nodes))
                    buildTree(count: count, parallelBelow: 32_768) { task in
                        KDTree.split(
                            task.node, task.start, task.end, shared.value.0, shared.value.1, leafSize: leafSize)
                    }
                }
            }
        }
        var contents = contents
        if contents.contains(.surface) { contents.insert(.moments) }
        moments = contents.contains(.moments) ? KDTree.accumulateMoments(storage, nodes) : []
        if contents.contains(.surface) {
            (leafOffsets, leafOrigins) = KDTree.leafOffsets(storage, nodes)
        } else {
            (leafOffsets, leafOrigins) = ([], [])
        }
        self.count = count
        self.contents = contents
        self.nodes = nodes
        self.indices = indices
        points = contents.contains(.points) ? storage : []
    }

    /// The same tree keeping only `contents` (a subset of what it has): what is dropped is let
    /// go, e.g. the points of an epoch's tree once alignment is done and only cylinders remain.
    public consuming func keeping(_ contents: Contents) -> KDTree {
        var tree = self
        if !contents.contains(.points) { tree.points = [] }
        if !contents.contains(.indices) { tree.indices = [] }
        if !contents.contains(.surface) { (tree.leafOffsets, tree.leafOrigins) = ([], []) }
        if !contents.contains(.surface) && !contents.contains(.moments) { tree.moments = [] }
        tree.contents = tree.contents.intersection(contents.contains(.surface) ? contents.union(.moments) : contents)
        return tree
    }

    /// The tree without its input indices, and the indices, handed over (not copied).
    consuming func takingIndices() -> (tree: KDTree, indices: [Int32]) {
        var tree = self
        let indices = tree.indices
        tree.indices = []
        tree.contents.remove(.indices)
        return (tree, indices)
    }

    /// Hands over the points (tree order) and their input indices, the tree's last use: taken
    /// from a uniquely held tree, neither array is copied when the taker changes it.
    consuming func takePointsAndIndices() -> (points: [Double], indices: [Int32]) {
        var tree = self
        let taken = (tree.points, tree.indices)
        (tree.points, tree.indices) = ([], [])
        return taken
    }

    /// Per tree position, x, y, z (each a block padded by 4) as Float offsets from the point's
    /// leaf origin, the centre of the leaf's box: 4-wide loops over boundary leaves in the
    /// sphere and cylinder queries. Offsets within a leaf are small, so Float keeps them to
    /// better than a micrometre for leaves up to metres wide.
    private(set) var leafOffsets: [Float]
    /// Per node, the origin of its offsets (set for leaves).
    private(set) var leafOrigins: [SIMD3<Double>]

    static func leafOffsets(_ points: [Double], _ nodes: [Node]) -> ([Float], [SIMD3<Double>]) {
        let count = points.count / 3
        let stride = count + 4
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
                            out.value.0[position] = Float(points[3 * position] - origin.x)
                            out.value.0[stride + position] = Float(points[3 * position + 1] - origin.y)
                            out.value.0[2 * stride + position] = Float(points[3 * position + 2] - origin.z)
                        }
                    }
                }
            }
        }
        return (offsets, origins)
    }

    /// The points (and input indices, when kept) being ordered by the build, swapped together.
    /// `Scalar` is `Double` for a tree's points; the triangle hierarchy orders Float centroids
    /// (only their order matters there, and they take half the memory).
    struct BuildRecords<Scalar: BinaryFloatingPoint> {
        let points: UnsafeMutableBufferPointer<Scalar>
        let indices: UnsafeMutableBufferPointer<Int32>

        @inline(__always) func key(_ i: Int, _ axis: Int) -> Scalar { points[3 &* i &+ axis] }

        /// The box around points `start..<end`.
        func bounds(_ start: Int, _ end: Int) -> (lower: SIMD3<Double>, upper: SIMD3<Double>) {
            var (lowX, lowY, lowZ) = (Scalar.infinity, Scalar.infinity, Scalar.infinity)
            var (highX, highY, highZ) = (-Scalar.infinity, -Scalar.infinity, -Scalar.infinity)
            for position in start..<end {
                let (x, y, z) = (points[3 * position], points[3 * position + 1], points[3 * position + 2])
                lowX = min(lowX, x)
                lowY = min(lowY, y)
                lowZ = min(lowZ, z)
                highX = max(highX, x)
                highY = max(highY, y)
                highZ = max(highZ, z)
            }
            return (
                SIMD3(Double(lowX), Double(lowY), Double(lowZ)), SIMD3(Double(highX), Double(highY), Double(highZ))
            )
        }

        @inline(__always) func swapAt(_ a: Int, _ b: Int) {
            let (a3, b3) = (3 &* a, 3 &* b)
            (points[a3], points[b3]) = (points[b3], points[a3])
            (points[a3 &+ 1], points[b3 &+ 1]) = (points[b3 &+ 1], points[a3 &+ 1])
            (points[a3 &+ 2], points[b3 &+ 2]) = (points[b3 &+ 2], points[a3 &+ 2])
            if !indices.isEmpty { indices.swapAt(a, b) }
        }
    }

    /// Every node's mean and centred second moments: leaves from their points, parents by
    /// combining their children (Chan's parallel formula; children follow their parent in pre-order).
    static func accumulateMoments(_ points: [Double], _ nodes: [Node]) -> [Moments] {
        var moments = [Moments](repeating: Moments(), count: nodes.count)
        guard !points.isEmpty else { return moments }
        for index in stride(from: nodes.count - 1, through: 0, by: -1) {
            let node = nodes[index]
            if node.right < 0 {
                var sum = SIMD3<Double>.zero
                for position in Int(node.start)..<Int(node.end) {
                    sum += SIMD3(points[3 * position], points[3 * position + 1], points[3 * position + 2])
                }
                let mean = sum / Double(max(node.count, 1))
                var spread = SymmetricMatrix3()
                for position in Int(node.start)..<Int(node.end) {
                    let d = SIMD3(points[3 * position], points[3 * position + 1], points[3 * position + 2]) - mean
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

    /// The axis along which `extent` is largest (x on ties).
    static func widestAxis(_ extent: SIMD3<Double>) -> Int {
        extent.x >= extent.y && extent.x >= extent.z ? 0 : (extent.y >= extent.z ? 1 : 2)
    }

    /// Nodes in a subtree of `count` points: halves are split until a leaf holds `leafSize`.
    static func nodeCount(_ count: Int, leafSize: Int) -> Int {
        count <= leafSize
            ? 1 : 1 + nodeCount(count / 2, leafSize: leafSize) + nodeCount(count - count / 2, leafSize: leafSize)
    }

    /// Fills node `node` for records `start..<end`; if it is not a leaf, partitions the records
    /// at the median of the widest axis and returns the two children's tasks.
    static func split(
        _ node: Int, _ start: Int, _ end: Int, _ records: BuildRecords<Double>,
        _ nodes: UnsafeMutableBufferPointer<Node>, leafSize: Int
    ) -> ((node: Int, start: Int, end: Int), (node: Int, start: Int, end: Int))? {
        let (lower, upper) = records.bounds(start, end)
        let count = end - start
        guard count > leafSize else {
            nodes[node] = Node(lower: lower, upper: upper, start: Int32(start), end: Int32(end), right: -1)
            return nil
        }
        let middle = start + count / 2
        select(records, start, end, middle, widestAxis(upper - lower))
        let right = node + 1 + nodeCount(count / 2, leafSize: leafSize)
        nodes[node] = Node(lower: lower, upper: upper, start: Int32(start), end: Int32(end), right: Int32(right))
        return ((node + 1, start, middle), (right, middle, end))
    }

    /// Reorders `records[start..<end]` so that record `k` holds the point that sorting on `axis`
    /// would put there, smaller-or-equal ones before it and larger-or-equal after.
    ///
    /// The pivot is the sample element of k's rank among up to 127 evenly spaced keys (Floyd and
    /// Rivest's idea), so one pass leaves only a few per cent of the range to search, and the
    /// pass is a block partition (Edelkamp and Weiß's BlockQuicksort) that records which points
    /// are on the wrong side without branching on them: coordinates in random order would
    /// otherwise mispredict every other comparison. Three times faster than median-of-three
    /// quickselect on 1M scanner points.
    static func select<Scalar>(_ records: BuildRecords<Scalar>, _ start: Int, _ end: Int, _ k: Int, _ axis: Int) {
        guard end - start > 1 else { return }
        // The coordinate is read at a fixed offset: no branch on the axis per comparison.
        let points = records.points
        @inline(__always) func key(_ i: Int) -> Scalar { points[3 &* i &+ axis] }
        var low = start
        var high = end  // the range still to search is low..<high
        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: 127) { sample in
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
                    let split = partition(records, low, high, offsets) { key($0) < pivot }
                    if k < split {
                        high = split
                    } else if split > low {
                        low = split
                    } else {
                        // Nothing is below the pivot: it is the range's minimum. Set its copies
                        // aside; k is among them or beyond them.
                        let equal = partition(records, low, high, offsets) { key($0) <= pivot }
                        if k < equal { return }
                        low = equal
                    }
                }
                // A few items left: insertion sort.
                if high - low > 1 {
                    for i in (low + 1)..<high {
                        var j = i
                        while j > low && key(j - 1) > key(j) {
                            records.swapAt(j - 1, j)
                            j -= 1
                        }
                    }
                }
            }
        }
    }

    static let partitionBlock = 64

    /// Moves the records of `low..<high` for which `goesLeft` holds before the others and returns
    /// where the others start. `offsets` is scratch space for two blocks.
    @inline(__always)
    static func partition<Scalar>(
        _ records: BuildRecords<Scalar>, _ low: Int, _ high: Int,
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
                records.swapAt(
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
            records.swapAt(i, j)
            i += 1
            j -= 1
        }
        return i
    }

    /// The input index of the point at tree position `position` (a tree keeping `.indices`).
    @inline(__always)
    public func inputIndex(_ position: Int) -> Int { Int(indices[position]) }

    /// The point at tree position `position` (a tree keeping `.points`).
    @inline(__always)
    public func point(at position: Int) -> SIMD3<Double> {
        SIMD3(points[3 * position], points[3 * position + 1], points[3 * position + 2])
    }

    /// Whether sphere-plane and cylinder queries can be asked.
    public var answersSurfaceQueries: Bool { count == 0 || contents.contains(.surface) }

    /// Whether sphere-plane queries (`plane(at:radius:)`) can be asked.
    public var answersSpherePlaneQueries: Bool {
        count == 0 || contents.contains(.surface) || contents.isSuperset(of: [.moments, .points])
    }
}

@inline(__always)
func boxDistanceSquared(_ q: SIMD3<Double>, _ lower: SIMD3<Double>, _ upper: SIMD3<Double>) -> Double {
    let dx = max(lower.x - q.x, 0, q.x - upper.x)
    let dy = max(lower.y - q.y, 0, q.y - upper.y)
    let dz = max(lower.z - q.z, 0, q.z - upper.z)
    return dx * dx + dy * dy + dz * dz
}
