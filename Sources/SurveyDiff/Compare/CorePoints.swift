/// Which points of the reference epoch a comparison reports at.
public enum CorePointSelection: Sendable {
    /// Every point of the reference epoch.
    case all
    /// One point per cube of this edge: the point nearest the cube's centre.
    case spacing(Double)
    /// Points given by the user (another file).
    case given(PointCloud)

    public var description: String {
        switch self {
        case .all: return "all reference points"
        case .spacing(let s): return "one per \(s) cube"
        case .given(let cloud): return "\(cloud.count) given points"
        }
    }

    /// The core points for `reference`.
    public func corePoints(of reference: PointCloud) throws(SurveyDiffError) -> PointCloud {
        switch self {
        case .all: return PointCloud(positions: reference.positions)
        case .given(let cloud):
            guard cloud.count > 0 else { throw SurveyDiffError(.emptyInput, "the core point file has no points") }
            return PointCloud(positions: cloud.positions)
        case .spacing(let spacing):
            try SurveyDiffError.requirePositive(spacing, "core spacing")
            if let bounds = reference.bounds, ((bounds.upper - bounds.lower) / spacing).max() > 1e9 {
                throw SurveyDiffError(
                    .invalidParameter,
                    "core spacing \(spacing) is too small for a scan \((bounds.upper - bounds.lower).max()) across")
            }
            return CorePointSelection.subsample(reference, spacing: spacing)
        }
    }

    struct Cell: Hashable {
        var x: Int64
        var y: Int64
        var z: Int64
    }

    /// One point per occupied cube, the one nearest the cube's centre, in order of first occurrence.
    static func subsample(_ cloud: PointCloud, spacing: Double, packed: Bool = true) -> PointCloud {
        guard let bounds = cloud.bounds else { return PointCloud(positions: []) }
        @inline(__always) func cell(_ p: SIMD3<Double>) -> Cell {
            let scaled = (p - bounds.lower) / spacing
            // Coordinates are bounded by the cloud's extent, so the cell numbers fit easily.
            return Cell(
                x: Int64(scaled.x.rounded(.down)), y: Int64(scaled.y.rounded(.down)), z: Int64(scaled.z.rounded(.down)))
        }
        @inline(__always) func distanceToCentre(_ p: SIMD3<Double>, _ cell: Cell) -> Double {
            let centre = bounds.lower + (SIMD3(Double(cell.x), Double(cell.y), Double(cell.z)) + 0.5) * spacing
            let offset = p - centre
            return (offset * offset).sum()
        }
        let chosen: [Int]
        if packed,
            let found = packedSubsample(cloud, bounds: bounds, spacing: spacing, cell: cell, distance: distanceToCentre)
        {
            chosen = found
        } else {
            var best = [Cell: (index: Int, distance: Double)]()
            var order = [Cell]()
            for index in 0..<cloud.count {
                let p = cloud.point(index)
                guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { continue }
                let cell = cell(p)
                let distance = distanceToCentre(p, cell)
                if let existing = best[cell] {
                    if distance < existing.distance { best[cell] = (index, distance) }
                } else {
                    best[cell] = (index, distance)
                    order.append(cell)
                }
            }
            chosen = order.compactMap { best[$0]?.index }
        }
        var positions = [Double]()
        positions.reserveCapacity(chosen.count * 3)
        for index in chosen {
            positions += [cloud.positions[3 * index], cloud.positions[3 * index + 1], cloud.positions[3 * index + 2]]
        }
        return PointCloud(positions: positions)
    }

    /// The same choice with cells packed 21 bits an axis into one key, in an open-addressing
    /// table of keys and point indices (12 bytes a slot, the current point's distance recomputed
    /// rather than stored): a third of a dictionary's memory and several times faster. Nil when
    /// the grid is too fine for 21 bits an axis (over two million cubes across).
    static func packedSubsample(
        _ cloud: PointCloud, bounds: (lower: SIMD3<Double>, upper: SIMD3<Double>), spacing: Double,
        cell: (SIMD3<Double>) -> Cell, distance: (SIMD3<Double>, Cell) -> Double
    ) -> [Int]? {
        let last = cell(bounds.upper)
        guard max(last.x, last.y, last.z) < 1 << 21 else { return nil }
        let empty = UInt64.max
        var keys = [UInt64](repeating: empty, count: 1 << 16)
        var indices = [Int32](repeating: 0, count: 1 << 16)
        var used = 0
        var order = [UInt64]()  // cells in order of first occurrence
        @inline(__always) func slot(of key: UInt64, in keys: [UInt64]) -> Int {
            let mask = keys.count - 1
            var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
            while keys[slot] != empty && keys[slot] != key { slot = (slot + 1) & mask }
            return slot
        }
        for index in 0..<cloud.count {
            let p = cloud.point(index)
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { continue }
            let c = cell(p)
            let key = UInt64(c.x) | UInt64(c.y) << 21 | UInt64(c.z) << 42
            let at = slot(of: key, in: keys)
            if keys[at] == key {
                if distance(p, c) < distance(cloud.point(Int(indices[at])), c) { indices[at] = Int32(index) }
                continue
            }
            keys[at] = key
            indices[at] = Int32(index)
            order.append(key)
            used += 1
            if 2 * used > keys.count {
                // Half full: double the table and put every entry back.
                var grownKeys = [UInt64](repeating: empty, count: 2 * keys.count)
                var grownIndices = [Int32](repeating: 0, count: 2 * keys.count)
                for old in keys.indices where keys[old] != empty {
                    let new = slot(of: keys[old], in: grownKeys)
                    grownKeys[new] = keys[old]
                    grownIndices[new] = indices[old]
                }
                (keys, indices) = (grownKeys, grownIndices)
            }
        }
        return order.map { Int(indices[slot(of: $0, in: keys)]) }
    }
}
