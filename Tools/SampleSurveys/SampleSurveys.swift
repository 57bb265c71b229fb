import Foundation
import ScanImport

/// Sample surveys for the demo: two fictional sites, each scanned and photographed twice, the
/// second time after deliberate destruction. The scans are binary PLY in metres with 2 mm
/// ranging noise; the second epoch of each is misregistered by a small rotation and shift, as a
/// survey set up afresh would be. Photographs carry EXIF GPS written by ``ExifWriter``.
public enum SampleSurveys {
    /// One epoch of one site: the files a field team brings back.
    public struct Epoch: Sendable {
        public var date: String
        public var scan: URL
        public var photos: [URL]
        public var team: [String]
        public var notes: String
    }

    public struct SiteSurveys: Sendable {
        public var code: String
        public var before: Epoch
        public var after: Epoch
        /// What was done between the epochs, for the reader to compare with the findings.
        public var truth: String
        /// M3C2 settings suited to the scan's spacing (metres).
        public var normalRadius: Double
        public var cylinderRadius: Double
        public var cylinderHalfLength: Double
        public var coreSpacing: Double
    }

    /// Where the sample sites are: fictional places, coordinates arbitrary.
    public static let mausoleum = (code: "XX-DEMO-MAU", latitude: 37.8412345, longitude: 41.1234567)
    public static let crossStone = (code: "XX-DEMO-KHA", latitude: 39.2876543, longitude: 45.6789012)

    /// Writes both sites' surveys into `folder` (created) and describes them.
    public static func write(to folder: URL, spacing: Double = 0.05) throws -> [SiteSurveys] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let results = UncheckedBox<[Int: Result<SiteSurveys, any Error>]>([:])
        // The two sites are independent: one per core.
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = Result { () throws -> SiteSurveys in
                index == 0
                    ? try writeMausoleum(to: folder, spacing: spacing)
                    : try writeCrossStone(to: folder, spacing: spacing * 0.4)
            }
            results.lock { $0[index] = result }
        }
        return try [0, 1].map { index in
            guard let result = results.lock({ $0[index] }) else { throw CocoaError(.fileWriteUnknown) }
            return try result.get()
        }
    }

    private static func writeMausoleum(to folder: URL, spacing: Double) throws -> SiteSurveys {
        let site = mausoleum
        var before = Mausoleum.scan(spacing: spacing, damage: nil, seed: 11)
        var random = SplitMix(seed: 12)
        before.addNoise(sigma: 0.002, random: &random)
        var after = Mausoleum.scan(spacing: spacing, damage: Mausoleum.Damage(), seed: 13)
        after.addNoise(sigma: 0.002, random: &random)
        after.misalign(degrees: 0.35, translation: SIMD3(0.028, -0.017, 0.006))
        let beforeScan = try writePLY(
            before, to: folder.appending(path: "mausoleum-2019-06-12.ply"), date: "2019-06-12")
        let afterScan = try writePLY(after, to: folder.appending(path: "mausoleum-2026-04-03.ply"), date: "2026-04-03")
        let photos = try [(false, "2019:06:12 10:41:07", "2019-06-12"), (true, "2026:04:03 09:12:55", "2026-04-03")]
            .map { damaged, time, date -> [URL] in
                try (0..<2).map { shot in
                    let url = folder.appending(path: "mausoleum-\(date)-photo-\(shot + 1).jpg")
                    let tags = ExifWriter.Tags(
                        make: "Canon", model: "EOS R6", artist: damaged ? "N. Haddad" : "L. Karimova",
                        dateTimeOriginal: time, latitude: site.latitude - 0.00012 + 0.00003 * Double(shot),
                        longitude: site.longitude + 0.00004 * Double(shot), altitude: 612.4)
                    try Data(
                        try SurveyPhoto.jpeg(
                            SurveyPhoto.mausoleum(damaged: damaged), exif: tags, seed: UInt64(shot + 40))
                    ).write(to: url)
                    return url
                }
            }
        return SiteSurveys(
            code: site.code,
            before: Epoch(
                date: "2019-06-12", scan: beforeScan, photos: photos[0], team: ["L. Karimova", "J. Baker"],
                notes: "Baseline terrestrial laser scan and photographs (synthetic sample data)."),
            after: Epoch(
                date: "2026-04-03", scan: afterScan, photos: photos[1], team: ["N. Haddad"],
                notes: "Post-incident survey after reports of an explosion (synthetic sample data)."),
            truth:
                "dome section 30-100° caved in by up to 1.6 m; crater in the east wall 0.9 m radius, 0.35 m deep "
                + "(0.45 m³); debris heap east of the building 1.1 m radius, 0.45 m high (0.57 m³)",
            normalRadius: spacing * 6, cylinderRadius: spacing * 3, cylinderHalfLength: 2.0, coreSpacing: spacing * 2)
    }

    private static func writeCrossStone(to folder: URL, spacing: Double) throws -> SiteSurveys {
        let site = crossStone
        var before = CrossStone.scan(spacing: spacing, toppled: false, seed: 21)
        var random = SplitMix(seed: 22)
        before.addNoise(sigma: 0.0015, random: &random)
        var after = CrossStone.scan(spacing: spacing, toppled: true, seed: 23)
        after.addNoise(sigma: 0.0015, random: &random)
        after.misalign(degrees: -0.4, translation: SIMD3(-0.012, 0.019, 0.004))
        let beforeScan = try writePLY(before, to: folder.appending(path: "khachkar-2021-09-20.ply"), date: "2021-09-20")
        let afterScan = try writePLY(after, to: folder.appending(path: "khachkar-2026-05-14.ply"), date: "2026-05-14")
        let photos = try [(false, "2021:09:20 16:05:31", "2021-09-20"), (true, "2026:05:14 07:48:02", "2026-05-14")]
            .map { toppled, time, date -> [URL] in
                let url = folder.appending(path: "khachkar-\(date)-photo-1.jpg")
                let tags = ExifWriter.Tags(
                    make: "Apple", model: "iPhone 13", artist: toppled ? "A. Petrosyan" : "S. Grigoryan",
                    dateTimeOriginal: time, latitude: site.latitude + 0.00002, longitude: site.longitude - 0.00003,
                    altitude: 1_421)
                try Data(try SurveyPhoto.jpeg(SurveyPhoto.crossStone(toppled: toppled), exif: tags, seed: 50))
                    .write(to: url)
                return [url]
            }
        return SiteSurveys(
            code: site.code,
            before: Epoch(
                date: "2021-09-20", scan: beforeScan, photos: photos[0], team: ["S. Grigoryan"],
                notes: "Documentation scan of the standing cross-stone (synthetic sample data)."),
            after: Epoch(
                date: "2026-05-14", scan: afterScan, photos: photos[1], team: ["A. Petrosyan"],
                notes: "Cross-stone found toppled face down in front of its pedestal (synthetic sample data)."),
            truth: String(
                format: "slab 0.8 × 0.25 × 1.6 m (%.2f m³) thrown face down in front of its pedestal",
                CrossStone.volume),
            normalRadius: spacing * 6, cylinderRadius: spacing * 3, cylinderHalfLength: 2.0, coreSpacing: spacing * 2)
    }

    private static func writePLY(_ cloud: PointBuffer, to url: URL, date: String) throws -> URL {
        let geometry = ScanGeometry(positions: cloud.positions)
        let bytes = PLYWriter.data(
            geometry, encoding: .binaryLittleEndian,
            comments: ["heritage sample survey (synthetic), captured \(date)", "units metres"])
        try Data(bytes).write(to: url)
        return url
    }
}

/// A value shared between threads behind a lock.
final class UncheckedBox<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex = NSLock()
    init(_ value: Value) { self.value = value }
    func lock<T>(_ body: (inout Value) -> T) -> T {
        mutex.lock()
        defer { mutex.unlock() }
        return body(&value)
    }
}
