import ScanImport

/// One input of a comparison, as the summary records it.
public struct ComparisonInput: Sendable, Codable, Equatable {
    /// `before`, `after` or `cores`.
    public var role: String
    public var name: String
    public var sha256: String
    public var pointCount: Int
    public var triangleCount: Int
    /// The archive's asset version, when the input came from one.
    public var assetVersion: String?
    /// A COPC input read to a level of detail: the deepest level read, and the octree's levels
    /// (`pointCount` is then the points of those levels, not the file's).
    public var copcMaximumLevel: Int?
    public var copcDepth: Int?
    /// An input thinned for a quick look (`diff --subsample`): the cube side, and the points
    /// kept of `pointCount` (one per cube, ``GridSubsample``).
    public var subsampleSpacing: Double?
    public var subsampledPointCount: Int?

    public init(
        role: String, name: String, sha256: String, pointCount: Int, triangleCount: Int, assetVersion: String? = nil
    ) {
        self.role = role
        self.name = name
        self.sha256 = sha256
        self.pointCount = pointCount
        self.triangleCount = triangleCount
        self.assetVersion = assetVersion
    }
}

/// The JSON summary of a comparison: enough to judge it, cite it and repeat it.
public struct ComparisonSummary: Sendable, Codable {
    public var method: String
    public var software: String
    public var units: String
    public var inputs: [ComparisonInput]
    public var parameters: ComparisonParameters
    public var registration: RegistrationReport?
    public var coreCount: Int
    public var significantCount: Int
    public var noDataCount: Int
    public var distance: DistanceStatistics
    public var regions: [DamageRegion]
    /// Plain statements of what the figures do not show.
    public var caveats: [String]
    /// Photo comparisons only: image size, pixels compared and changed, the changed share.
    public var photo: PhotoComparisonFacts? = nil
}

extension SurveyComparisonResult {
    public func summary(inputs: [ComparisonInput], software: String, units: String) -> ComparisonSummary {
        var caveats = [String]()
        if statistics.noData > 0 {
            caveats.append(
                "\(statistics.noData) of \(distance.count) points have no data (too few points in an epoch): "
                    + "no data is not evidence of no change.")
        }
        switch method {
        case .m3c2:
            caveats.append(
                "Distances are along local normals fitted to the before epoch; change smaller than the level "
                    + "of detection at a point is not significant there.")
        case .c2c:
            caveats.append("C2C distances depend on sampling density; they overstate change where points are sparse.")
        case .c2m:
            caveats.append("C2M measures to the before mesh; the mesh's own accuracy is not included.")
        }
        if registration == nil && parameters.alignment == "none" {
            caveats.append("The epochs were compared as given, without alignment; a misregistration shows as change.")
        }
        caveats.append(
            "Volumes are distance times the area each point stands for: an estimate, not a survey of the void.")
        return ComparisonSummary(
            method: method.rawValue, software: software, units: units, inputs: inputs, parameters: parameters,
            registration: registration, coreCount: distance.count, significantCount: statistics.significant,
            noDataCount: statistics.noData, distance: statistics, regions: regions.regions, caveats: caveats)
    }

    /// The measured points with their results as scalar fields (binary PLY), handed to `emit`
    /// in blocks as they are encoded. CloudCompare shows them as `distance`,
    /// `level_of_detection`, `significant`, `region`, … ; M3C2 adds each core point's normal.
    public func writeCloudPLY(
        comments: [String] = [], emit: (UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        var names = ["distance"]
        if levelOfDetection != nil { names.append("level_of_detection") }
        names += ["significant", "region"]
        if m3c2 != nil { names += ["n1", "n2", "sigma1", "sigma2", "no_data_reason"] }
        try PLYWriter.writeBinaryPoints(
            count: points.count, normals: m3c2 != nil, fieldNames: names, comments: comments, emit: emit
        ) { index, position, normal, fields in
            position = points.point(index)
            var field = 0
            func put(_ value: Float) {
                fields[field] = value
                field += 1
            }
            put(Float(distance[index]))
            if let levelOfDetection { put(Float(levelOfDetection[index])) }
            put(significant[index] ? 1 : 0)
            put(Float(regions.labels[index]))
            if let m3c2 {
                let m = m3c2[index]
                put(Float(m.referenceCount))
                put(Float(m.comparedCount))
                put(Float(m.referenceSpread))
                put(Float(m.comparedSpread))
                put(Float(m.status.rawValue))
                normal = SIMD3<Float>(m.normal)
            }
        }
    }
}
