/// Iterative closest point: the rigid motion that best lays a source cloud onto a target.
public struct ICPParameters: Sendable {
    public enum Metric: String, Sendable, Codable {
        case pointToPlane = "point-to-plane"
        case pointToPoint = "point-to-point"
    }

    public var metric: Metric
    /// Pairs farther apart than this are not correspondences.
    public var maximumCorrespondenceDistance: Double
    public var maximumIterations: Int
    /// Source points used (evenly picked); more is slower and barely more accurate.
    public var sampleCount: Int
    /// Drop pairs whose residual exceeds 3 robust standard deviations (1.4826 × the median
    /// absolute residual), so damaged areas do not pull the alignment.
    public var excludeLargeResiduals: Bool
    /// Only source points inside this box (in target coordinates) take part: a region known
    /// to be stable.
    public var stableRegion: (lower: SIMD3<Double>, upper: SIMD3<Double>)?
    public var initial: RigidTransform

    public init(
        metric: Metric = .pointToPlane, maximumCorrespondenceDistance: Double, maximumIterations: Int = 50,
        sampleCount: Int = 100_000, excludeLargeResiduals: Bool = true,
        stableRegion: (lower: SIMD3<Double>, upper: SIMD3<Double>)? = nil, initial: RigidTransform = .identity
    ) {
        self.metric = metric
        self.maximumCorrespondenceDistance = maximumCorrespondenceDistance
        self.maximumIterations = maximumIterations
        self.sampleCount = sampleCount
        self.excludeLargeResiduals = excludeLargeResiduals
        self.stableRegion = stableRegion
        self.initial = initial
    }
}

/// What the alignment did: enough to judge it and to redo it.
public struct RegistrationReport: Sendable, Codable {
    public var metric: String
    public var iterations: Int
    public var converged: Bool
    /// RMS of the minimised residual over the pairs kept, before the first and after the last step.
    public var rmsBefore: Double
    public var rms: Double
    /// Share of the sampled source points that ended with a kept correspondence.
    public var overlap: Double
    public var sampledPoints: Int
    public var correspondences: Int
    /// Pairs dropped as large residuals in the last iteration (likely change, not misalignment).
    public var excludedAsChange: Int
    /// Row-major 4×4 matrix taking source coordinates to target coordinates.
    public var transform: [[Double]]
    public var rotationDegrees: Double
    public var translation: Double
}

public enum ICP {
    /// Aligns `source` onto the points of `targetTree` (built on `target`).
    public static func align(
        source: PointCloud, target: PointCloud, targetTree: KDTree, parameters: ICPParameters
    ) throws(SurveyDiffError) -> (transform: RigidTransform, report: RegistrationReport) {
        try align(source: source, targetNormals: target.normals, targetTree: targetTree, parameters: parameters)
    }

    /// Aligns `source` onto the points of `targetTree`. `targetNormals` (x, y, z by input index,
    /// the tree keeping `.indices`) are the target file's own; without them, point-to-plane fits
    /// a normal to the 16 nearest target points of each matched point. The target's positions
    /// are not needed beside the tree, which may have taken them over.
    public static func align(
        source: PointCloud, targetNormals: [Float]?, targetTree: KDTree, parameters: ICPParameters
    ) throws(SurveyDiffError) -> (transform: RigidTransform, report: RegistrationReport) {
        try SurveyDiffError.requirePositive(parameters.maximumCorrespondenceDistance, "maximum correspondence distance")
        guard parameters.maximumIterations >= 1, parameters.sampleCount >= 3 else {
            throw SurveyDiffError(.invalidParameter, "ICP needs at least 1 iteration and 3 sample points")
        }
        guard source.count >= 3, targetTree.count >= 3 else {
            throw SurveyDiffError(.emptyInput, "ICP needs at least 3 points in each cloud")
        }
        let samples = pickSamples(source, parameters)
        guard samples.count >= 6 else {
            throw SurveyDiffError(.notConverged, "only \(samples.count) source points lie in the stable region")
        }
        // A tree leaves non-finite points out, so the normals (one per input point) may be more.
        precondition(
            targetNormals.map {
                $0.count % 3 == 0 && $0.count >= 3 * targetTree.count && targetTree.contents.contains(.indices)
            }
                ?? true,
            "the target's normals are read by input index: one per input point, and a tree keeping .indices")
        var normals = TargetNormals(given: targetNormals, tree: targetTree)
        var transform = parameters.initial
        var rmsBefore = Double.nan
        var last = (rms: Double.nan, kept: 0, excluded: 0)
        var iterations = 0
        var converged = false
        while iterations < parameters.maximumIterations {
            iterations += 1
            var pairs = correspondences(samples, transform, targetTree, parameters.maximumCorrespondenceDistance)
            if parameters.metric == .pointToPlane { normals.attach(to: &pairs) }
            var residuals = pairs.map { pair -> Double in
                parameters.metric == .pointToPlane
                    ? dot(pair.source - targetTree.point(at: Int(pair.position)), pair.targetNormal)
                    : length(pair.source - targetTree.point(at: Int(pair.position)))
            }
            var excluded = 0
            if parameters.excludeLargeResiduals && pairs.count > 20 {
                var magnitudes = residuals.map(abs)
                let limit = max(3 * 1.4826 * (quantile(&magnitudes, 0.5) ?? 0), 1e-12)
                // The pairs kept move to the front, in order: no second array of pairs.
                var kept = 0
                for slot in pairs.indices where !(abs(residuals[slot]) > limit) {
                    (pairs[kept], residuals[kept]) = (pairs[slot], residuals[slot])
                    kept += 1
                }
                excluded = pairs.count - kept
                pairs.removeLast(excluded)
                residuals.removeLast(excluded)
            }
            guard pairs.count >= 6 else {
                throw SurveyDiffError(
                    .notConverged,
                    "only \(pairs.count) correspondences within \(parameters.maximumCorrespondenceDistance); "
                        + "give a larger maximum correspondence distance or an initial transform")
            }
            let rms = (residuals.reduce(0.0) { $0 + $1 * $1 } / Double(residuals.count)).squareRoot()
            if iterations == 1 { rmsBefore = rms }
            last = (rms, pairs.count, excluded)
            let step: RigidTransform
            switch parameters.metric {
            case .pointToPlane:
                guard let solved = pointToPlaneStep(pairs, residuals)
                else {
                    throw SurveyDiffError(
                        .notConverged, "the point-to-plane system is singular (a flat or empty overlap)")
                }
                step = solved
            case .pointToPoint:
                step = pointToPointStep(pairs, targetTree)
            }
            transform = step.after(transform)
            let moved = length(step.translation)
            // Steps this small are far below any survey's accuracy; the kept pairs change a little
            // every iteration, so waiting for exactly zero would run to the limit.
            if step.angleDegrees < 1e-4 && moved < 1e-5 * parameters.maximumCorrespondenceDistance {
                converged = true
                break
            }
        }
        let final = correspondences(samples, transform, targetTree, parameters.maximumCorrespondenceDistance)
        let report = RegistrationReport(
            metric: parameters.metric.rawValue, iterations: iterations, converged: converged, rmsBefore: rmsBefore,
            rms: last.rms, overlap: Double(final.count) / Double(samples.count), sampledPoints: samples.count,
            correspondences: last.kept, excludedAsChange: last.excluded, transform: transform.matrix,
            rotationDegrees: transform.angleDegrees, translation: length(transform.translation))
        return (transform, report)
    }

    /// A sample, moved, the tree position of its nearest target point (read from the tree when
    /// needed) and, for point-to-plane, that point's normal: 64 bytes.
    struct Pair {
        var source: SIMD3<Double>
        var position: Int32
        var normal = SIMD3<Float>.zero

        var targetNormal: SIMD3<Double> { SIMD3(Double(normal.x), Double(normal.y), Double(normal.z)) }
    }

    static func pickSamples(_ source: PointCloud, _ parameters: ICPParameters) -> [SIMD3<Double>] {
        let picked: [SIMD3<Double>]
        if let region = parameters.stableRegion {
            var candidates = [Int]()
            for index in 0..<source.count {
                let p = parameters.initial.apply(source.point(index))
                if all(p .>= region.lower) && all(p .<= region.upper) { candidates.append(index) }
            }
            let step = max(1, candidates.count / parameters.sampleCount)
            picked = stride(from: 0, to: candidates.count, by: step).map { source.point(candidates[$0]) }
        } else {
            // Every point is a candidate: stride over the cloud (a list of all indices is 8 MB a million).
            let step = max(1, source.count / parameters.sampleCount)
            picked = stride(from: 0, to: source.count, by: step).map { source.point($0) }
        }
        return picked.filter { $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }
    }

    static func correspondences(
        _ samples: [SIMD3<Double>], _ transform: RigidTransform, _ tree: KDTree, _ maximum: Double
    ) -> [Pair] {
        var found = parallelArray(
            count: samples.count, repeating: Pair(source: .zero, position: -1), minimumChunk: 1024
        ) { range, out in
            for slot in range {
                let p = transform.apply(samples[slot])
                if let nearest = tree.nearest(to: p, maximumDistance: maximum) {
                    out[slot] = Pair(source: p, position: Int32(nearest.position))
                }
            }
        }
        found.removeAll { $0.position < 0 }
        return found
    }

    /// Solves the linearised point-to-plane problem (small rotation about the pairs' centroid).
    static func pointToPlaneStep(_ pairs: [Pair], _ residuals: [Double]) -> RigidTransform? {
        let centroid = pairs.reduce(SIMD3<Double>.zero) { $0 + $1.source } / Double(pairs.count)
        var a = [Double](repeating: 0, count: 36)
        var b = [Double](repeating: 0, count: 6)
        for (slot, pair) in pairs.enumerated() {
            let n = pair.targetNormal
            let c = cross(pair.source - centroid, n)
            let row = [c.x, c.y, c.z, n.x, n.y, n.z]
            for i in 0..<6 {
                b[i] -= row[i] * residuals[slot]
                for j in i..<6 { a[i * 6 + j] += row[i] * row[j] }
            }
        }
        for i in 0..<6 { for j in 0..<i { a[i * 6 + j] = a[j * 6 + i] } }
        guard let x = solve(a, b, size: 6) else { return nil }
        let omega = SIMD3(x[0], x[1], x[2])
        let angle = length(omega)
        let rotation = RigidTransform(axis: angle > 0 ? omega : SIMD3(0, 0, 1), angle: angle)
        // Rotate about the centroid, then translate.
        let translation = centroid - rotation.rotate(centroid) + SIMD3(x[3], x[4], x[5])
        return RigidTransform(rotation: rotation.rotation, translation: translation)
    }

    /// Horn's closed form: the rotation from the largest eigenvector of his 4×4 matrix.
    static func pointToPointStep(_ pairs: [Pair], _ tree: KDTree) -> RigidTransform {
        let n = Double(pairs.count)
        let sourceCentroid = pairs.reduce(SIMD3<Double>.zero) { $0 + $1.source } / n
        let targetCentroid = pairs.reduce(SIMD3<Double>.zero) { $0 + tree.point(at: Int($1.position)) } / n
        var s = [Double](repeating: 0, count: 9)
        for pair in pairs {
            let p = pair.source - sourceCentroid
            let q = tree.point(at: Int(pair.position)) - targetCentroid
            let pv = [p.x, p.y, p.z]
            let qv = [q.x, q.y, q.z]
            for i in 0..<3 { for j in 0..<3 { s[i * 3 + j] += pv[i] * qv[j] } }
        }
        let (sxx, sxy, sxz, syx, syy, syz, szx, szy, szz) = (s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8])
        let horn = [
            sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
            syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
            szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
            sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
        ]
        let (_, vectors) = jacobiEigen(horn, size: 4)
        let q = vectors[3]
        let (w, x, y, z) = (q[0], q[1], q[2], q[3])
        let rotation = (
            SIMD3(w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y)),
            SIMD3(2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x)),
            SIMD3(2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z)
        )
        let r = RigidTransform(rotation: rotation, translation: .zero)
        return RigidTransform(rotation: rotation, translation: targetCentroid - r.rotate(sourceCentroid))
    }

    /// Gaussian elimination with partial pivoting; nil for a singular system.
    static func solve(_ matrix: [Double], _ vector: [Double], size n: Int) -> [Double]? {
        var a = matrix
        var b = vector
        let scale = a.map(abs).max() ?? 0
        guard scale > 0 else { return nil }
        for column in 0..<n {
            var pivot = column
            for row in (column + 1)..<n where abs(a[row * n + column]) > abs(a[pivot * n + column]) { pivot = row }
            guard abs(a[pivot * n + column]) > scale * 1e-14 else { return nil }
            if pivot != column {
                for k in 0..<n { a.swapAt(column * n + k, pivot * n + k) }
                b.swapAt(column, pivot)
            }
            for row in (column + 1)..<n {
                let factor = a[row * n + column] / a[column * n + column]
                for k in column..<n { a[row * n + k] -= factor * a[column * n + k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row * n + k] * x[k] }
            x[row] = sum / a[row * n + row]
        }
        return x
    }
}

/// Normals of the target cloud: the file's own when it has them (read in place, by input
/// index), otherwise fitted to the 16 nearest points, only for the points that are matched
/// (and each only once). Fitted normals are appended to a list, found through a slot per tree
/// point: 4 bytes a point and 12 a fitted normal, where a dictionary held three times as much
/// while it grew.
struct TargetNormals {
    let given: [Float]?
    let tree: KDTree
    /// Per tree position, 1 + the fitted normal's index in `fitted`, or 0 (empty when given).
    private var slots: [Int32]
    private var fitted: [SIMD3<Float>] = []

    init(given: [Float]?, tree: KDTree) {
        self.given = given
        self.tree = tree
        slots = given == nil ? [Int32](repeating: 0, count: tree.count) : []
    }

    /// Sets each pair's target normal: given, fitted before, or fitted now (all cores). A given
    /// normal that is not finite is fitted too. A point whose neighbours fit no plane gets zero.
    mutating func attach(to pairs: inout [ICP.Pair]) {
        var missing = [Int32]()  // tree positions to fit, each once
        var waiting = [Int]()  // pairs whose normal is fitted now
        for slot in pairs.indices {
            let position = Int(pairs[slot].position)
            if let given {
                let base = 3 * tree.inputIndex(position)
                let normal = SIMD3(given[base], given[base + 1], given[base + 2])
                if normal.x.isFinite && normal.y.isFinite && normal.z.isFinite {
                    pairs[slot].normal = normal
                    continue
                }
                if slots.isEmpty { slots = [Int32](repeating: 0, count: tree.count) }
            }
            let known = slots[position]
            if known > 0 {
                pairs[slot].normal = fitted[Int(known) - 1]
                continue
            }
            if known == 0 {
                slots[position] = -1  // listed once
                missing.append(Int32(position))
            }
            waiting.append(slot)
        }
        guard !missing.isEmpty else { return }
        missing.sort()
        let tree = self.tree
        let normals = parallelArray(count: missing.count, repeating: SIMD3<Float>.zero, minimumChunk: 512) {
            range, out in
            for slot in range {
                let normal = tree.plane(at: tree.point(at: Int(missing[slot])), nearest: 16)?.normal ?? .zero
                out[slot] = SIMD3(Float(normal.x), Float(normal.y), Float(normal.z))
            }
        }
        for (slot, position) in missing.enumerated() {
            fitted.append(normals[slot])
            slots[Int(position)] = Int32(fitted.count)
        }
        for slot in waiting { pairs[slot].normal = fitted[Int(slots[Int(pairs[slot].position)]) - 1] }
    }
}
