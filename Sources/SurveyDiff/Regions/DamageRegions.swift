/// Loss or gain of material.
public enum ChangeKind: String, Sendable, Codable {
    case loss
    case gain
    /// A changed appearance between photographs: they show that something changed, not
    /// whether material was lost or added.
    case change
}

/// Significant change grouped into one connected patch of the surface, or of a photograph.
///
/// A region of a geometric comparison (loss or gain) is measured in depth and volume; a region
/// of a photo comparison (``ChangeKind/change``) in colour difference, and has no depth or
/// volume. Each kind writes its own fields to summary.json: a photo region's colour difference
/// is never written as a depth.
public struct DamageRegion: Sendable, Equatable {
    /// 1 for the largest volume, then 2, … (the `region` scalar field of the output cloud).
    public var id: Int
    public var kind: ChangeKind
    /// Core points, or pixels for a photo region.
    public var pointCount: Int
    /// Surface area the region's core points stand for (square units).
    public var area: Double
    /// Sum over the core points of |distance| × the area each stands for (cubic units); 0 for
    /// a photo region, and not written.
    public var volume: Double
    /// Mean and largest |distance| (positive for loss and for gain); 0 for a photo region, and
    /// not written.
    public var meanDepth: Double
    public var maxDepth: Double
    /// A photo region's mean and largest colour difference (0-255); nil for loss and gain.
    public var colourDifference: ColourDifference?
    public var centroid: [Double]
    public var lower: [Double]
    public var upper: [Double]

    public struct ColourDifference: Sendable, Equatable, Codable {
        public var mean: Double
        public var max: Double
        public init(mean: Double, max: Double) {
            self.mean = mean
            self.max = max
        }
    }

    /// A region of a geometric comparison.
    public init(
        id: Int, kind: ChangeKind, pointCount: Int, area: Double, volume: Double, meanDepth: Double, maxDepth: Double,
        centroid: [Double], lower: [Double], upper: [Double]
    ) {
        self.id = id
        self.kind = kind
        self.pointCount = pointCount
        self.area = area
        self.volume = volume
        self.meanDepth = meanDepth
        self.maxDepth = maxDepth
        self.centroid = centroid
        self.lower = lower
        self.upper = upper
    }

    /// A region of a photo comparison: pixels, area and colour difference.
    public init(
        id: Int, pixelCount: Int, area: Double, colourDifference: ColourDifference, centroid: [Double],
        lower: [Double], upper: [Double]
    ) {
        self.init(
            id: id, kind: .change, pointCount: pixelCount, area: area, volume: 0, meanDepth: 0, maxDepth: 0,
            centroid: centroid, lower: lower, upper: upper)
        self.colourDifference = colourDifference
    }
}

extension DamageRegion: Codable {
    enum CodingKeys: String, CodingKey {
        case id, kind, pointCount, area, volume, meanDepth, maxDepth, colourDifference, centroid, lower, upper
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try values.decode(ChangeKind.self, forKey: .kind)
        let id = try values.decode(Int.self, forKey: .id)
        let count = try values.decode(Int.self, forKey: .pointCount)
        let area = try values.decode(Double.self, forKey: .area)
        let centroid = try values.decode([Double].self, forKey: .centroid)
        let lower = try values.decode([Double].self, forKey: .lower)
        let upper = try values.decode([Double].self, forKey: .upper)
        if kind == .change {
            // Summaries written before schema v9 kept a photo region's colour difference in the
            // depth fields.
            let difference =
                try values.decodeIfPresent(ColourDifference.self, forKey: .colourDifference)
                ?? ColourDifference(
                    mean: try values.decode(Double.self, forKey: .meanDepth),
                    max: try values.decode(Double.self, forKey: .maxDepth))
            self.init(
                id: id, pixelCount: count, area: area, colourDifference: difference, centroid: centroid, lower: lower,
                upper: upper)
        } else {
            self.init(
                id: id, kind: kind, pointCount: count, area: area,
                volume: try values.decode(Double.self, forKey: .volume),
                meanDepth: try values.decode(Double.self, forKey: .meanDepth),
                maxDepth: try values.decode(Double.self, forKey: .maxDepth), centroid: centroid, lower: lower,
                upper: upper)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(id, forKey: .id)
        try values.encode(kind, forKey: .kind)
        try values.encode(pointCount, forKey: .pointCount)
        try values.encode(area, forKey: .area)
        if let colourDifference {
            try values.encode(colourDifference, forKey: .colourDifference)
        } else {
            try values.encode(volume, forKey: .volume)
            try values.encode(meanDepth, forKey: .meanDepth)
            try values.encode(maxDepth, forKey: .maxDepth)
        }
        try values.encode(centroid, forKey: .centroid)
        try values.encode(lower, forKey: .lower)
        try values.encode(upper, forKey: .upper)
    }
}

public struct RegionParameters: Sendable {
    /// Two significant core points closer than this are in the same region. Nil: 1.5 times the
    /// median distance from a core point to its 6th nearest neighbour.
    public var linkDistance: Double?
    /// Regions with fewer core points are dropped as noise.
    public var minimumPoints: Int
    /// Regions with less area are dropped.
    public var minimumArea: Double

    public init(linkDistance: Double? = nil, minimumPoints: Int = 10, minimumArea: Double = 0) {
        self.linkDistance = linkDistance
        self.minimumPoints = minimumPoints
        self.minimumArea = minimumArea
    }
}

public struct RegionAnalysis: Sendable {
    public var regions: [DamageRegion]
    /// For each core point, its region's id, or 0.
    public var labels: [Int32]
    /// The median distance between neighbouring core points.
    public var coreSpacing: Double
    public var linkDistance: Double
}

public enum DamageRegions {
    /// Groups the significant core points (`distance` finite and `significant`) into connected
    /// regions of one sign, and measures each.
    public static func find(
        corePoints: PointCloud, distance: [Double], significant: [Bool], parameters: RegionParameters = .init(),
        tree givenTree: KDTree? = nil
    ) throws(SurveyDiffError) -> RegionAnalysis {
        try find(
            corePoints: corePoints, distance: distance, significant: significant, parameters: parameters,
            tree: givenTree, order: .input)
    }

    /// With `order` `.tree`, `corePoints` is `givenTree`'s own points and the arrays (and the
    /// labels returned) are in its order.
    static func find(
        corePoints: PointCloud, distance: [Double], significant: [Bool], parameters: RegionParameters,
        tree givenTree: KDTree?, order: ResultOrder
    ) throws(SurveyDiffError) -> RegionAnalysis {
        precondition(distance.count == corePoints.count && significant.count == corePoints.count)
        if let link = parameters.linkDistance { try SurveyDiffError.requirePositive(link, "region link distance") }
        guard parameters.minimumPoints >= 1 else {
            throw SurveyDiffError(.invalidParameter, "minimum region points must be at least 1")
        }
        precondition(order == .input || givenTree?.count == corePoints.count, "tree order needs the points' tree")
        let tree = givenTree ?? KDTree(positions: corePoints.positions, keeping: [.points, .indices])
        let spacing = medianSpacing(tree)
        // Linking at 1.5 times the typical distance to the 6th neighbour joins a grid's diagonal
        // neighbours and keeps randomly spread core points (a subsample) connected.
        let link =
            parameters.linkDistance ?? max(1.5 * medianSpacing(tree, neighbour: 6), .leastNormalMagnitude)
        var labels = [Int32](repeating: 0, count: corePoints.count)
        let flagged = (0..<corePoints.count).filter { significant[$0] && distance[$0].isFinite }
        guard !flagged.isEmpty else {
            return RegionAnalysis(regions: [], labels: labels, coreSpacing: spacing, linkDistance: link)
        }

        // Area each flagged point stands for: a disc of radius `link` shared by the core points in it.
        let areas = parallelArray(count: flagged.count, repeating: 0.0, minimumChunk: 256) { range, out in
            for slot in range {
                var neighbours = 0
                tree.forEach(within: link, of: corePoints.point(flagged[slot])) { _, _ in neighbours += 1 }
                out[slot] = Double.pi * link * link / Double(max(neighbours, 1))
            }
        }
        var slotOfPoint = [Int32](repeating: -1, count: corePoints.count)
        for (slot, index) in flagged.enumerated() { slotOfPoint[index] = Int32(slot) }
        var sets = DisjointSets(count: flagged.count)
        for (slot, index) in flagged.enumerated() {
            let sign = distance[index] < 0
            tree.forEach(within: link, of: corePoints.point(index)) { position, _ in
                let other = order == .tree ? position : tree.inputIndex(position)
                let otherSlot = Int(slotOfPoint[other])
                if otherSlot > slot, (distance[other] < 0) == sign { sets.union(slot, otherSlot) }
            }
        }
        var members = [Int: [Int]]()
        for slot in flagged.indices { members[sets.find(slot), default: []].append(slot) }
        var regions = [(region: DamageRegion, slots: [Int])]()
        for slots in members.values where slots.count >= parameters.minimumPoints {
            let region = measure(slots.map { flagged[$0] }, slots.map { areas[$0] }, corePoints, distance)
            if region.area >= parameters.minimumArea { regions.append((region, slots)) }
        }
        regions.sort {
            $0.region.volume != $1.region.volume ? $0.region.volume > $1.region.volume : $0.slots[0] < $1.slots[0]
        }
        for (rank, entry) in regions.enumerated() {
            regions[rank].region.id = rank + 1
            for slot in entry.slots { labels[flagged[slot]] = Int32(rank + 1) }
        }
        return RegionAnalysis(regions: regions.map(\.region), labels: labels, coreSpacing: spacing, linkDistance: link)
    }

    static func measure(_ indices: [Int], _ areas: [Double], _ cloud: PointCloud, _ distance: [Double]) -> DamageRegion
    {
        var lower = SIMD3<Double>(repeating: .infinity)
        var upper = SIMD3<Double>(repeating: -.infinity)
        var weighted = SIMD3<Double>.zero
        var area = 0.0
        var volume = 0.0
        var depthSum = 0.0
        var maxDepth = 0.0
        for (slot, index) in indices.enumerated() {
            let p = cloud.point(index)
            lower = pointwiseMin(lower, p)
            upper = pointwiseMax(upper, p)
            weighted += p * areas[slot]
            area += areas[slot]
            let depth = abs(distance[index])
            volume += depth * areas[slot]
            depthSum += depth
            maxDepth = max(maxDepth, depth)
        }
        // With a degenerate area (a single isolated point), the plain mean.
        let centroid = area > 0 ? weighted / area : (lower + upper) / 2
        return DamageRegion(
            id: 0, kind: distance[indices[0]] < 0 ? .loss : .gain, pointCount: indices.count, area: area,
            volume: volume, meanDepth: depthSum / Double(indices.count), maxDepth: maxDepth,
            centroid: [centroid.x, centroid.y, centroid.z], lower: [lower.x, lower.y, lower.z],
            upper: [upper.x, upper.y, upper.z])
    }

    /// The median distance from a core point to its `neighbour`-th nearest other core point (over
    /// up to 20,000 evenly picked points).
    static func medianSpacing(_ tree: KDTree, neighbour: Int = 1) -> Double {
        guard tree.count > 1 else { return 0 }
        let neighbour = min(neighbour, tree.count - 1)
        // Every step-th point in tree order: an even sample whose queries stay in cache.
        let step = max(1, tree.count / 20_000)
        let picks = Array(stride(from: 0, to: tree.count, by: step))
        var spacings = parallelArray(count: picks.count, repeating: Double.nan, minimumChunk: 512) { range, out in
            for slot in range {
                let neighbours = tree.nearest(neighbour + 1, to: tree.point(at: picks[slot]))
                if neighbours.count == neighbour + 1 { out[slot] = neighbours[neighbour].distanceSquared.squareRoot() }
            }
        }
        spacings.removeAll { !$0.isFinite }
        return quantile(&spacings, 0.5) ?? 0
    }
}

/// Union–find with path halving and union by size.
struct DisjointSets {
    var parent: [Int32]
    var size: [Int32]

    init(count: Int) {
        parent = (0..<count).map { Int32($0) }
        size = [Int32](repeating: 1, count: count)
    }

    mutating func find(_ element: Int) -> Int {
        var x = element
        while Int(parent[x]) != x {
            parent[x] = parent[Int(parent[x])]
            x = Int(parent[x])
        }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        var rootA = find(a)
        var rootB = find(b)
        guard rootA != rootB else { return }
        if size[rootA] < size[rootB] { swap(&rootA, &rootB) }
        parent[rootB] = Int32(rootA)
        size[rootA] += size[rootB]
    }
}
