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
        var normals = TargetNormals(target: target, tree: targetTree)
        var transform = parameters.initial
        var rmsBefore = Double.nan
        var last = (rms: Double.nan, kept: 0, excluded: 0)
        var iterations = 0
        var converged = false
        while iterations < parameters.maximumIterations {
            iterations += 1
            let pairs = correspondences(samples, transform, targetTree, parameters.maximumCorrespondenceDistance)
            if parameters.metric == .pointToPlane { normals.prepare(pairs.map(\.target)) }
            var residuals = [Double](repeating: 0, count: pairs.count)
            for (slot, pair) in pairs.enumerated() {
                residuals[slot] =
                    parameters.metric == .pointToPlane
                    ? dot(pair.source - pair.targetPoint, normals.normal(pair.target))
                    : length(pair.source - pair.targetPoint)
            }
            var keep = [Bool](repeating: true, count: pairs.count)
            var excluded = 0
            if parameters.excludeLargeResiduals && pairs.count > 20 {
                var magnitudes = residuals.map(abs)
                let limit = max(3 * 1.4826 * (quantile(&magnitudes, 0.5) ?? 0), 1e-12)
                for slot in pairs.indices where abs(residuals[slot]) > limit {
                    keep[slot] = false
                    excluded += 1
                }
            }
            let kept = pairs.indices.filter { keep[$0] }
            guard kept.count >= 6 else {
                throw SurveyDiffError(
                    .notConverged,
                    "only \(kept.count) correspondences within \(parameters.maximumCorrespondenceDistance); "
                        + "give a larger maximum correspondence distance or an initial transform")
            }
            let rms = (kept.reduce(0.0) { $0 + residuals[$1] * residuals[$1] } / Double(kept.count)).squareRoot()
            if iterations == 1 { rmsBefore = rms }
            last = (rms, kept.count, excluded)
            let step: RigidTransform
            switch parameters.metric {
            case .pointToPlane:
                guard let solved = pointToPlaneStep(kept.map { pairs[$0] }, kept.map { residuals[$0] }, normals)
                else {
                    throw SurveyDiffError(
                        .notConverged, "the point-to-plane system is singular (a flat or empty overlap)")
                }
                step = solved
            case .pointToPoint:
                step = pointToPointStep(kept.map { pairs[$0] })
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

    struct Pair {
        var source: SIMD3<Double>
        var target: Int
        var targetPoint: SIMD3<Double>
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
        let found = parallelArray(count: samples.count, repeating: Pair?.none, minimumChunk: 1024) { range, out in
            for slot in range {
                let p = transform.apply(samples[slot])
                if let nearest = tree.nearest(to: p, maximumDistance: maximum) {
                    out[slot] = Pair(source: p, target: nearest.position, targetPoint: tree.point(at: nearest.position))
                }
            }
        }
        return found.compactMap { $0 }
    }

    /// Solves the linearised point-to-plane problem (small rotation about the pairs' centroid).
    static func pointToPlaneStep(_ pairs: [Pair], _ residuals: [Double], _ normals: TargetNormals) -> RigidTransform? {
        let centroid = pairs.reduce(SIMD3<Double>.zero) { $0 + $1.source } / Double(pairs.count)
        var a = [Double](repeating: 0, count: 36)
        var b = [Double](repeating: 0, count: 6)
        for (slot, pair) in pairs.enumerated() {
            let n = normals.normal(pair.target)
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
    static func pointToPointStep(_ pairs: [Pair]) -> RigidTransform {
        let n = Double(pairs.count)
        let sourceCentroid = pairs.reduce(SIMD3<Double>.zero) { $0 + $1.source } / n
        let targetCentroid = pairs.reduce(SIMD3<Double>.zero) { $0 + $1.targetPoint } / n
        var s = [Double](repeating: 0, count: 9)
        for pair in pairs {
            let p = pair.source - sourceCentroid
            let q = pair.targetPoint - targetCentroid
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

/// Normals of the target cloud: the file's own when it has them, otherwise fitted to the 16
/// nearest points, only for the points that are matched (and each only once).
struct TargetNormals {
    let target: PointCloud
    let tree: KDTree
    /// By tree position, x, y, z interleaved as Float (12 bytes a point, not a SIMD3<Double>'s
    /// 32: a unit normal needs no more digits); NaN until computed.
    var normals: [Float]

    init(target: PointCloud, tree: KDTree) {
        self.target = target
        self.tree = tree
        normals = [Float](repeating: .nan, count: 3 * tree.count)
        if let given = target.normals {
            for position in 0..<tree.count {
                let index = tree.inputIndex(position)
                for axis in 0..<3 { normals[3 * position + axis] = given[3 * index + axis] }
            }
        }
    }

    mutating func prepare(_ positions: [Int]) {
        var missing = Array(Set(positions.filter { normals[3 * $0].isNaN }))
        missing.sort()
        guard !missing.isEmpty else { return }
        let tree = self.tree
        let fitted = parallelArray(count: missing.count, repeating: SIMD3<Double>.zero, minimumChunk: 512) {
            range, out in
            for slot in range {
                out[slot] = tree.plane(at: tree.point(at: missing[slot]), nearest: 16)?.normal ?? .zero
            }
        }
        for (slot, position) in missing.enumerated() {
            for axis in 0..<3 { normals[3 * position + axis] = Float(fitted[slot][axis]) }
        }
    }

    @inline(__always)
    func normal(_ position: Int) -> SIMD3<Double> {
        let x = normals[3 * position]
        return x.isNaN ? .zero : SIMD3(Double(x), Double(normals[3 * position + 1]), Double(normals[3 * position + 2]))
    }
}
