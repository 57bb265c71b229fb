import Foundation
import HeritageStore
import SurveyDiff

/// What a comparison is asked to do, as `heritage diff`'s options and a server's job state it:
/// each field is a diff option (`icpMetric` is `--icp-metric`), unset for its default. One
/// reading of them for both front ends, so the same request gives the same comparison.
public struct ComparisonRequest: Codable, Sendable, Equatable {
    /// m3c2 (default for scans), c2c, c2m, or photo.
    public var method: String?
    /// none (default) or icp.
    public var align: String?
    public var icpMetric: String?
    public var maxCorrespondence: Double?
    /// x0,y0,z0,x1,y1,z1.
    public var stableRegion: [Double]?
    /// 16 numbers, a 4×4 matrix row by row.
    public var initialTransform: [Double]?
    public var normalRadius: [Double]?
    public var cylinderRadius: Double?
    public var cylinderHalfLength: Double?
    public var coreSpacing: Double?
    public var allCorePoints: Bool?
    public var registrationError: Double?
    public var statistic: String?
    public var minPoints: Int?
    public var orient: String?
    public var localPlane: Int?
    public var threshold: Double?
    public var regionMinPoints: Int?
    public var regionMinArea: Double?
    public var regionLink: Double?
    public var smoothing: Int?
    /// Photos: match exposure before comparing colours (default true).
    public var exposureMatch: Bool?
    public var units: String?

    public init() {}

    /// How a field is named in messages: as given (a JSON key), or as the CLI spells it.
    public typealias Naming = @Sendable (String) -> String

    /// `icpMetric` → `--icp-metric`.
    public static let commandLineNaming: Naming = { key in
        "--"
            + key.unicodeScalars.map { scalar in
                CharacterSet.uppercaseLetters.contains(scalar) ? "-" + String(scalar).lowercased() : String(scalar)
            }.joined()
    }

    /// The scan comparison's options, each checked.
    public func comparisonOptions(naming name: Naming = { $0 }) throws -> ComparisonOptions {
        func invalid(_ message: String) -> HeritageStoreError { HeritageStoreError(.invalidInput, message) }
        var options = ComparisonOptions()
        let methodName = (method ?? "m3c2").lowercased()
        guard let chosen = ComparisonMethod(rawValue: methodName) else {
            throw invalid(
                methodName == "photo"
                    ? "\(name("method")) photo compares two photographs (JPEG or PNG); these inputs are scans"
                    : "\(name("method")) must be m3c2, c2c, c2m or photo, not '\(methodName)'")
        }
        options.method = chosen
        switch (align ?? "none").lowercased() {
        case "none": options.align = false
        case "icp": options.align = true
        default: throw invalid("\(name("align")) must be none or icp, not '\(align ?? "")'")
        }
        guard let metric = ICPParameters.Metric(rawValue: (icpMetric ?? "point-to-plane").lowercased()) else {
            throw invalid("\(name("icpMetric")) must be point-to-plane or point-to-point, not '\(icpMetric ?? "")'")
        }
        options.icpMetric = metric
        options.maximumCorrespondenceDistance = maxCorrespondence
        if let values = stableRegion {
            guard values.count == 6, values.allSatisfy(\.isFinite) else {
                throw invalid("\(name("stableRegion")) needs 6 numbers: x0,y0,z0,x1,y1,z1")
            }
            options.stableRegion = (
                SIMD3(min(values[0], values[3]), min(values[1], values[4]), min(values[2], values[5])),
                SIMD3(max(values[0], values[3]), max(values[1], values[4]), max(values[2], values[5]))
            )
        }
        if let values = initialTransform {
            guard values.count == 16, let transform = RigidTransform(matrix: values) else {
                throw invalid("\(name("initialTransform")) needs 16 finite numbers")
            }
            options.initialTransform = transform
        }
        if let normalRadius {
            guard !normalRadius.isEmpty else { throw invalid("\(name("normalRadius")) needs at least one radius") }
            options.normalRadii = normalRadius
        }
        options.cylinderRadius = cylinderRadius
        options.cylinderHalfLength = cylinderHalfLength
        options.coreSpacing = coreSpacing
        options.allCorePoints = allCorePoints ?? false
        options.registrationError = registrationError
        options.minimumPoints = minPoints ?? 3
        guard let chosenStatistic = M3C2Parameters.Statistic(rawValue: (statistic ?? "robust").lowercased()) else {
            throw invalid("\(name("statistic")) must be mean, robust or median, not '\(statistic ?? "")'")
        }
        options.statistic = chosenStatistic
        guard let orientation = OrientationChoice(orient ?? "auto") else {
            throw invalid(
                "\(name("orient")) must be auto, outward, winding, +x, -x, +y, -y, +z, -z, a viewpoint X,Y,Z or "
                    + "away:X,Y,Z, not '\(orient ?? "")'")
        }
        options.orientation = orientation
        options.localPlaneNeighbours = localPlane
        options.changeThreshold = threshold
        options.regions = RegionParameters(
            linkDistance: regionLink, minimumPoints: regionMinPoints ?? 10, minimumArea: regionMinArea ?? 0)
        return options
    }

    /// Two photographs are compared with method photo (or none), and without the options that
    /// only scans take.
    public func checkPhotographOptions(naming name: Naming = { $0 }) throws {
        if let method, method.lowercased() != "photo" {
            throw HeritageStoreError(
                .invalidInput,
                "\(name("method")) \(method) compares scans; two photographs are compared with \(name("method")) photo")
        }
        let ignored = [
            ("\(name("align")) icp", (align ?? "none").lowercased() != "none"),
            (name("normalRadius"), normalRadius != nil), (name("cylinderRadius"), cylinderRadius != nil),
            (name("cylinderHalfLength"), cylinderHalfLength != nil), (name("coreSpacing"), coreSpacing != nil),
            (name("allCorePoints"), allCorePoints == true), (name("localPlane"), localPlane != nil),
            (name("initialTransform"), initialTransform != nil), (name("stableRegion"), stableRegion != nil),
            (name("registrationError"), registrationError != nil),
        ].filter(\.1).map(\.0)
        guard ignored.isEmpty else {
            throw HeritageStoreError(
                .invalidInput,
                "\(ignored.joined(separator: ", ")) \(ignored.count == 1 ? "applies" : "apply") to scans, not to "
                    + "photographs: co-register photographs beforehand (same view and size, or world files)")
        }
    }

    public var photographSettings: PhotographComparisonSettings {
        var settings = PhotographComparisonSettings()
        settings.threshold = threshold
        settings.smoothing = smoothing ?? 2
        settings.minimumPixels = regionMinPoints
        settings.minimumArea = regionMinArea ?? 0
        settings.matchExposure = exposureMatch ?? true
        return settings
    }
}
