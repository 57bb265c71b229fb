import Foundation
import HeritageStore
import ScanImport
import SurveyDiff

/// A comparison of scans as a 3D viewer shows it: the measured points coloured by signed
/// distance on the heat maps' scale (no data grey), the before and after epochs, and the damage
/// regions to fly to. Coordinates are sent relative to `origin` (a georeferenced scan's
/// coordinates are too large for a graphics card's 32-bit floats). A cloud larger than the
/// viewer's point budget is sent as an even sample of it, of the whole or of a box (the part in
/// view, refined as the viewer zooms in).
public struct ComparisonScene: Codable, Sendable {
    public struct Epoch: Codable, Sendable {
        /// `changes` (the measured points), `before` or `after`.
        public var name: String
        public var versionID: String
        public var fileName: String
    }

    public struct Region: Codable, Sendable {
        public var id: Int
        /// `loss` or `gain`.
        public var kind: String
        public var pointCount: Int
        public var area: Double?
        public var volume: Double?
        public var meanDepth: Double?
        public var maxDepth: Double?
        /// Relative to the scene's origin.
        public var centroid: [Double]
        public var lower: [Double]
        public var upper: [Double]
    }

    public var findingID: String
    public var method: String
    public var units: String
    public var origin: [Double]
    /// The measured points' bounds, relative to the origin.
    public var lower: [Double]
    public var upper: [Double]
    /// The colour scale ends at ±range; its colours, as CSS hex.
    public var range: Double
    public var colours: [String: String]
    public var epochs: [Epoch]
    public var regions: [Region]
}

/// Makes scenes and their point samples from an archive, keeping the last few clouds decoded
/// (a viewer asks for one cloud many times as it zooms).
public final class ComparisonViewer: @unchecked Sendable {
    struct Cloud {
        var positions: [Double]
        var colours: [UInt8]
        var lower: SIMD3<Double>
        var upper: SIMD3<Double>
        var range: Double?
    }

    private let store: HeritageArchive
    private let lock = NSLock()
    private var cache: [(key: String, cloud: Cloud)] = []
    /// Clouds kept decoded.
    public let capacity: Int

    public init(store: HeritageArchive, capacity: Int = 3) {
        self.store = store
        self.capacity = capacity
    }

    /// The finding's versions the viewer may show: the measured points, before, after.
    public func versions(of finding: Finding) throws -> [(name: String, version: AssetVersion)] {
        guard finding.method != .photo else {
            throw HeritageStoreError(
                .invalidInput, "finding \(finding.id.prefix(8)) compares photographs: it has no 3D view")
        }
        var found: [(String, AssetVersion)] = []
        for id in finding.resultVersionIDs {
            let (_, version) = try store.assetVersion(id)
            if version.fileName == ComparisonOutputFile.cloud { found.append(("changes", version)) }
        }
        guard !found.isEmpty else {
            throw HeritageStoreError(.notFound, "finding \(finding.id.prefix(8)) has no measured points (changes.ply)")
        }
        found.append(("before", try store.assetVersion(finding.beforeVersionID).version))
        found.append(("after", try store.assetVersion(finding.afterVersionID).version))
        return found
    }

    /// The scene of a finding of scans.
    public func scene(of finding: Finding) throws -> ComparisonScene {
        let versions = try versions(of: finding)
        let changes = try cloud(versions[0].version, signed: true)
        let origin = Self.origin(changes)
        func relative(_ values: [Double]?) -> [Double] {
            guard let values, values.count == 3 else { return [0, 0, 0] }
            return zip(values, [origin.x, origin.y, origin.z]).map { $0 - $1 }
        }
        var regions: [ComparisonScene.Region] = []
        if let summaryID = finding.resultVersionIDs.first,
            let summaryVersion = try? store.assetVersion(summaryID).version,
            summaryVersion.fileName == ComparisonOutputFile.summary,
            let object = try JSONSerialization.jsonObject(
                with: Data(contentsOf: store.verifiedBlob(of: summaryVersion))) as? [String: Any]
        {
            for region in object["regions"] as? [[String: Any]] ?? [] {
                regions.append(
                    ComparisonScene.Region(
                        id: region["id"] as? Int ?? regions.count + 1, kind: region["kind"] as? String ?? "loss",
                        pointCount: region["pointCount"] as? Int ?? 0, area: region["area"] as? Double,
                        volume: region["volume"] as? Double, meanDepth: region["meanDepth"] as? Double,
                        maxDepth: region["maxDepth"] as? Double, centroid: relative(region["centroid"] as? [Double]),
                        lower: relative(region["lower"] as? [Double]), upper: relative(region["upper"] as? [Double])))
            }
        }
        func hex(_ colour: SIMD3<Double>) -> String {
            String(format: "#%02x%02x%02x", Int(colour.x.rounded()), Int(colour.y.rounded()), Int(colour.z.rounded()))
        }
        let noData = HeatMap.noDataColor
        return ComparisonScene(
            findingID: finding.id, method: finding.method.rawValue, units: finding.units,
            origin: [origin.x, origin.y, origin.z],
            lower: [changes.lower.x - origin.x, changes.lower.y - origin.y, changes.lower.z - origin.z],
            upper: [changes.upper.x - origin.x, changes.upper.y - origin.y, changes.upper.z - origin.z],
            range: changes.range ?? 0,
            colours: [
                "loss": hex(HeatMap.lossColor), "zero": hex(HeatMap.zeroColor), "gain": hex(HeatMap.gainColor),
                "noData": hex(SIMD3(Double(noData.x), Double(noData.y), Double(noData.z))),
            ],
            epochs: versions.map {
                ComparisonScene.Epoch(name: $0.name, versionID: $0.version.id, fileName: $0.version.fileName)
            },
            regions: regions)
    }

    /// An even sample of at most `budget` points of the finding's `epoch`, within `box` (lower
    /// and upper corners, relative to the scene's origin) when given, as a binary little-endian
    /// PLY of float x, y, z (relative to the origin) and uchar red, green, blue. Its comments
    /// say how many points the box holds and how many were kept.
    public func points(of finding: Finding, epoch: String, budget: Int, box: [Double]? = nil) throws -> Data {
        let versions = try versions(of: finding)
        guard let chosen = versions.first(where: { $0.name == epoch }) else {
            throw HeritageStoreError(.invalidInput, "epoch must be changes, before or after, not '\(epoch)'")
        }
        guard budget >= 1 else { throw HeritageStoreError(.invalidInput, "the point budget must be at least 1") }
        if let box, box.count != 6 || !box.allSatisfy(\.isFinite) {
            throw HeritageStoreError(.invalidInput, "box is x0,y0,z0,x1,y1,z1 relative to the scene's origin")
        }
        let origin = Self.origin(try cloud(versions[0].version, signed: true))
        let cloud = try self.cloud(chosen.version, signed: epoch == "changes")
        let count = cloud.positions.count / 3
        var lower = SIMD3<Double>(repeating: -.infinity)
        var upper = SIMD3<Double>(repeating: .infinity)
        if let box {
            lower = SIMD3(min(box[0], box[3]), min(box[1], box[4]), min(box[2], box[5])) + origin
            upper = SIMD3(max(box[0], box[3]), max(box[1], box[4]), max(box[2], box[5])) + origin
        }
        func inside(_ index: Int) -> Bool {
            let p = SIMD3(cloud.positions[3 * index], cloud.positions[3 * index + 1], cloud.positions[3 * index + 2])
            return p.x.isFinite && p.y.isFinite && p.z.isFinite && all(p .>= lower) && all(p .<= upper)
        }
        var inBox = 0
        for index in 0..<count where inside(index) { inBox += 1 }
        // Each point is kept by a hash of its index: an even sample, the same for the same budget.
        let threshold = inBox <= budget ? UInt64.max : UInt64(Double(UInt64.max) * (Double(budget) / Double(inBox)))
        var body = Data()
        body.reserveCapacity(min(inBox, budget + budget / 8) * 15)
        var kept = 0
        for index in 0..<count where inside(index) && Self.mix(UInt64(index)) <= threshold {
            for axis in 0..<3 {
                var value = Float(cloud.positions[3 * index + axis] - origin[axis]).bitPattern.littleEndian
                withUnsafeBytes(of: &value) { body.append(contentsOf: $0) }
            }
            body.append(contentsOf: cloud.colours[(3 * index)..<(3 * index + 3)])
            kept += 1
        }
        let header = """
            ply
            format binary_little_endian 1.0
            comment heritage finding \(finding.id) epoch \(epoch)
            comment points in box \(inBox) kept \(kept)
            comment origin \(origin.x) \(origin.y) \(origin.z)
            element vertex \(kept)
            property float x
            property float y
            property float z
            property uchar red
            property uchar green
            property uchar blue
            end_header

            """
        return Data(header.utf8) + body
    }

    /// Where a scene's coordinates start: the measured points' centre, rounded to whole units.
    static func origin(_ cloud: Cloud) -> SIMD3<Double> {
        ((cloud.lower + cloud.upper) / 2).rounded(.toNearestOrEven)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A version's points with their colours: by signed distance for the measured points, the
    /// scan's own colours for an epoch that has them, else a light stone colour.
    private func cloud(_ version: AssetVersion, signed: Bool) throws -> Cloud {
        let key = version.id
        if let hit = lock.withLock({ cache.first { $0.key == key }?.cloud }) { return hit }
        let path = try store.verifiedBlob(of: version).path
        let loaded: LoadedScan
        do {
            loaded = try ScanLoader.load(path: path, format: version.format)
        } catch {
            throw HeritageStoreError(
                .invalidInput,
                "\(version.fileName) cannot be shown: \(error.description.replacingOccurrences(of: path, with: version.fileName))"
            )
        }
        let geometry = loaded.geometry
        let count = geometry.vertexCount
        var colours = [UInt8](repeating: 0, count: count * 3)
        var range: Double?
        if signed, let distance = geometry.scalarFields.first(where: { $0.name == "distance" })?.values {
            let scale = HeatMap.scaleRange(distance)
            range = scale
            for index in 0..<count {
                let value = Double(distance[index])
                let colour = value.isFinite ? HeatMap.color(value, range: scale) : HeatMap.noDataColor
                colours[3 * index] = colour.x
                colours[3 * index + 1] = colour.y
                colours[3 * index + 2] = colour.z
            }
        } else if let own = geometry.colors, own.count == count * 4 {
            for index in 0..<count {
                colours[3 * index] = own[4 * index]
                colours[3 * index + 1] = own[4 * index + 1]
                colours[3 * index + 2] = own[4 * index + 2]
            }
        } else {
            for index in 0..<count {
                (colours[3 * index], colours[3 * index + 1], colours[3 * index + 2]) = (214, 201, 178)
            }
        }
        let bounds = geometry.bounds
        let cloud = Cloud(
            positions: geometry.positions, colours: colours,
            lower: bounds.map { SIMD3($0.min[0], $0.min[1], $0.min[2]) } ?? .zero,
            upper: bounds.map { SIMD3($0.max[0], $0.max[1], $0.max[2]) } ?? .zero, range: range)
        lock.withLock {
            cache.removeAll { $0.key == key }
            cache.insert((key, cloud), at: 0)
            if cache.count > capacity { cache.removeLast(cache.count - capacity) }
        }
        return cloud
    }
}
