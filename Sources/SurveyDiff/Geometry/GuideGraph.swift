/// The neighbour graph of an orientation field's guide points, and the propagation of one
/// normal's side to the next over its minimum spanning tree (Hoppe et al. 1992).
struct GuideGraph {
    let centroids: [Double]
    /// Unoriented unit normals; zero for a guide without one.
    let normals: [SIMD3<Float>]
    /// Symmetric adjacency, compressed: guide i's neighbours are `adjacent[offsets[i]..<offsets[i+1]]`.
    private(set) var offsets: [Int] = []
    private(set) var adjacent: [Int32] = []
    /// The guides' typical spacing, the unit of an edge's length in its weight.
    let spacing: Double

    var count: Int { normals.count }

    func position(_ index: Int) -> SIMD3<Double> {
        SIMD3(centroids[3 * index], centroids[3 * index + 1], centroids[3 * index + 2])
    }

    /// An edge leaving both its ends this steeply along their normals crosses from one sheet of
    /// surface to another (the two faces of a thin wall), not along one.
    static let crossingCosine: Float = 0.8

    /// `neighbours`: `width` nearest guides of each guide (-1 where fewer), made symmetric here.
    init(centroids: [Double], normals: [SIMD3<Float>], neighbours: [Int32], width: Int, spacing: Double) {
        self.centroids = centroids
        self.spacing = spacing > 0 ? spacing : 1
        self.normals = normals
        let count = normals.count
        var edges = [UInt64]()
        edges.reserveCapacity(neighbours.count)
        for i in 0..<count where normals[i] != .zero {
            let ni = normals[i]
            let pi = SIMD3<Float>(Float(centroids[3 * i]), Float(centroids[3 * i + 1]), Float(centroids[3 * i + 2]))
            for slot in 0..<width {
                let j = Int(neighbours[i * width + slot])
                guard j >= 0, normals[j] != .zero else { continue }
                let pj = SIMD3<Float>(
                    Float(centroids[3 * j]), Float(centroids[3 * j + 1]), Float(centroids[3 * j + 2]))
                let d = pj - pi
                let size = length(d)
                guard size > 0 else { continue }
                let u = d / size
                if abs(dot(ni, u)) > Self.crossingCosine && abs(dot(normals[j], u)) > Self.crossingCosine { continue }
                let (a, b) = (min(i, j), max(i, j))
                edges.append(UInt64(a) << 32 | UInt64(b))
            }
        }
        edges.sort()
        var degree = [Int](repeating: 0, count: count + 1)
        var previous: UInt64 = .max
        var unique = [UInt64]()
        unique.reserveCapacity(edges.count)
        for edge in edges where edge != previous {
            unique.append(edge)
            previous = edge
            degree[Int(edge >> 32)] += 1
            degree[Int(edge & 0xFFFF_FFFF)] += 1
        }
        var offsets = [Int](repeating: 0, count: count + 1)
        for i in 0..<count { offsets[i + 1] = offsets[i] + degree[i] }
        var fill = Array(offsets.dropLast())
        var adjacent = [Int32](repeating: 0, count: offsets[count])
        for edge in unique {
            let (a, b) = (Int(edge >> 32), Int(edge & 0xFFFF_FFFF))
            adjacent[fill[a]] = Int32(b)
            fill[a] += 1
            adjacent[fill[b]] = Int32(a)
            fill[b] += 1
        }
        self.offsets = offsets
        self.adjacent = adjacent
    }

    /// Each guide's normal with a consistent side, and how many connected parts there were.
    /// Within a part, each guide takes its side from the guide it was reached from over the
    /// cheapest edge (weight 1 − |nᵢ·nⱼ|, plus a little for length, which breaks ties); each
    /// part then faces away from its extreme guides.
    func orientedNormals() -> ([SIMD3<Float>], parts: Int) {
        var oriented = normals
        var joined = [Bool](repeating: false, count: count)
        var parts = 0
        var heap = EdgeHeap()
        for start in 0..<count where !joined[start] && normals[start] != .zero {
            parts += 1
            var members = [Int]()
            heap.push(weight: 0, to: Int32(start), from: Int32(start))
            // Prim's algorithm: the cheapest edge out of the tree so far joins its far end,
            // which takes its side from the end already in the tree.
            while let edge = heap.pop() {
                let node = Int(edge.to)
                if joined[node] { continue }
                joined[node] = true
                members.append(node)
                let parent = Int(edge.from)
                if parent != node && dot(oriented[node], oriented[parent]) < 0 { oriented[node] = -oriented[node] }
                let p = position(node)
                for k in offsets[node]..<offsets[node + 1] {
                    let other = Int(adjacent[k])
                    if joined[other] { continue }
                    let w = 1 - abs(dot(oriented[node], normals[other]))
                    let spread = Float(length(position(other) - p) / spacing)
                    heap.push(weight: w + 0.05 * spread, to: Int32(other), from: Int32(node))
                }
            }
            orientPart(members, &oriented)
        }
        return (oriented, parts)
    }

    /// Gives a part the side on which it faces outward and up. Two cues vote: its extreme
    /// guides in +x, −x, +y, −y and +z (the outermost half per cent in each direction) should
    /// face that way; and its surface as a whole should face up, as ground, roofs and the tops
    /// of things do (a closed object faces up and down equally, and its extremes decide). The
    /// lowest guides are left out: under terrain or a building standing on the ground they are
    /// the bottom of a valley, facing up.
    func orientPart(_ members: [Int], _ oriented: inout [SIMD3<Float>]) {
        guard !members.isEmpty else { return }
        let directions: [SIMD3<Double>] = [
            SIMD3(1, 0, 0), SIMD3(-1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, -1, 0), SIMD3(0, 0, 1),
        ]
        let take = max(5, members.count / 200)
        var vote = 0.0
        for direction in directions {
            let outermost = members.map { (dot(position($0), direction), $0) }.sorted { $0.0 > $1.0 }.prefix(take)
            var sum = 0.0
            for (_, member) in outermost {
                let n = oriented[member]
                sum += dot(SIMD3<Double>(Double(n.x), Double(n.y), Double(n.z)), direction)
            }
            vote += sum / Double(outermost.count)
        }
        let up = members.reduce(0.0) { $0 + Double(oriented[$1].z) } / Double(members.count)
        vote += Double(directions.count) * up
        if vote < 0 { for member in members { oriented[member] = -oriented[member] } }
    }
}

extension GuideGraph {
    /// Smooth patches whose sampled guides see open space behind them and surface in front
    /// are turned round. Propagation decides a whole region by the one edge it was entered by:
    /// where a slab stands on a pedestal the junction is a sharp fold, and a wrong step there
    /// turns the whole slab inside out. A ray cast from a guide along its normal leaves the
    /// scene when the normal faces out of a convex part, and meets the far face when it faces
    /// in; on ground, under overhangs and in courtyards both or neither leave, and the patch
    /// keeps its propagated side.
    /// Returns how many patches were turned.
    func correctPatches(_ oriented: inout [SIMD3<Float>], cells: VoxelGuides) -> Int {
        // Patches: guides joined by edges along which the oriented normal turns by < 25°.
        var parent = Array(0..<count)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }
        for i in 0..<count where oriented[i] != .zero {
            for k in offsets[i]..<offsets[i + 1] {
                let j = Int(adjacent[k])
                if dot(oriented[i], oriented[j]) > 0.9 {
                    let (a, b) = (root(i), root(j))
                    if a != b { parent[a] = b }
                }
            }
        }
        // Rays from an even sample of guides, starting a cell and a half off the surface.
        let step = max(1, count / Self.sampledRays)
        let samples = Array(stride(from: 0, to: count, by: step)).filter { oriented[$0] != .zero }
        var votes = [Int](repeating: 0, count: samples.count)
        votes.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            parallelChunks(samples.count, minimumChunk: 64) { range in
                for slot in range {
                    let guide = samples[slot]
                    let n = oriented[guide]
                    let direction = SIMD3<Double>(Double(n.x), Double(n.y), Double(n.z))
                    let p = position(guide)
                    let offset = direction * (1.5 * cells.cellSize)
                    let outward = cells.escapes(from: p + offset, along: direction)
                    let inward = cells.escapes(from: p - offset, along: -direction)
                    out.value[slot] = (outward ? 1 : 0) - (inward ? 1 : 0)
                }
            }
        }
        var patchVotes = [Int: (sum: Int, count: Int)]()
        for (slot, guide) in samples.enumerated() {
            let patch = root(guide)
            patchVotes[patch, default: (0, 0)].sum += votes[slot]
            patchVotes[patch, default: (0, 0)].count += 1
        }
        let flipped = Set(patchVotes.filter { $0.value.sum <= -max(3, $0.value.count / 2) }.keys)
        guard !flipped.isEmpty else { return 0 }
        for i in 0..<count where flipped.contains(root(i)) { oriented[i] = -oriented[i] }
        return flipped.count
    }

    /// Guides from which rays are cast, about.
    static let sampledRays = 8192
}

/// A binary min-heap of graph edges by weight, for Prim's algorithm.
struct EdgeHeap {
    struct Edge {
        var weight: Float
        var to: Int32
        var from: Int32
    }
    private var items: [Edge] = []

    mutating func push(weight: Float, to: Int32, from: Int32) {
        items.append(Edge(weight: weight, to: to, from: from))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if items[parent].weight <= items[child].weight { break }
            items.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> Edge? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return top }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            if left >= items.count { break }
            let right = left + 1
            let child = right < items.count && items[right].weight < items[left].weight ? right : left
            if items[parent].weight <= items[child].weight { break }
            items.swapAt(parent, child)
            parent = child
        }
        return top
    }
}
