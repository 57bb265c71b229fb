/// Compares two survey epochs end to end: optional alignment, then M3C2, C2C or C2M, then
/// damage regions. Parameters not given are derived from the data and reported as such.
public enum ComparisonMethod: String, Sendable, Codable, CaseIterable {
    case m3c2
    case c2c
    case c2m
}

public struct ComparisonOptions: Sendable {
    public var method: ComparisonMethod = .m3c2
    /// Align the compared epoch onto the reference by ICP first.
    public var align = false
    public var icpMetric: ICPParameters.Metric = .pointToPlane
    public var maximumCorrespondenceDistance: Double?
    public var icpSampleCount = 100_000
    public var stableRegion: (lower: SIMD3<Double>, upper: SIMD3<Double>)?
    public var initialTransform: RigidTransform = .identity
    public var normalRadii: [Double]?
    public var cylinderRadius: Double?
    public var cylinderHalfLength: Double?
    public var coreSpacing: Double?
    /// Use every reference point as a core point.
    public var allCorePoints = false
    public var registrationError: Double?
    public var minimumPoints = 3
    /// Which side of the reference surface is out (M3C2, and C2C with a local plane).
    public var orientation: OrientationChoice = .automatic
    /// The before epoch is an airborne or terrain survey (a LAS file): automatic orientation is +z.
    public var isTerrainSurvey = false
    /// M3C2: how each cylinder is summarised (robust by default; see `M3C2Parameters.Statistic`).
    public var statistic: M3C2Parameters.Statistic = .robust
    /// C2C: fit a local plane over this many reference neighbours (nil: nearest neighbour).
    public var localPlaneNeighbours: Int?
    /// C2C and C2M: a distance beyond which a point counts as changed (nil: 3 robust standard
    /// deviations of the distances, 3 × 1.4826 × median |d|).
    public var changeThreshold: Double?
    public var regions = RegionParameters()
    /// Asked at each stage: true stops the comparison with a `cancelled` error.
    public var isCancelled: (@Sendable () -> Bool)?
    /// Told the fraction done (0-1) of the stage that measures the distances, the longest, as
    /// its chunks finish (at most once per hundredth, from any thread).
    public var stageProgress: (@Sendable (Double) -> Void)?

    public init() {}
}

/// Every parameter the comparison used, given or derived.
public struct ComparisonParameters: Sendable, Codable, Equatable {
    public var normalRadii: [Double]?
    public var cylinderRadius: Double?
    public var cylinderHalfLength: Double?
    public var coreSelection: String?
    public var registrationError: Double?
    public var minimumPoints: Int?
    public var orientation: String?
    /// How the orientation was decided: given, or automatic and why.
    public var orientationBasis: String?
    /// M3C2: `mean` or `median`.
    public var statistic: String?
    public var c2cModel: String?
    public var changeThreshold: Double?
    public var alignment: String
    public var maximumCorrespondenceDistance: Double?
    public var regionLinkDistance: Double
    public var regionMinimumPoints: Int
    public var regionMinimumArea: Double
    /// Names of the parameters the user did not give, derived from the data.
    public var derived: [String]
    /// The median distance between neighbouring reference points, which derived values scale with.
    public var referenceSpacing: Double

    /// As text, for an asset version's derivation record.
    public var textValues: [String: String] {
        var values = [String: String]()
        func put(_ key: String, _ value: Any?) { if let value { values[key] = "\(value)" } }
        put("normalRadii", normalRadii?.map { "\($0)" }.joined(separator: ","))
        put("cylinderRadius", cylinderRadius)
        put("cylinderHalfLength", cylinderHalfLength)
        put("coreSelection", coreSelection)
        put("registrationError", registrationError)
        put("minimumPoints", minimumPoints)
        put("orientation", orientation)
        put("orientationBasis", orientationBasis)
        put("statistic", statistic)
        put("c2cModel", c2cModel)
        put("changeThreshold", changeThreshold)
        put("alignment", alignment)
        put("maximumCorrespondenceDistance", maximumCorrespondenceDistance)
        put("regionLinkDistance", regionLinkDistance)
        put("regionMinimumPoints", regionMinimumPoints)
        put("regionMinimumArea", regionMinimumArea)
        put("derived", derived.joined(separator: ","))
        return values
    }
}

/// Distances at the points a comparison reports at, and what they add up to.
public struct SurveyComparisonResult: Sendable {
    public var method: ComparisonMethod
    public var parameters: ComparisonParameters
    public var registration: RegistrationReport?
    /// Where distances were measured (M3C2: core points; C2C and C2M: the compared points,
    /// after alignment), in the reference epoch's coordinates.
    public var points: PointCloud
    /// NaN: no data.
    public var distance: [Double]
    /// M3C2 only.
    public var levelOfDetection: [Double]?
    public var significant: [Bool]
    public var m3c2: [M3C2Measurement]?
    public var regions: RegionAnalysis
    public var statistics: DistanceStatistics
}

public struct DistanceStatistics: Sendable, Codable, Equatable {
    public var median: Double?
    public var mean: Double?
    /// 95th percentile of |distance|.
    public var p95: Double?
    public var measured: Int
    public var significant: Int
    public var noData: Int

    init(distance: [Double], significant: [Bool]) {
        var values = distance.filter(\.isFinite)
        measured = values.count
        noData = distance.count - values.count
        self.significant = significant.lazy.filter { $0 }.count
        guard !values.isEmpty else { return }
        mean = values.reduce(0, +) / Double(values.count)
        median = quantile(&values, 0.5)
        // The same array, made magnitudes in place: a million distances are 8 MB a copy.
        for index in values.indices { values[index] = abs(values[index]) }
        p95 = quantile(&values, 0.95)
    }
}

/// A stage of a long comparison, for a progress line.
public typealias ComparisonProgress = @Sendable (String) -> Void

public enum SurveyComparison {
    /// Compares `after` with `before` (the reference). For C2M, `before` must be a mesh.
    /// Each epoch's positions are let go as soon as its tree (or mesh) holds them, so a caller
    /// that hands them over (`consume`) does not keep two copies through the comparison.
    public static func run(
        before: consuming PointCloud, beforeTriangles: consuming [UInt32] = [], after: consuming PointCloud,
        corePoints givenCores: PointCloud? = nil, options: ComparisonOptions, progress: ComparisonProgress = { _ in }
    ) throws(SurveyDiffError) -> SurveyComparisonResult {
        func stage(_ name: String) throws(SurveyDiffError) {
            if options.isCancelled?() == true { throw SurveyDiffError(.cancelled, "the comparison was cancelled") }
            progress(name)
        }
        guard before.count >= 3 else { throw SurveyDiffError(.emptyInput, "the before epoch has fewer than 3 points") }
        guard after.count >= 3 else { throw SurveyDiffError(.emptyInput, "the after epoch has fewer than 3 points") }
        if options.method == .c2m && beforeTriangles.isEmpty {
            throw SurveyDiffError(
                .invalidParameter, "C2M compares with a mesh: the before scan has no triangles (use m3c2 or c2c)")
        }
        if let threshold = options.changeThreshold {
            try SurveyDiffError.requirePositive(threshold, "change threshold")
        }
        // The side normals face is decided on the reference epoch before its positions go to
        // its tree, and only where normals are signed: M3C2, and C2C with a local plane.
        var orientation = NormalOrientation.axis(SIMD3(0, 0, 1))
        var orientationBasis: String?
        if options.method == .m3c2 || (options.method == .c2c && options.localPlaneNeighbours != nil) {
            try stage("orienting normals")
            (orientation, orientationBasis) = try options.orientation.resolve(
                positions: before.positions, triangles: beforeTriangles, isTerrainSurvey: options.isTerrainSurvey)
        }
        try stage("indexing the before epoch (\(before.count) points)")
        // A tree keeps only what its queries need (KDTree.Contents), and a tree over positions
        // nothing else needs reorders them in place instead of copying them. M3C2's epochs need
        // only cylinders and spheres once the spacing (and ICP) have their nearest neighbours;
        // C2C and C2M need nearest neighbours, and the compared points' tree their indices.
        let isM3C2 = options.method == .m3c2
        let movesAfter = options.align || options.initialTransform != .identity
        var referenceContents: KDTree.Contents = isM3C2 ? [.points, .surface] : [.points]
        // ICP reads a file's own normals by input index; C2M's mesh and M3C2 with every point a
        // core point need the before positions as they are.
        let beforeNormals = options.align ? before.normals : nil
        if beforeNormals != nil { referenceContents.insert(.indices) }
        let keepBefore = options.method == .c2m || (isM3C2 && givenCores == nil && options.allCorePoints)
        let beforeBounds = options.align ? before.bounds : nil
        // C2C and C2M measure at the compared points. When all are finite, the points' tree takes
        // them over: distances and regions are found in tree order, then put back in input order
        // once the reference is gone, so the points are never held twice beside it.
        let order: ResultOrder = !isM3C2 && after.positions.allSatisfy(\.isFinite) ? .tree : .input
        let beforePositions = Handoff(keepBefore ? before.positions : before.takePositions())
        var referenceTree: KDTree
        var afterTree: KDTree?
        if movesAfter || isM3C2 || options.method == .c2m {
            // M3C2 builds its trees one after the other, each letting its epoch's positions go
            // before the next: side by side, both epochs and both trees would be held at once.
            // C2M builds its mesh's hierarchy before the compared points' tree, for the same reason.
            referenceTree = KDTree(positions: beforePositions.take(), keeping: referenceContents)
        } else {
            // The two builds run side by side (a build uses a second core poorly on its own).
            let afterPositions = Handoff(order == .tree ? after.takePositions() : after.positions)
            (referenceTree, afterTree) = concurrently(
                { KDTree(positions: beforePositions.take(), keeping: referenceContents) },
                { Optional(KDTree(positions: afterPositions.take(), keeping: [.points, .indices])) })
        }
        ProcessMemory.releaseFreedMemory()
        let spacing = DamageRegions.medianSpacing(referenceTree)
        guard spacing > 0 else { throw SurveyDiffError(.emptyInput, "the before epoch's points all coincide") }
        var derived = [String]()
        var parameters = ComparisonParameters(
            alignment: "none", regionLinkDistance: 0, regionMinimumPoints: options.regions.minimumPoints,
            regionMinimumArea: options.regions.minimumArea, derived: [], referenceSpacing: spacing)

        // Alignment.
        // Handed over: moving it (alignment) then changes it in place instead of copying it.
        var compared = consume after
        var registration: RegistrationReport?
        if options.align {
            let diagonal = beforeBounds.map { length($0.upper - $0.lower) } ?? 1
            let maximum = options.maximumCorrespondenceDistance ?? 0.02 * diagonal
            if options.maximumCorrespondenceDistance == nil { derived.append("maximumCorrespondenceDistance") }
            try stage("aligning the after epoch (ICP \(options.icpMetric.rawValue))")
            let (transform, report) = try ICP.align(
                source: compared, targetNormals: beforeNormals, targetTree: referenceTree,
                parameters: ICPParameters(
                    metric: options.icpMetric, maximumCorrespondenceDistance: maximum,
                    sampleCount: options.icpSampleCount, stableRegion: options.stableRegion,
                    initial: options.initialTransform))
            compared.transform(by: transform)
            registration = report
            parameters.alignment =
                "icp \(options.icpMetric.rawValue)" + (options.stableRegion == nil ? "" : ", stable region")
            parameters.maximumCorrespondenceDistance = maximum
        } else if options.initialTransform != .identity {
            compared.transform(by: options.initialTransform)
            parameters.alignment = "given transform"
        }

        var points: PointCloud
        var distance: [Double]
        var levelOfDetection: [Double]?
        var significant: [Bool]
        var measurements: [M3C2Measurement]?
        var regions: RegionAnalysis
        switch options.method {
        case .m3c2:
            let cylinderRadius = options.cylinderRadius ?? 5 * spacing
            if options.cylinderRadius == nil { derived.append("cylinderRadius") }
            let normalRadii = options.normalRadii ?? [2 * cylinderRadius]
            if options.normalRadii == nil { derived.append("normalRadii") }
            let halfLength = options.cylinderHalfLength ?? 10 * cylinderRadius
            if options.cylinderHalfLength == nil { derived.append("cylinderHalfLength") }
            let registrationError = options.registrationError ?? registration?.rms ?? 0
            if options.registrationError == nil { derived.append("registrationError") }
            let selection: CorePointSelection
            if let givenCores {
                selection = .given(givenCores)
            } else if options.allCorePoints {
                selection = .all
            } else {
                selection = .spacing(options.coreSpacing ?? cylinderRadius)
                if options.coreSpacing == nil { derived.append("coreSpacing") }
            }
            // Core points by spacing come from the reference tree's points (the before epoch in
            // tree order, where the before array no longer is).
            points = try selection.corePoints(of: keepBefore ? before : PointCloud(positions: referenceTree.points))
            before = PointCloud(positions: [])
            referenceTree = referenceTree.keeping(.surface)
            try stage("indexing the after epoch (\(compared.count) points)")
            let comparedTree = KDTree(positions: compared.takePositions(), keeping: .surface)
            let m3c2 = M3C2Parameters(
                normalRadii: normalRadii, cylinderRadius: cylinderRadius, cylinderHalfLength: halfLength,
                registrationError: registrationError, minimumPoints: options.minimumPoints,
                orientation: orientation, statistic: options.statistic)
            ProcessMemory.releaseFreedMemory()
            try stage("M3C2 at \(points.count) core points")
            let result = try M3C2.compare(
                referenceTree: consume referenceTree, comparedTree: consume comparedTree, corePoints: points,
                parameters: m3c2, progress: options.stageProgress)
            // The epochs' trees are gone: the core points' tree, for the regions, takes their place
            // rather than adding to them (the cores were visited in Morton order).
            try stage("indexing the core points (\(points.count))")
            let coreTree = KDTree(positions: points.positions, keeping: [.points, .indices])
            measurements = result.measurements
            distance = result.measurements.map(\.distance)
            levelOfDetection = result.measurements.map(\.levelOfDetection)
            significant = result.measurements.map(\.isSignificant)
            parameters.normalRadii = normalRadii
            parameters.cylinderRadius = cylinderRadius
            parameters.cylinderHalfLength = halfLength
            parameters.coreSelection = selection.description
            parameters.registrationError = registrationError
            parameters.minimumPoints = options.minimumPoints
            parameters.orientation = orientation.description
            parameters.orientationBasis = orientationBasis
            parameters.statistic = options.statistic.rawValue
            try stage("grouping significant change into regions")
            regions = try DamageRegions.find(
                corePoints: points, distance: distance, significant: significant, parameters: options.regions,
                tree: coreTree)
        case .c2c, .c2m:
            // The measured points' own tree: queries run in its order (cache-friendly), and regions use it.
            var mesh: TriangleBVH?
            if options.method == .c2m {
                try stage("indexing the before mesh (\(beforeTriangles.count / 3) triangles)")
                referenceTree = KDTree(positions: [])  // it gave the spacing; the mesh takes its place
                mesh = TriangleBVH(positions: before.positions, triangles: beforeTriangles)
                (before, beforeTriangles) = (PointCloud(positions: []), [])  // the mesh holds them
                ProcessMemory.releaseFreedMemory()  // the hierarchy's build
            }
            let comparedTree =
                afterTree.take()
                ?? KDTree(
                    positions: order == .tree ? compared.takePositions() : compared.positions,
                    keeping: [.points, .indices])
            points = order == .tree ? PointCloud(positions: comparedTree.points) : compared
            compared = PointCloud(positions: [])
            ProcessMemory.releaseFreedMemory()  // what the builds freed, before the distances take room
            if options.method == .c2c {
                before = PointCloud(positions: [])
                let model: C2C.Model =
                    options.localPlaneNeighbours.map { .localPlane(neighbours: $0) } ?? .nearestNeighbour
                try stage("C2C at \(points.count) points")
                distance = try C2C.distances(
                    from: points, to: referenceTree, model: model, orientation: orientation,
                    comparedTree: comparedTree, order: order, progress: options.stageProgress)
                parameters.c2cModel = model.description
                if case .localPlane = model {
                    parameters.orientation = orientation.description
                    parameters.orientationBasis = orientationBasis
                }
            } else if let bvh = mesh.take() {
                try stage("C2M at \(points.count) points")
                distance = try C2M.distances(
                    from: points, to: bvh, comparedTree: comparedTree, order: order, progress: options.stageProgress)
            } else {
                preconditionFailure("C2M without its mesh")
            }
            referenceTree = KDTree(positions: [])  // done with: the regions need only the measured points
            ProcessMemory.releaseFreedMemory()
            (significant, parameters.changeThreshold) = thresholded(distance, options.changeThreshold, &derived)
            try stage("grouping significant change into regions")
            regions = try DamageRegions.find(
                corePoints: points, distance: distance, significant: significant, parameters: options.regions,
                tree: comparedTree, order: order)
            if order == .tree {
                try stage("putting \(points.count) points back in input order")
                // The tree's points are the output's points. The reference is gone by now, so the
                // new arrays fit where it was; the positions first, the largest, so that the
                // smaller arrays then fit where the tree-ordered positions were.
                points = PointCloud(positions: [])
                var (positions, inputIndex) = comparedTree.takePointsAndIndices()
                positions = scattered(positions, by: inputIndex, width: 3)
                ProcessMemory.releaseFreedMemory()
                distance = scattered(distance, by: inputIndex)
                significant = scattered(significant, by: inputIndex)
                regions.labels = scattered(regions.labels, by: inputIndex)
                points = PointCloud(positions: positions)
                ProcessMemory.releaseFreedMemory()
            }
        }

        parameters.regionLinkDistance = regions.linkDistance
        if options.regions.linkDistance == nil { derived.append("regionLinkDistance") }
        parameters.derived = derived
        return SurveyComparisonResult(
            method: options.method, parameters: parameters, registration: registration, points: points,
            distance: distance, levelOfDetection: levelOfDetection, significant: significant, m3c2: measurements,
            regions: regions, statistics: DistanceStatistics(distance: distance, significant: significant))
    }

    static func thresholded(
        _ distance: [Double], _ given: Double?, _ derived: inout [String]
    ) -> ([Bool], Double) {
        var threshold = given ?? 0
        if given == nil {
            var magnitudes = [Double]()
            magnitudes.reserveCapacity(distance.count)
            for value in distance where value.isFinite { magnitudes.append(abs(value)) }
            threshold = 3 * 1.4826 * (quantile(&magnitudes, 0.5) ?? 0)
            derived.append("changeThreshold")
        }
        return (distance.map { $0.isFinite && abs($0) > threshold }, threshold)
    }
}
