/// Spatial subsampling for a quick look at a large survey: space is cut into cubes of side
/// `spacing` (from the cloud's smallest x, y and z) and the first point of each cube, in the
/// file's order, is kept. So no two kept points share a cube, every occupied cube keeps one,
/// and the same input and spacing always keep the same points. The memory it takes grows with
/// the points kept, not with those read.
public enum GridSubsample {
    /// The kept points' positions (x, y, z interleaved), in their input order.
    public static func thin(_ positions: [Double], spacing: Double) throws -> [Double] {
        guard spacing.isFinite, spacing > 0 else {
            throw SurveyDiffError(.invalidParameter, "the subsample spacing must be a positive number, not \(spacing)")
        }
        let count = positions.count / 3
        guard count > 0 else { return [] }
        var low = (positions[0], positions[1], positions[2])
        var high = low
        for index in 0..<count {
            let (x, y, z) = (positions[3 * index], positions[3 * index + 1], positions[3 * index + 2])
            low = (min(low.0, x), min(low.1, y), min(low.2, z))
            high = (max(high.0, x), max(high.1, y), max(high.2, z))
        }
        let cells = max(high.0 - low.0, high.1 - low.1, high.2 - low.2) / spacing
        guard cells < Double(Int32.max) else {
            throw SurveyDiffError(
                .invalidParameter,
                "a subsample spacing of \(spacing) cuts the survey's \(max(high.0 - low.0, high.1 - low.1, high.2 - low.2)) units into too many cells: give a larger spacing"
            )
        }
        var occupied = Set<SIMD3<Int32>>()
        var kept: [Double] = []
        for index in 0..<count {
            let (x, y, z) = (positions[3 * index], positions[3 * index + 1], positions[3 * index + 2])
            let cell = SIMD3<Int32>(
                Int32(((x - low.0) / spacing).rounded(.down)), Int32(((y - low.1) / spacing).rounded(.down)),
                Int32(((z - low.2) / spacing).rounded(.down)))
            if occupied.insert(cell).inserted { kept += [x, y, z] }
        }
        return kept
    }
}
