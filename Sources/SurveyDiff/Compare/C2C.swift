/// Cloud-to-cloud distance: for every compared point, how far the reference surface is.
public enum C2C {
    public enum Model: Sendable, Equatable {
        /// The distance to the nearest reference point (unsigned).
        case nearestNeighbour
        /// The signed distance to a least-squares plane through the `k` nearest reference points,
        /// its normal oriented by the comparison's orientation. Less sensitive to sampling.
        case localPlane(neighbours: Int)

        public var description: String {
            switch self {
            case .nearestNeighbour: return "nearest neighbour"
            case .localPlane(let k): return "local plane over \(k) neighbours"
            }
        }
    }

    /// One distance per compared point (NaN for a point with a non-finite coordinate).
    /// `comparedTree`, a tree over `compared`, sets the order of the queries (spatial, which
    /// keeps the reference tree in cache).
    public static func distances(
        from compared: PointCloud, to referenceTree: KDTree, model: Model, orientation: NormalOrientation,
        comparedTree: KDTree? = nil
    ) throws(SurveyDiffError) -> [Double] {
        try distances(
            from: compared, to: referenceTree, model: model, orientation: orientation, comparedTree: comparedTree,
            order: .input)
    }

    /// With `order` `.tree`, `compared` is `comparedTree`'s own points and so is the result's order.
    static func distances(
        from compared: PointCloud, to referenceTree: KDTree, model: Model, orientation: NormalOrientation,
        comparedTree: KDTree?, order: ResultOrder, progress: (@Sendable (Double) -> Void)? = nil
    ) throws(SurveyDiffError) -> [Double] {
        guard referenceTree.count > 0 else { throw SurveyDiffError(.emptyInput, "the reference epoch has no points") }
        if case .localPlane(let k) = model, k < 3 {
            throw SurveyDiffError(.invalidParameter, "a local plane needs at least 3 neighbours, got \(k)")
        }
        let meter = WorkMeter(total: comparedTree?.count ?? compared.count, report: progress)
        return inSpatialOrder(compared, tree: comparedTree, order: order, meter: meter) { p in
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { return .nan }
            switch model {
            case .nearestNeighbour:
                return referenceTree.nearest(to: p)?.distanceSquared.squareRoot() ?? .nan
            case .localPlane(let k):
                if let plane = referenceTree.plane(at: p, nearest: k) {
                    let normal = orientation.orient(plane.normal, at: plane.centroid)
                    return dot(p - plane.centroid, normal)
                }
                return referenceTree.nearest(to: p)?.distanceSquared.squareRoot() ?? .nan
            }
        }
    }
}
