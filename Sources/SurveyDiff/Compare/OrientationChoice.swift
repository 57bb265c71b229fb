/// How a comparison decides which side of the reference surface is outside, so that loss reads
/// negative and gain positive on every face of an object.
public enum OrientationChoice: Sendable, Equatable {
    /// Decided from the data: a mesh's face winding; +z for terrain and airborne data (a LAS
    /// file, or a cloud mostly horizontal in extent and in its surfaces); otherwise outward
    /// normals propagated over a neighbour graph.
    case automatic
    /// Outward normals propagated over a neighbour graph (``OrientationField/outward(positions:)``).
    case outward
    /// The before mesh's face winding.
    case winding
    /// As the user said.
    case given(NormalOrientation)

    /// Reads `auto`, `outward`, `winding`, or what ``NormalOrientation/init(_:)`` reads.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "auto", "automatic": self = .automatic
        case "outward": self = .outward
        case "winding": self = .winding
        default:
            guard let given = NormalOrientation(text) else { return nil }
            self = .given(given)
        }
    }

    /// A cloud counts as terrain when its height is at most this share of its larger horizontal
    /// side…
    static let terrainHeightShare = 0.25
    /// …and at least this share of its surface faces up or down (within 30° of vertical).
    static let terrainHorizontalShare = 0.8

    /// The orientation to use on a reference epoch with these `positions` (and `triangles`,
    /// when a mesh), and in words how it was decided. `isTerrainSurvey`: the epoch came from a
    /// LAS file, airborne or terrain survey.
    public func resolve(
        positions: [Double], triangles: [UInt32], isTerrainSurvey: Bool
    ) throws(SurveyDiffError) -> (orientation: NormalOrientation, basis: String) {
        let up = NormalOrientation.axis(SIMD3(0, 0, 1))
        switch self {
        case .given(let orientation):
            return (orientation, "given (--orient)")
        case .winding:
            guard !triangles.isEmpty else {
                throw SurveyDiffError(
                    .invalidParameter, "orientation by winding needs a before mesh; the before scan has no faces")
            }
            guard let field = OrientationField.winding(positions: positions, triangles: triangles) else {
                throw SurveyDiffError(.invalidParameter, "the before mesh has no face with an area to orient by")
            }
            return (.field(field), "given (--orient winding)")
        case .outward:
            guard let field = OrientationField.outward(positions: positions) else {
                throw SurveyDiffError(.emptyInput, "too few distinct points to orient normals outward")
            }
            return (.field(field), "given (--orient outward)")
        case .automatic:
            if !triangles.isEmpty, let field = OrientationField.winding(positions: positions, triangles: triangles) {
                return (
                    .field(field), "automatic: the before epoch is a mesh, whose faces' winding says which side is out"
                )
            }
            if isTerrainSurvey {
                return (up, "automatic: the before epoch is a LAS file (airborne or terrain survey), so +z")
            }
            guard let surface = GuideSurface(positions: positions) else {
                return (up, "automatic: too few distinct points to orient outward, so +z")
            }
            let height = surface.extent.z
            let width = max(surface.extent.x, surface.extent.y)
            let flat = height <= Self.terrainHeightShare * width
            let horizontalShare = surface.horizontalShare()
            let facing = Int((horizontalShare * 100).rounded())
            if flat && horizontalShare >= Self.terrainHorizontalShare {
                return (
                    up,
                    "automatic: mostly horizontal (height \(percent(height, of: width)) of its width, "
                        + "\(facing) % of its surface facing up or down), so terrain: +z"
                )
            }
            guard let field = OrientationField.outward(from: surface) else {
                return (up, "automatic: too few distinct points to orient outward, so +z")
            }
            return (
                .field(field),
                "automatic: an object or building (height \(percent(height, of: width)) of its width, "
                    + "\(facing) % of its surface facing up or down), so outward"
            )
        }
    }
}

private func percent(_ part: Double, of whole: Double) -> String {
    whole > 0 ? "\(Int((100 * part / whole).rounded())) %" : "-"
}
