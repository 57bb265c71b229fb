import Foundation

/// Multiscale Model to Model Cloud Comparison (Lague, Brodu and Leroux 2013).
///
/// At each core point: a normal from the reference epoch's neighbours (the most planar of the
/// given scales), then a cylinder along that normal. The distance is the difference of the
/// compared and the reference epoch's positions along the normal in the cylinder. The 95 % level
/// of detection is the paper's `1.96·(sqrt(σ1²/n1 + σ2²/n2) + registration error)` (its eq. 1, as
/// PDAL, py4dgeo and CloudCompare compute it), with σ the standard deviation of the positions
/// along the normal (population form, as PDAL and CloudCompare compute it). A core point where
/// either epoch has too few points is "no data": its distance is NaN, never 0.
///
/// How a cylinder's positions are summarised (`statistic`):
/// - `mean`: mean and standard deviation, the paper's definition. A cylinder that straddles the
///   edge of a change reads part of it, so stable points up to about a cylinder radius from a
///   loss are flagged.
/// - `robust` (the default): the mean, except where the two epochs' spreads differ beyond chance
///   (an F-test at 0.1 %), the mark of a cylinder in which one epoch holds a second surface or
///   stray points. There, each epoch's outliers (Hampel's X84 rule: beyond 3.5 robust standard
///   deviations of the median) are left out where a gap wider than that sets them apart from the
///   rest (a surface behind a step, not the tail of a slope) and they are at most a quarter of
///   its points; a larger group is a real second surface and is kept. Unmixed cylinders cost
///   nothing extra, and on PDAL's Autzen test it gives PDAL's figures.
/// - `median`: median and interquartile range / 1.349 (CloudCompare's option). It follows the
///   majority, but a cylinder split near half and half gets a wide spread and is missed.
public struct M3C2Parameters: Sendable {
    /// How a cylinder's points are summarised (see the type's description above).
    public enum Statistic: String, Sendable, Codable, CaseIterable {
        /// Mean and standard deviation: the paper's definition.
        case mean
        /// The mean, leaving out a minority of outliers where the epochs' spreads differ.
        case robust
        /// Median and interquartile range / 1.349.
        case median
    }
    /// Radii of the spheres normals are fitted in; with several, each core point uses the scale
    /// whose neighbourhood is most planar.
    public var normalRadii: [Double]
    public var cylinderRadius: Double
    /// Half the cylinder's length along the normal. Never shortened or lengthened silently.
    public var cylinderHalfLength: Double
    public var registrationError: Double
    /// Fewest points each epoch must have in a cylinder for a distance.
    public var minimumPoints: Int
    public var orientation: NormalOrientation
    public var statistic: Statistic

    public init(
        normalRadii: [Double], cylinderRadius: Double, cylinderHalfLength: Double, registrationError: Double = 0,
        minimumPoints: Int = 3, orientation: NormalOrientation = .axis(SIMD3(0, 0, 1)), statistic: Statistic = .robust
    ) {
        self.statistic = statistic
        self.normalRadii = normalRadii
        self.cylinderRadius = cylinderRadius
        self.cylinderHalfLength = cylinderHalfLength
        self.registrationError = registrationError
        self.minimumPoints = minimumPoints
        self.orientation = orientation
    }

    func validate() throws(SurveyDiffError) {
        guard !normalRadii.isEmpty else { throw SurveyDiffError(.invalidParameter, "give at least one normal radius") }
        for radius in normalRadii { try SurveyDiffError.requirePositive(radius, "normal radius") }
        try SurveyDiffError.requirePositive(cylinderRadius, "cylinder radius")
        try SurveyDiffError.requirePositive(cylinderHalfLength, "cylinder half-length")
        guard registrationError.isFinite, registrationError >= 0 else {
            throw SurveyDiffError(
                .invalidParameter, "registration error must be zero or more, got \(registrationError)")
        }
        guard minimumPoints >= 1 else {
            throw SurveyDiffError(.invalidParameter, "minimum points must be at least 1, got \(minimumPoints)")
        }
    }
}

/// Why a core point has no distance.
public enum NoDataReason: UInt8, Sendable, Codable {
    case measured = 0
    /// Fewer than three reference points within the normal radius.
    case noNormal = 1
    /// Too few reference-epoch points in the cylinder.
    case sparseReference = 2
    /// Too few compared-epoch points in the cylinder: possibly the surface is gone.
    case sparseCompared = 3
}

/// What M3C2 found at one core point. Distance and level of detection are kept as Double; the
/// spreads, normal and scale (reported as Float in the output cloud) as Float: 56 bytes a core
/// point rather than 80, which is 12 MB less for half a million core points.
public struct M3C2Measurement: Sendable {
    /// Compared minus reference along the normal; NaN where there is no data.
    public var distance = Double.nan
    /// 95 % level of detection; NaN where there is no data.
    public var levelOfDetection = Double.nan
    public var referenceCount: Int32 = 0
    public var comparedCount: Int32 = 0
    /// Standard deviations of the positions along the normal in each epoch's cylinder.
    public var referenceSpread: Double {
        get { Double(storedReferenceSpread) }
        set { storedReferenceSpread = Float(newValue) }
    }
    public var comparedSpread: Double {
        get { Double(storedComparedSpread) }
        set { storedComparedSpread = Float(newValue) }
    }
    /// Unit normal (NaN where none could be fitted).
    public var normal: SIMD3<Double> {
        get { SIMD3(Double(normalX), Double(normalY), Double(normalZ)) }
        set { (normalX, normalY, normalZ) = (Float(newValue.x), Float(newValue.y), Float(newValue.z)) }
    }
    /// The normal radius used.
    public var normalScale: Double {
        get { Double(storedNormalScale) }
        set { storedNormalScale = Float(newValue) }
    }
    private var storedReferenceSpread = Float.nan
    private var storedComparedSpread = Float.nan
    private var normalX = Float.nan
    private var normalY = Float.nan
    private var normalZ = Float.nan
    private var storedNormalScale = Float.nan
    public var status = NoDataReason.noNormal

    public var hasData: Bool { status == .measured }
    public var isSignificant: Bool { status == .measured && abs(distance) > levelOfDetection }
}

public struct M3C2Result: Sendable {
    public var corePoints: PointCloud
    public var measurements: [M3C2Measurement]
}

public enum M3C2 {
    /// Compares `compared` with `reference` at `corePoints`. Trees are built here unless given.
    public static func compare(
        reference: PointCloud, compared: PointCloud, corePoints: PointCloud, parameters: M3C2Parameters,
        referenceTree: KDTree? = nil, comparedTree: KDTree? = nil, coreTree: KDTree? = nil
    ) throws(SurveyDiffError) -> M3C2Result {
        try parameters.validate()
        guard reference.count > 0 else { throw SurveyDiffError(.emptyInput, "the reference epoch has no points") }
        guard compared.count > 0 else { throw SurveyDiffError(.emptyInput, "the compared epoch has no points") }
        return try compare(
            referenceTree: referenceTree ?? KDTree(positions: reference.positions),
            comparedTree: comparedTree ?? KDTree(positions: compared.positions), corePoints: corePoints,
            parameters: parameters, coreTree: coreTree)
    }

    /// Compares at `corePoints` the epochs the two trees hold (built for surface queries, not
    /// nearest-only): the epochs' own arrays need not be kept.
    /// `progress`, if given, hears the fraction of core points measured as it grows.
    public static func compare(
        referenceTree tree1: KDTree, comparedTree tree2: KDTree, corePoints: PointCloud, parameters: M3C2Parameters,
        coreTree: KDTree? = nil, progress: (@Sendable (Double) -> Void)? = nil
    ) throws(SurveyDiffError) -> M3C2Result {
        try parameters.validate()
        guard tree1.count > 0 else { throw SurveyDiffError(.emptyInput, "the reference epoch has no points") }
        guard tree2.count > 0 else { throw SurveyDiffError(.emptyInput, "the compared epoch has no points") }
        guard tree1.answersSurfaceQueries, tree2.answersSurfaceQueries else {
            throw SurveyDiffError(.invalidParameter, "M3C2 needs trees built for surface queries, not nearest-only")
        }
        if let coreTree, !coreTree.contents.isSuperset(of: [.points, .indices]) || coreTree.count > corePoints.count {
            throw SurveyDiffError(
                .invalidParameter,
                "a core points' tree must be built on the core points and keep their points and indices")
        }
        // Visit the core points in space-filling (k-d tree) order: neighbouring queries then touch
        // the same parts of the epochs' trees, which stay in cache. Given core points often come in
        // random order; this alone makes M3C2 several times faster on them.
        // With a core tree, the core points are read from its contiguous copy in its order;
        // without, they are visited in Morton (Z-curve) order, which costs no tree.
        let order = coreTree.map { $0.indices } ?? mortonOrder(corePoints)
        ProcessMemory.releaseFreedMemory()  // the order's sort keys, before the measurements
        var measurements = [M3C2Measurement](repeating: M3C2Measurement(), count: corePoints.count)
        measurements.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            parallelChunks(order.count, minimumChunk: 256, meter: WorkMeter(total: order.count, report: progress)) {
                range in
                for slot in range {
                    let index = Int(order[slot])
                    let core = coreTree?.point(at: slot) ?? corePoints.point(index)
                    out.value[index] = measure(at: core, tree1, tree2, parameters)
                }
            }
        }
        return M3C2Result(corePoints: corePoints, measurements: measurements)
    }

    static func measure(
        at core: SIMD3<Double>, _ tree1: KDTree, _ tree2: KDTree, _ parameters: M3C2Parameters
    ) -> M3C2Measurement {
        var m = M3C2Measurement()
        guard let (plane, radius) = bestPlane(at: core, tree1, parameters) else { return m }
        let normal = parameters.orientation.orient(plane.normal, at: core)
        m.normal = normal
        m.normalScale = radius
        var first = cylinderStatistics(tree1, core, normal, parameters)
        var second = cylinderStatistics(tree2, core, normal, parameters)
        if parameters.statistic == .robust, spreadsDiffer(first, second) {
            first = trimmedStatistics(tree1, core, normal, parameters)
            second = trimmedStatistics(tree2, core, normal, parameters)
        }
        // `variance` is the spread squared: the population variance, or (IQR / 1.349)² for medians.
        m.referenceCount = Int32(clamping: first.count)
        m.comparedCount = Int32(clamping: second.count)
        guard first.count >= parameters.minimumPoints else {
            m.status = .sparseReference
            return m
        }
        guard second.count >= parameters.minimumPoints else {
            m.status = .sparseCompared
            return m
        }
        m.status = .measured
        m.distance = second.mean - first.mean
        m.referenceSpread = first.variance.squareRoot()
        m.comparedSpread = second.variance.squareRoot()
        let spread = first.variance / Double(first.count) + second.variance / Double(second.count)
        m.levelOfDetection = 1.96 * (spread.squareRoot() + parameters.registrationError)
        return m
    }

    /// The most planar of the normal scales at `core` (lowest curvature), with its radius.
    static func bestPlane(
        at core: SIMD3<Double>, _ tree: KDTree, _ parameters: M3C2Parameters
    ) -> (LocalPlane, Double)? {
        var best: (LocalPlane, Double)?
        for radius in parameters.normalRadii {
            guard let plane = tree.plane(at: core, radius: radius) else { continue }
            if plane.curvature < best?.0.curvature ?? .infinity { best = (plane, radius) }
        }
        return best
    }

    /// Count, position and squared spread of the positions along `normal` of the points in the
    /// cylinder: mean and population variance, or median and (IQR / 1.349)².
    static func cylinderStatistics(
        _ tree: KDTree, _ core: SIMD3<Double>, _ normal: SIMD3<Double>, _ parameters: M3C2Parameters
    ) -> (count: Int, mean: Double, variance: Double) {
        if parameters.statistic == .median {
            var along = tree.cylinderPositions(
                center: core, axis: normal, radius: parameters.cylinderRadius,
                halfLength: parameters.cylinderHalfLength)
            guard let median = quantile(&along, 0.5), let lower = quantile(&along, 0.25),
                let upper = quantile(&along, 0.75)
            else { return (0, .nan, .nan) }
            let spread = (upper - lower) / 1.349
            return (along.count, median, spread * spread)
        }
        let (count, sum, sumSquares) = tree.cylinderMoments(
            center: core, axis: normal, radius: parameters.cylinderRadius, halfLength: parameters.cylinderHalfLength)
        guard count > 0 else { return (0, .nan, .nan) }
        let mean = sum / Double(count)
        return (count, mean, max(0, sumSquares / Double(count) - mean * mean))
    }

    /// Whether the two epochs' spreads along the normal differ beyond chance (a two-sided F-test
    /// at 0.1 %, by the normal approximation of the log variance ratio): the mark of a cylinder
    /// in which one epoch holds a second surface or stray points.
    static func spreadsDiffer(
        _ first: (count: Int, mean: Double, variance: Double), _ second: (count: Int, mean: Double, variance: Double)
    ) -> Bool {
        guard first.count >= 3, second.count >= 3 else { return false }
        guard first.variance > 0, second.variance > 0 else { return first.variance != second.variance }
        let spread = (2 / Double(first.count - 1) + 2 / Double(second.count - 1)).squareRoot()
        return abs(log(first.variance / second.variance)) > 3.29 * spread
    }

    /// Mean and population variance of the positions along `normal` in the cylinder, leaving out
    /// outliers by Hampel's X84 rule (farther than 3.5 robust standard deviations, 1.4826 MAD, from
    /// the median), on each side only where they are set apart from the kept points by a gap wider
    /// than that limit: a second surface behind a step, not the tail of a curved or rough one
    /// (on the real Autzen terrain the points beyond the limit continue the kept ones, and all are
    /// kept). More than a quarter of the points is a second surface in its own right: all kept.
    static func trimmedStatistics(
        _ tree: KDTree, _ core: SIMD3<Double>, _ normal: SIMD3<Double>, _ parameters: M3C2Parameters
    ) -> (count: Int, mean: Double, variance: Double) {
        var along = tree.cylinderPositions(
            center: core, axis: normal, radius: parameters.cylinderRadius, halfLength: parameters.cylinderHalfLength)
        guard let median = quantile(&along, 0.5) else { return (0, .nan, .nan) }
        var deviations = along.map { abs($0 - median) }
        let limit = 3.5 * 1.4826 * (quantile(&deviations, 0.5) ?? 0)
        // The kept range, and the nearest point beyond the limit on each side.
        var (keptLow, keptHigh) = (median, median)
        var (outerLow, outerHigh) = (-Double.infinity, Double.infinity)
        for t in along {
            if abs(t - median) <= limit {
                keptLow = min(keptLow, t)
                keptHigh = max(keptHigh, t)
            } else if t < median {
                outerLow = max(outerLow, t)
            } else {
                outerHigh = min(outerHigh, t)
            }
        }
        let lowest = keptLow - outerLow > limit ? median - limit : -Double.infinity
        let highest = outerHigh - keptHigh > limit ? median + limit : Double.infinity
        // Sums about the median, over the kept points and over all of them, in one pass.
        var kept = (count: 0, sum: 0.0, sumSquares: 0.0)
        var all = kept
        for t in along {
            let d = t - median
            all = (all.count + 1, all.sum + d, all.sumSquares + d * d)
            if t >= lowest && t <= highest { kept = (kept.count + 1, kept.sum + d, kept.sumSquares + d * d) }
        }
        // Nothing set apart, or too much (a second surface in its own right): every point.
        let (count, sum, sumSquares) = limit == 0 || 4 * kept.count < 3 * along.count ? all : kept
        let mean = sum / Double(count)
        return (count, median + mean, max(0, sumSquares / Double(count) - mean * mean))
    }
}
