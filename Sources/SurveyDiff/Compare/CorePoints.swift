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
    static func subsample(_ cloud: PointCloud, spacing: Double) -> PointCloud {
        guard let bounds = cloud.bounds else { return PointCloud(positions: []) }
        var chosen = [Cell: (index: Int, distance: Double)]()
        var order = [Cell]()
        for index in 0..<cloud.count {
            let p = cloud.point(index)
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { continue }
            let scaled = (p - bounds.lower) / spacing
            // Coordinates are bounded by the cloud's extent, so the cell numbers fit easily.
            let cell = Cell(
                x: Int64(scaled.x.rounded(.down)), y: Int64(scaled.y.rounded(.down)), z: Int64(scaled.z.rounded(.down)))
            let centre = bounds.lower + (SIMD3(Double(cell.x), Double(cell.y), Double(cell.z)) + 0.5) * spacing
            let offset = p - centre
            let distance = (offset * offset).sum()
            if let existing = chosen[cell] {
                if distance < existing.distance { chosen[cell] = (index, distance) }
            } else {
                chosen[cell] = (index, distance)
                order.append(cell)
            }
        }
        var positions = [Double]()
        positions.reserveCapacity(order.count * 3)
        for cell in order {
            guard let index = chosen[cell]?.index else { continue }
            positions += [cloud.positions[3 * index], cloud.positions[3 * index + 1], cloud.positions[3 * index + 2]]
        }
        return PointCloud(positions: positions)
    }
}
