/// Multiscale Model to Model Cloud Comparison (Lague, Brodu and Leroux 2013).
///
/// At each core point: a normal from the reference epoch's neighbours (the most planar of the
/// given scales), then a cylinder along that normal. The distance is the mean position along the
/// normal of the compared epoch's points in the cylinder minus that of the reference epoch's.
/// The 95 % level of detection is `1.96·sqrt(σ1²/n1 + σ2²/n2) + registration error`, with σ the
/// standard deviation of the positions along the normal (population form, as PDAL and
/// CloudCompare compute it). A core point where either epoch has too few points is "no data":
/// its distance is NaN, never 0.
///
/// With `statistic = .median`, each cylinder's position is the median and its spread the
/// interquartile range divided by 1.349 (the standard deviation for normally distributed
/// positions): a cylinder that straddles the edge of a change then follows the majority of its
/// points instead of their mean. It cannot use the tree's stored moments, so it is slower.
public struct M3C2Parameters: Sendable {
    /// How a cylinder's points are summarised.
    public enum Statistic: String, Sendable, Codable, CaseIterable {
        case mean
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
        minimumPoints: Int = 3, orientation: NormalOrientation = .axis(SIMD3(0, 0, 1)), statistic: Statistic = .mean
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

/// What M3C2 found at one core point.
public struct M3C2Measurement: Sendable {
    /// Compared minus reference along the normal; NaN where there is no data.
    public var distance = Double.nan
    /// 95 % level of detection; NaN where there is no data.
    public var levelOfDetection = Double.nan
    public var referenceCount: Int32 = 0
    public var comparedCount: Int32 = 0
    /// Standard deviations of the positions along the normal in each epoch's cylinder.
    public var referenceSpread = Double.nan
    public var comparedSpread = Double.nan
    /// Unit normal (NaN where none could be fitted). Kept as three numbers: a stored
    /// `SIMD3<Double>` is aligned to 32 bytes and would make every measurement 112 bytes, not 80.
    public var normal: SIMD3<Double> {
        get { SIMD3(normalX, normalY, normalZ) }
        set { (normalX, normalY, normalZ) = (newValue.x, newValue.y, newValue.z) }
    }
    private var normalX = Double.nan
    private var normalY = Double.nan
    private var normalZ = Double.nan
    /// The normal radius used.
    public var normalScale = Double.nan
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
        let tree1 = referenceTree ?? KDTree(positions: reference.positions)
        let tree2 = comparedTree ?? KDTree(positions: compared.positions)
        // Visit the core points in space-filling (k-d tree) order: neighbouring queries then touch
        // the same parts of the epochs' trees, which stay in cache. Given core points often come in
        // random order; this alone makes M3C2 several times faster on them.
        // With a core tree, the core points are read from its contiguous copy in its order;
        // without, they are visited in Morton (Z-curve) order, which costs no tree.
        let order = coreTree.map { $0.indices } ?? mortonOrder(corePoints)
        var measurements = [M3C2Measurement](repeating: M3C2Measurement(), count: corePoints.count)
        measurements.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            parallelChunks(order.count, minimumChunk: 256) { range in
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
        let first = cylinderStatistics(tree1, core, normal, parameters)
        let second = cylinderStatistics(tree2, core, normal, parameters)
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
        m.levelOfDetection = 1.96 * spread.squareRoot() + parameters.registrationError
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
}
