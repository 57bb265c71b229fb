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

    /// The measured points with their results as scalar fields (binary PLY). CloudCompare shows
    /// them as `distance`, `level_of_detection`, `significant`, `region`, … .
    public func cloudPLY(comments: [String] = []) -> [UInt8] {
        var fields = [ScalarField(name: "distance", values: distance.map { Float($0) })]
        if let levelOfDetection {
            fields.append(ScalarField(name: "level_of_detection", values: levelOfDetection.map { Float($0) }))
        }
        fields.append(ScalarField(name: "significant", values: significant.map { $0 ? 1 : 0 }))
        fields.append(ScalarField(name: "region", values: regions.labels.map { Float($0) }))
        var normals: [Float]?
        if let m3c2 {
            fields.append(ScalarField(name: "n1", values: m3c2.map { Float($0.referenceCount) }))
            fields.append(ScalarField(name: "n2", values: m3c2.map { Float($0.comparedCount) }))
            fields.append(ScalarField(name: "sigma1", values: m3c2.map { Float($0.referenceSpread) }))
            fields.append(ScalarField(name: "sigma2", values: m3c2.map { Float($0.comparedSpread) }))
            fields.append(ScalarField(name: "no_data_reason", values: m3c2.map { Float($0.status.rawValue) }))
            normals = m3c2.flatMap { [Float($0.normal.x), Float($0.normal.y), Float($0.normal.z)] }
        }
        let geometry = ScanGeometry(positions: points.positions, normals: normals, scalarFields: fields)
        return PLYWriter.data(geometry, encoding: .binaryLittleEndian, comments: comments)
    }
}
