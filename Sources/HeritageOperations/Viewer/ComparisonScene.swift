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
        /// How many points have finite coordinates.
        var finiteCount: Int
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
        var lower = SIMD3<Double>(repeating: -.infinity)
        var upper = SIMD3<Double>(repeating: .infinity)
        if let box {
            lower = SIMD3(min(box[0], box[3]), min(box[1], box[4]), min(box[2], box[5])) + origin
            upper = SIMD3(max(box[0], box[3]), max(box[1], box[4]), max(box[2], box[5])) + origin
        }
        return Self.sample(cloud, lower: lower, upper: upper, counting: box != nil, budget: budget, origin: origin) {
            inBox, kept in
            """
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
        }
    }

    /// The points of `cloud` within `lower`...`upper` kept by the hash of their index, as
    /// little-endian float x, y, z relative to `origin` and red, green, blue, in index order,
    /// after the `header` made from how many points the box holds and how many are kept. Each
    /// pass runs in chunks on every core: the count in the box (all the finite points when
    /// there is no box), the count kept per chunk, then each chunk's records written in place.
    static func sample(
        _ cloud: Cloud, lower: SIMD3<Double>, upper: SIMD3<Double>, counting: Bool, budget: Int,
        origin: SIMD3<Double>, header: (_ inBox: Int, _ kept: Int) -> String
    ) -> Data {
        let count = cloud.positions.count / 3
        let chunkCount = max(1, min(256, count / 32_768))
        return cloud.positions.withUnsafeBufferPointer { positions in
            cloud.colours.withUnsafeBufferPointer { colours in
                let tallies = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunkCount)
                defer { tallies.deallocate() }
                let points = SampledPoints(
                    positions: positions, colours: colours, lower: lower, upper: upper, origin: origin,
                    tallies: tallies, count: count, chunkCount: chunkCount)
                var inBox = cloud.finiteCount
                if counting {
                    DispatchQueue.concurrentPerform(iterations: chunkCount) { points.tallyInside($0) }
                    inBox = tallies.reduce(0, +)
                }
                // Each point is kept by a hash of its index: an even sample, the same for the same budget.
                let threshold =
                    inBox <= budget ? UInt64.max : UInt64(Double(UInt64.max) * (Double(budget) / Double(inBox)))
                DispatchQueue.concurrentPerform(iterations: chunkCount) { points.tallyKept($0, threshold: threshold) }
                let kept = tallies.reduce(0, +)
                let text = Array(header(inBox, kept).utf8)
                var answer = Data(count: text.count + kept * SampledPoints.recordSize)
                answer.withUnsafeMutableBytes { raw in
                    raw.copyBytes(from: text)
                    // Each chunk's records start where the chunks before it end.
                    var at = text.count
                    for part in 0..<chunkCount {
                        let tally = tallies[part]
                        tallies[part] = at
                        at += tally * SampledPoints.recordSize
                    }
                    let target = ViewerSendable(raw)
                    DispatchQueue.concurrentPerform(iterations: chunkCount) {
                        points.write($0, threshold: threshold, into: target.value)
                    }
                }
                return answer
            }
        }
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
        // The file's hash is checked on a second core while it is decoded: nothing decoded is
        // used unless the bytes are the ones stored.
        let path = store.blobLocation(sha256: version.sha256).path
        let store = store
        let checking = DispatchGroup()
        nonisolated(unsafe) var checked: (any Error)?
        DispatchQueue.global().async(group: checking) {
            do { _ = try store.verifiedBlob(of: version) } catch { checked = error }
        }
        let loaded: LoadedScan
        do {
            defer { checking.wait() }
            do {
                loaded = try ScanLoader.load(
                    path: path, format: version.format, positionsOnly: true,
                    keeping: signed ? ["distance", "scalar_distance"] : [])
            } catch {
                checking.wait()
                if let checked { throw checked }
                throw HeritageStoreError(
                    .invalidInput,
                    "\(version.fileName) cannot be shown: \(error.description.replacingOccurrences(of: path, with: version.fileName))"
                )
            }
        }
        if let checked { throw checked }
        let geometry = loaded.geometry
        let count = geometry.vertexCount
        var colours = [UInt8](repeating: 0, count: count * 3)
        var range: Double?
        if signed, let distance = geometry.scalarFields.first(where: { $0.name == "distance" })?.values {
            let scale = HeatMap.scaleRange(distance)
            range = scale
            Self.colour(distance, range: scale, into: &colours)
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
        let (bounds, nonFinite) = (geometry.bounds, geometry.nonFiniteCount)
        let cloud = Cloud(
            positions: geometry.positions, colours: colours, finiteCount: count - nonFinite,
            lower: bounds.map { SIMD3($0.min[0], $0.min[1], $0.min[2]) } ?? .zero,
            upper: bounds.map { SIMD3($0.max[0], $0.max[1], $0.max[2]) } ?? .zero, range: range)
        lock.withLock {
            cache.removeAll { $0.key == key }
            cache.insert((key, cloud), at: 0)
            if cache.count > capacity { cache.removeLast(cache.count - capacity) }
        }
        return cloud
    }

    /// Colours signed distances on the heat maps' scale from a table of 4,097 steps across
    /// ±`range` (a step is 1/2048 of the range), on every core: each channel is within one
    /// level of `HeatMap.color`'s. A distance that is not finite is no-data grey.
    static func colour(_ distance: [Float], range: Double, into colours: inout [UInt8]) {
        let steps = 2048
        let table = (0...(2 * steps)).map { HeatMap.color(Double($0 - steps) / Double(steps) * range, range: range) }
        let noData = HeatMap.noDataColor
        let count = distance.count
        let chunkCount = max(1, min(64, count / 65_536))
        distance.withUnsafeBufferPointer { distance in
            colours.withUnsafeMutableBufferPointer { colours in
                let shared = ViewerSendable((distance, colours))
                DispatchQueue.concurrentPerform(iterations: chunkCount) { part in
                    let (distance, colours) = shared.value
                    for index in (count * part / chunkCount)..<(count * (part + 1) / chunkCount) {
                        let value = distance[index]
                        let colour: SIMD3<UInt8>
                        if value.isFinite {
                            let step = Int((max(-1, min(1, value / Float(range))) * Float(steps)).rounded())
                            colour = table[step + steps]
                        } else {
                            colour = noData
                        }
                        colours[3 * index] = colour.x
                        colours[3 * index + 1] = colour.y
                        colours[3 * index + 2] = colour.z
                    }
                }
            }
        }
    }
}

/// Buffers shared with the chunks of a `concurrentPerform`, each chunk writing its own part.
struct ViewerSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A cloud's points as the sampler's chunks read them: chunk `part` of `chunkCount` is its own
/// range of indices, and writes only its own entry of `tallies` and its own bytes.
struct SampledPoints: @unchecked Sendable {
    static let recordSize = 15
    let positions: UnsafeBufferPointer<Double>
    let colours: UnsafeBufferPointer<UInt8>
    let lower: SIMD3<Double>
    let upper: SIMD3<Double>
    let origin: SIMD3<Double>
    let tallies: UnsafeMutableBufferPointer<Int>
    let count: Int
    let chunkCount: Int

    func chunk(_ part: Int) -> Range<Int> { (count * part / chunkCount)..<(count * (part + 1) / chunkCount) }

    @inline(__always) func inside(_ index: Int) -> Bool {
        let p = SIMD3(positions[3 * index], positions[3 * index + 1], positions[3 * index + 2])
        return p.x.isFinite && p.y.isFinite && p.z.isFinite && all(p .>= lower) && all(p .<= upper)
    }

    func tallyInside(_ part: Int) {
        var found = 0
        for index in chunk(part) where inside(index) { found += 1 }
        tallies[part] = found
    }

    func tallyKept(_ part: Int, threshold: UInt64) {
        var kept = 0
        for index in chunk(part) where ComparisonViewer.mix(UInt64(index)) <= threshold && inside(index) { kept += 1 }
        tallies[part] = kept
    }

    /// Writes the chunk's kept points from the offset its tally now holds.
    func write(_ part: Int, threshold: UInt64, into raw: UnsafeMutableRawBufferPointer) {
        var at = tallies[part]
        for index in chunk(part) where ComparisonViewer.mix(UInt64(index)) <= threshold && inside(index) {
            for axis in 0..<3 {
                let value = Float(positions[3 * index + axis] - origin[axis]).bitPattern.littleEndian
                raw.storeBytes(of: value, toByteOffset: at + 4 * axis, as: UInt32.self)
            }
            raw[at + 12] = colours[3 * index]
            raw[at + 13] = colours[3 * index + 1]
            raw[at + 14] = colours[3 * index + 2]
            at += Self.recordSize
        }
    }
}
