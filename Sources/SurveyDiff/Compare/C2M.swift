/// Cloud-to-mesh distance: for every compared point, the exact signed distance to the nearest
/// point of the reference mesh (positive in front of the nearest triangle, behind negative).
public enum C2M {
    public static func distances(
        from compared: PointCloud, to mesh: TriangleBVH, comparedTree: KDTree? = nil
    ) throws(SurveyDiffError) -> [Double] {
        try distances(from: compared, to: mesh, comparedTree: comparedTree, order: .input)
    }

    /// With `order` `.tree`, `compared` is `comparedTree`'s own points and so is the result's order.
    static func distances(
        from compared: PointCloud, to mesh: TriangleBVH, comparedTree: KDTree?, order: ResultOrder,
        progress: (@Sendable (Double) -> Void)? = nil
    ) throws(SurveyDiffError) -> [Double] {
        guard mesh.triangleCount > 0 else { throw SurveyDiffError(.emptyInput, "the reference mesh has no triangles") }
        let meter = WorkMeter(total: comparedTree?.count ?? compared.count, report: progress)
        return inSpatialOrder(compared, tree: comparedTree, order: order, meter: meter) { p in
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { return .nan }
            return mesh.closest(to: p)?.signedDistance ?? .nan
        }
    }
}
