import Foundation
import HeritageTestSupport
import ScanImport
import Testing

/// A restricted site with every kind of position the archive can hold: its point and boundary,
/// a photograph with EXIF GPS (and a file name made of coordinates), an orthophoto placed by a
/// world file, two georeferenced scans in projected metres with a coordinate system and a
/// header comment, their comparison, and a scan in local coordinates. Without
/// --include-restricted, no byte of any output (report, package, zip, JSON listings, audit log)
/// may hold any of those positions; with it they are there, which proves the search works.
@Suite struct RestrictedLeakTests {
    let folder: URL
    var archive: String { folder.appending(path: "archive").path }

    static let latitude = 40.1792837
    static let longitude = 44.5126129
    static let photoLatitude = 40.1795911
    static let photoLongitude = 44.5121733
    static let worldOrigin = (x: 445_123.25, y: 4_448_321.75)
    static let scanOrigin = (x: 445_120.125, y: 4_448_320.375)

    init() throws {
        folder = try temporaryFolder()
    }

    func heritage(_ arguments: [String]) throws -> HeritageBinary.Result {
        try HeritageBinary.run(arguments)
    }

    /// A small image, as JPEG with EXIF (and GPS when given).
    func writeJPEG(_ name: String, latitude: Double?, longitude: Double?, shade: UInt8) throws -> URL {
        let (width, height) = (64, 48)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in pixels.indices { pixels[index] = UInt8((index * 7 + Int(shade)) % 251) }
        let tags = ExifWriter.Tags(
            make: "Canon", model: "EOS R6", dateTimeOriginal: "2026:05:02 10:11:12", latitude: latitude,
            longitude: longitude, altitude: 991.5)
        let bytes = try ImageDecoder.encodeJPEG(
            DecodedImage(width: width, height: height, channels: 3, pixels: pixels), exif: ExifWriter.app1(tags))
        let url = folder.appending(path: name)
        try Data(bytes).write(to: url)
        return url
    }

    /// A 4 × 3 m wall in UTM metres, sampled every 10 cm; `dent` pushes a patch 20 cm in.
    func writeScan(_ name: String, dent: Bool) throws -> URL {
        var lines: [String] = []
        for row in 0...30 {
            for column in 0...40 {
                let x = Self.scanOrigin.x + Double(column) * 0.1
                let z = 990.0 + Double(row) * 0.1
                let inDent = dent && column >= 15 && column <= 25 && row >= 10 && row <= 20
                let y = Self.scanOrigin.y + (inDent ? 0.2 : 0) + Double((row * 31 + column * 17) % 7) * 0.0003
                lines.append(String(format: "%.4f %.4f %.4f", x, y, z))
            }
        }
        let header = """
            ply
            format ascii 1.0
            comment georeference origin \(Self.scanOrigin.x) \(Self.scanOrigin.y)
            element vertex \(lines.count)
            property double x
            property double y
            property double z
            end_header

            """
        let url = folder.appending(path: name)
        try Data((header + lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return url
    }

    @Test func noOutputHoldsARestrictedPositionWithoutClearance() throws {
        #expect(try heritage(["init", "--archive", archive]).status == 0)
        let added = try heritage([
            "site", "add", "--archive", archive, "--code", "AM-HID-1", "--name", "Hidden khachkar", "--kind",
            "cross-stone", "--latitude", "\(Self.latitude)", "--longitude", "\(Self.longitude)", "--country", "AM",
            "--sensitivity", "restricted", "--boundary",
            #"{"type":"Polygon","coordinates":[[[44.5123456,40.1791234],[44.5129876,40.1791234],[44.5129876,40.1794567],[44.5123456,40.1791234]]]}"#,
        ])
        #expect(added.status == 0, "\(added.stderr)")

        let photo = try writeJPEG(
            "IMG_\(Self.photoLatitude)_\(Self.photoLongitude).jpg", latitude: Self.photoLatitude,
            longitude: Self.photoLongitude, shade: 1)
        let ortho = try writeJPEG("ortho.jpg", latitude: nil, longitude: nil, shade: 2)
        try "0.05\n0\n0\n-0.05\n\(Self.worldOrigin.x)\n\(Self.worldOrigin.y)\n".write(
            to: folder.appending(path: "ortho.jgw"), atomically: true, encoding: .utf8)
        let local = folder.appending(path: "local.obj")
        try "v 0.125 0.25 0.5\nv 1.125 0.25 0.5\nv 0.125 1.25 0.5\nf 1 2 3\n".write(
            to: local, atomically: true, encoding: .utf8)
        let before = try writeScan("wall-2021.ply", dent: false)
        let after = try writeScan("wall-2026.ply", dent: true)
        let imported = try heritage([
            "import", "--archive", archive, "--site", "AM-HID-1", photo.path, ortho.path, local.path, "--json",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        let scan = try heritage([
            "import", "--archive", archive, "--site", "AM-HID-1", "--crs", "EPSG:32638", before.path, "--json",
        ])
        #expect(scan.status == 0, "\(scan.stderr)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(scan.stdout.utf8)) as? [[String: Any]])
        let scanAsset = String(try #require(outcome.first?["assetID"] as? String).prefix(8))
        let second = try heritage([
            "import", "--archive", archive, "--site", "AM-HID-1", "--crs", "EPSG:32638", "--asset", scanAsset,
            after.path,
        ])
        #expect(second.status == 0, "\(second.stderr)")
        let diffOut = folder.appending(path: "diff-out")
        let diff = try heritage([
            "diff", "--archive", archive, "--site", "AM-HID-1", "\(scanAsset)@1", "\(scanAsset)@2", "--method", "c2c",
            "--out", diffOut.path, "--json",
        ])
        #expect(diff.status == 0, "\(diff.stderr)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: diffOut.appending(path: "summary.json")))
                as? [String: Any])
        let regions = summary["regions"] as? [[String: Any]] ?? []
        #expect(!regions.isEmpty, "the dent is found")

        // Every position the archive knows for the site.
        var degrees = [Self.latitude, Self.longitude, Self.photoLatitude, Self.photoLongitude]
        degrees += [44.5123456, 40.1791234, 44.5129876, 40.1794567]
        var projected = [Self.worldOrigin.x, Self.worldOrigin.y, Self.scanOrigin.x, Self.scanOrigin.y]
        projected += [Self.scanOrigin.x + 4.0, Self.scanOrigin.y + 0.2]
        for region in regions {
            for key in ["centroid", "lower", "upper"] { projected += (region[key] as? [Double] ?? []).prefix(2) }
        }
        let patterns = Self.patterns(degrees: degrees, projected: projected)

        // Everything a user without clearance can get.
        var outputs: [(String, Data)] = []
        let report = folder.appending(path: "report")
        let reportRun = try heritage(["report", "--archive", archive, "--site", "AM-HID-1", "--out", report.path])
        #expect(reportRun.status == 0, "\(reportRun.stderr)")
        let bag = folder.appending(path: "bag")
        let packageRun = try heritage([
            "package", "--archive", archive, "--site", "AM-HID-1", "--unsigned", "--zip", "--out", bag.path,
        ])
        #expect(packageRun.status == 0, "\(packageRun.stderr)")
        outputs += [("report stdout", Data(reportRun.stdout.utf8)), ("package stdout", Data(packageRun.stdout.utf8))]
        for base in [report, bag] {
            for path in relativeFiles(under: base) {
                outputs.append(("\(base.lastPathComponent)/\(path)", try Data(contentsOf: base.appending(path: path))))
                outputs.append(("name of \(path)", Data(path.utf8)))
            }
        }
        outputs.append(("bag.zip", try Data(contentsOf: folder.appending(path: "bag.zip"))))
        let listing = try heritage(["asset", "list", "--archive", archive, "--site", "AM-HID-1", "--json"])
        #expect(listing.status == 0, "\(listing.stderr)")
        var commands: [[String]] = [
            ["asset", "list", "--archive", archive, "--site", "AM-HID-1"],
            ["audit", "--archive", archive, "--json"],
            ["audit", "--archive", archive, "--entity", "AM-HID-1", "--json"],
            ["site", "show", "--archive", archive, "AM-HID-1", "--json"],
            ["site", "list", "--archive", archive, "--json"],
            ["site", "export", "--archive", archive, "--format", "geojson"],
            ["site", "export", "--archive", archive, "--format", "csv"],
        ]
        let entries = try #require(
            try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [[String: Any]])
        for entry in entries {
            let id = try #require((entry["asset"] as? [String: Any])?["id"] as? String)
            commands.append(["asset", "show", "--archive", archive, id, "--json"])
            commands.append(["asset", "show", "--archive", archive, id])
            commands.append(["asset", "history", "--archive", archive, id, "--json"])
        }
        outputs.append(("asset list --json", Data(listing.stdout.utf8)))
        for command in commands {
            let run = try heritage(command)
            #expect(run.status == 0, "\(command): \(run.stderr)")
            outputs.append((command.joined(separator: " "), Data((run.stdout + run.stderr).utf8)))
        }
        for (name, bytes) in outputs {
            let found = patterns.filter { bytes.firstRange(of: $0.bytes) != nil }.map(\.label)
            #expect(found.isEmpty, "\(name) holds \(found)")
        }
        // The files that hold a position are withheld, those that do not are released.
        let files = relativeFiles(under: bag.appending(path: "data/files"))
        #expect(files.contains { $0.hasSuffix("local.obj") })
        #expect(!files.contains { $0.hasSuffix(".ply") || $0.hasSuffix(".jgw") || $0.hasSuffix("ortho.jpg") })
        #expect(files.contains { $0.hasSuffix("thumbnail.png") })
        let verify = try heritage(["verify", "--bag", bag.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let export = try heritage([
            "asset", "export", "--archive", archive, String(scanAsset), "--out", folder.appending(path: "x").path,
        ])
        #expect(export.status != 0 && export.stderr.contains("--include-restricted"), "\(export.stderr)")

        // With clearance the positions are there: the search above would have seen them.
        let cleared = folder.appending(path: "cleared")
        #expect(
            try heritage([
                "package", "--archive", archive, "--site", "AM-HID-1", "--unsigned", "--include-restricted", "--out",
                cleared.path,
            ]).status == 0)
        let registry = try Data(contentsOf: cleared.appending(path: "data/registry/registry.json"))
        for label in ["\(Self.photoLatitude)", "\(Self.scanOrigin.x)", "\(Self.worldOrigin.x)"] {
            #expect(patterns.contains { $0.label.hasPrefix(label) })
        }
        #expect(registry.firstRange(of: Data("\(Self.photoLatitude)".utf8)) != nil)
        let clearedAudit = try heritage(["audit", "--archive", archive, "--json", "--include-restricted"])
        #expect(clearedAudit.stdout.contains("\(Self.latitude)"))
    }

    /// The ways the positions are likely written: degrees to 3-7 decimals (unless that is the
    /// generalised cell's own value), projected coordinates to the metre or finer, and both as
    /// little-endian doubles.
    static func patterns(degrees: [Double], projected: [Double]) -> [(label: String, bytes: Data)] {
        var result: [(String, Data)] = []
        for value in degrees {
            let cell = (value * 10).rounded(.down) / 10 + 0.05
            var texts = Set(["\(value)"])
            for decimals in 3...7
            where String(format: "%.\(decimals)f", value) != String(format: "%.\(decimals)f", cell) {
                texts.insert(String(format: "%.\(decimals)f", value))
            }
            result += texts.map { ($0, Data($0.utf8)) }
        }
        for value in projected {
            var texts = Set(["\(value)", "\(Int(value))."])
            for decimals in 1...3 { texts.insert(String(format: "%.\(decimals)f", value)) }
            result += texts.map { ($0, Data($0.utf8)) }
        }
        for value in degrees + projected {
            result.append(("\(value) as a double", withUnsafeBytes(of: value.bitPattern.littleEndian) { Data($0) }))
        }
        return result
    }
}
