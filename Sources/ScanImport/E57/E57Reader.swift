import Dispatch
import Foundation

/// A scan's or image's pose in the file's frame: a unit quaternion (w, x, y, z) and a
/// translation; a point p goes to R(q)·p + t.
public struct ScanPose: Sendable, Equatable, Codable {
    public var rotation: [Double]
    public var translation: [Double]

    /// The rotation as a 3×3 matrix, rows in order.
    var matrix: [[Double]] {
        let (w, x, y, z) = (rotation[0], rotation[1], rotation[2], rotation[3])
        return [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    }

    /// The pose as the 4×4 matrix ``ScanStation/transform`` holds (a point's x, y, z scale
    /// rows 0-2, row 3 is added).
    var transform: [[Double]] {
        let r = matrix
        return [
            [r[0][0], r[1][0], r[2][0], 0], [r[0][1], r[1][1], r[2][1], 0], [r[0][2], r[1][2], r[2][2], 0],
            [translation[0], translation[1], translation[2], 1],
        ]
    }
}

/// A photograph an E57 file carries (Image2D): how it was taken and where its bytes are.
public struct E57Image: Sendable, Equatable, Codable {
    public var name: String
    /// `pinhole`, `spherical`, `cylindrical` or `visual` (a reference picture with no model).
    public var representation: String
    /// `jpeg` or `png`.
    public var format: String
    public var width: Int?
    public var height: Int?
    public var byteCount: Int
    public var pose: ScanPose?
    /// The camera model's numbers (focalLength, pixelWidth, principalPointX, …; a distortion
    /// extension's as `distortion.NAME`), in metres and pixels as the standard has them; one
    /// that is not finite is left out.
    public var camera: [String: Double]
    /// The scan it was taken with, by that scan's guid.
    public var associatedScan: String?
    /// The image's bytes, when asked for.
    public var data: [UInt8]?

    enum CodingKeys: String, CodingKey {
        case name, representation, format, width, height, byteCount, pose, camera, associatedScan
    }
}

/// What an E57 file holds: the points of every scan in the file's frame, each scan's station
/// and pose, and its images.
public struct E57Document: Sendable {
    /// Every scan's points, unless the file was read for its summary only (then empty).
    public var geometry: ScanGeometry
    /// The points of all scans, the box of the finite ones, and how many are not finite: known
    /// whether or not the points were kept.
    public var pointCount = 0
    public var bounds: Bounds?
    public var nonFiniteCount = 0
    public var stations: [ScanStation]
    public var images: [E57Image]
    /// The point fields the scans declare, as E57 names them (cartesianX, colorRed, intensity, …).
    public var fields: [String]
    /// The library that wrote it (e57LibraryVersion) and the coordinate metadata, when given.
    public var software: String?
    public var crs: String?
    public var warnings: [String]
}

/// ASTM E2807 (E57): the paged container, its XML, and every Data3D scan's compressed vector
/// decoded with the bitpack codec: Cartesian or spherical coordinates, colour, intensity;
/// points the scanner marked invalid are counted and left out. Scans are placed by their
/// poses and decoded in parallel.
public enum E57Reader {
    /// With `summaryOnly`, every point is decoded, placed, counted and bounded, and none is kept
    /// (a summary of a file of any size). `releasePages`, for a file mapping, gives back the
    /// pages of a byte range once read.
    public static func read(
        _ bytes: UnsafeRawBufferPointer, file: String, images withData: Bool = false, positionsOnly: Bool = false,
        summaryOnly: Bool = false, releasePages: (@Sendable (Int, Int) -> Int)? = nil
    ) throws(ScanImportError) -> E57Document {
        let (container, root) = try structure(bytes, file: file, releasePages: releasePages)
        var warnings: [String] = []
        let scans = root.child("data3D")?.children ?? []
        var plans: [ScanPlan] = []
        for (index, scan) in scans.enumerated() {
            plans.append(try ScanPlan(scan, index: index, file: container, warnings: &warnings))
        }
        let results = UnsafeSlots<Result<ScanPoints, ScanImportError>>(count: plans.count)
        let shared = UnsafeShared(plans)
        DispatchQueue.concurrentPerform(iterations: plans.count) { index in
            do throws(ScanImportError) {
                results[index] = .success(
                    try shared.value[index].decode(
                        positionsOnly: positionsOnly || summaryOnly, keepingPoints: !summaryOnly))
            } catch {
                results[index] = .failure(error)
            }
        }
        var decoded: [ScanPoints] = []
        for index in plans.indices {
            // Taken out of its slot, so that the merge below holds the only reference.
            let result = results[index]
            results[index] = nil
            switch result {
            case .success(let points): decoded.append(points)
            case .failure(let error): throw error
            case nil: preconditionFailure("scan \(index) was not decoded")
            }
        }
        let stations = zip(plans, decoded).map { plan, points in
            ScanStation(
                name: plan.name, pointCount: points.count, invalidCount: points.invalid, columns: plan.columns,
                rows: plan.rows, transform: plan.pose?.transform, bounds: points.bounds, pose: plan.pose)
        }
        var images: [E57Image] = []
        for (index, element) in (root.child("images2D")?.children ?? []).enumerated() {
            images.append(try image(element, index: index, file: container, withData: withData))
        }
        if plans.isEmpty && images.isEmpty { warnings.append("holds no scans and no images: no geometry") }
        var fields: [String] = []
        for plan in plans {
            for field in plan.decoder.fields where !fields.contains(field.name) { fields.append(field.name) }
        }
        var low = SIMD3<Double>(repeating: .infinity)
        var high = SIMD3<Double>(repeating: -.infinity)
        for points in decoded where points.low.x <= points.high.x {
            low = pointwiseMin(low, points.low)
            high = pointwiseMax(high, points.high)
        }
        let pointCount = decoded.reduce(0) { $0 + $1.count }
        let nonFiniteCount = decoded.reduce(0) { $0 + $1.nonFinite }
        return E57Document(
            geometry: ScanPoints.merge(&decoded), pointCount: pointCount,
            bounds: low.x <= high.x ? Bounds(min: [low.x, low.y, low.z], max: [high.x, high.y, high.z]) : nil,
            nonFiniteCount: nonFiniteCount, stations: stations, images: images, fields: fields,
            software: root.string("e57LibraryVersion"),
            crs: root.string("coordinateMetadata").flatMap { $0.isEmpty ? nil : $0 },
            warnings: warnings)
    }

    /// The checked container and its XML tree.
    static func structure(
        _ bytes: UnsafeRawBufferPointer, file: String, releasePages: (@Sendable (Int, Int) -> Int)? = nil
    ) throws(ScanImportError) -> (E57File, E57Element) {
        let container = try E57File(bytes, file: file, releasePages: releasePages)
        let header = container.header
        guard let xmlStart = container.logical(physical: header.xmlPhysicalOffset),
            header.xmlLogicalLength <= container.logicalLength - xmlStart
        else {
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(24),
                "the XML section (\(header.xmlLogicalLength) bytes at byte \(header.xmlPhysicalOffset)) lies outside the file"
            )
        }
        let xml = try container.read(logical: xmlStart, count: header.xmlLogicalLength, "the XML section")
        let root = try E57XMLTreeBuilder.parse(Data(xml), file: file, at: header.xmlPhysicalOffset)
        return (container, root)
    }

    /// An Image2D: its representation, camera numbers, pose, and its blob checked (and read
    /// when `withData`).
    static func image(
        _ element: E57Element, index: Int, file: E57File, withData: Bool
    ) throws(ScanImportError) -> E57Image {
        let kinds = [
            ("pinholeRepresentation", "pinhole"), ("sphericalRepresentation", "spherical"),
            ("cylindricalRepresentation", "cylindrical"), ("visualReferenceRepresentation", "visual"),
        ]
        let name = element.string("name") ?? "image \(index + 1)"
        guard
            let (representation, kind) = kinds.lazy.compactMap({ key, kind in element.child(key).map { ($0, kind) } })
                .first
        else {
            throw file.xmlError(
                .malformedHeader, element,
                "image \"\(name)\" has no pinhole, spherical, cylindrical or visual representation")
        }
        guard
            let (blob, format) = [("jpegImage", "jpeg"), ("pngImage", "png")].lazy.compactMap({ key, format in
                representation.child(key).map { ($0, format) }
            }).first
        else {
            throw file.xmlError(.malformedHeader, representation, "image \"\(name)\" holds neither a JPEG nor a PNG")
        }
        var camera: [String: Double] = [:]
        for child in representation.children where child.type != "Blob" {
            if let value = child.number, value.isFinite { camera[child.name] = value }
        }
        for extensionElement in element.children where extensionElement.name.hasSuffix("distortion") {
            for child in extensionElement.children {
                let key = child.name.split(separator: ":").last.map(String.init) ?? child.name
                if let value = child.number, value.isFinite { camera["distortion.\(key)"] = value }
            }
        }
        let (offset, length) = try blobLocation(blob, file: file, what: "image \"\(name)\"")
        return E57Image(
            name: name, representation: kind, format: format,
            width: pixels(representation.number("imageWidth")), height: pixels(representation.number("imageHeight")),
            byteCount: length,
            pose: try pose(element, file: file, warnings: nil),
            camera: camera, associatedScan: element.string("associatedData3DGuid"),
            data: withData ? try file.read(logical: offset, count: length, "image \"\(name)\"") : nil)
    }

    /// A count of pixels the file states, when it is one (a file may say anything).
    static func pixels(_ value: Double?) -> Int? {
        guard let value, value.isFinite, value >= 0, value < 1e12 else { return nil }
        return Int(value)
    }

    /// A blob's bytes: its section header checked, the logical offset of its data and its length.
    static func blobLocation(_ blob: E57Element, file: E57File, what: String) throws(ScanImportError) -> (Int, Int) {
        guard let offsetText = blob.attributes["fileOffset"], let physical = Int(offsetText),
            let lengthText = blob.attributes["length"], let length = Int(lengthText), length >= 0
        else {
            throw file.xmlError(.malformedHeader, blob, "\(what)'s blob lacks a fileOffset or length")
        }
        guard let start = file.logical(physical: physical), start + 16 <= file.logicalLength else {
            throw ScanImportError(
                .malformedBody, file: file.file, at: .byteOffset(max(physical, 0)),
                "\(what)'s blob section is said to begin at byte \(physical), outside the file's data")
        }
        let id = try file.read(logical: start, count: 1, "\(what)'s blob section")[0]
        let sectionLength = file.u64(logical: start + 8)
        guard id == 0 else {
            throw ScanImportError(
                .malformedBody, file: file.file, at: .byteOffset(physical),
                "\(what)'s blob section has id \(id); expected 0")
        }
        guard UInt64(length) + 16 <= sectionLength, sectionLength <= UInt64(file.logicalLength - start) else {
            throw ScanImportError(
                .truncated, file: file.file, at: .byteOffset(physical),
                "\(what)'s \(length) bytes do not fit its \(sectionLength)-byte blob section in the file")
        }
        return (start + 16, length)
    }

    /// A scan's or image's pose, normalising a quaternion that is not of unit length (with a
    /// warning). Nil when the element has none.
    static func pose(_ element: E57Element, file: E57File, warnings: UnsafeMutablePointer<[String]>?)
        throws(ScanImportError) -> ScanPose?
    {
        guard let pose = element.child("pose") else { return nil }
        var rotation = [
            pose.number("rotation/w") ?? 1, pose.number("rotation/x") ?? 0, pose.number("rotation/y") ?? 0,
            pose.number("rotation/z") ?? 0,
        ]
        let translation = [
            pose.number("translation/x") ?? 0, pose.number("translation/y") ?? 0, pose.number("translation/z") ?? 0,
        ]
        guard (rotation + translation).allSatisfy(\.isFinite) else {
            throw file.xmlError(.malformedHeader, pose, "a pose holds a number that is not finite")
        }
        let norm = (rotation.reduce(0) { $0 + $1 * $1 }).squareRoot()
        guard norm > 0 else {
            throw file.xmlError(.malformedHeader, pose, "a pose's rotation is zero")
        }
        if abs(norm - 1) > 1e-6 {
            warnings?.pointee.append("a pose's quaternion has length \(norm); it was normalised")
            rotation = rotation.map { $0 / norm }
        }
        return ScanPose(rotation: rotation, translation: translation)
    }
}

/// A Data3D scan: its name, grid, pose and the compressed vector of its points, checked
/// before anything is decoded.
struct ScanPlan {
    let name: String
    let rows: Int?
    let columns: Int?
    let pose: ScanPose?
    let decoder: E57CompressedVectorDecoder
    /// The colour fields' declared ranges (colorLimits, else the fields' own).
    let colourRange: [(Double, Double)]
    let file: String

    init(_ scan: E57Element, index: Int, file: E57File, warnings: inout [String]) throws(ScanImportError) {
        name = scan.string("name").flatMap { $0.isEmpty ? nil : $0 } ?? "scan \(index + 1)"
        self.file = file.file
        if let bounds = scan.child("indexBounds") {
            let rowSpan = (bounds.number("rowMaximum") ?? 0) - (bounds.number("rowMinimum") ?? 0) + 1
            let columnSpan = (bounds.number("columnMaximum") ?? 0) - (bounds.number("columnMinimum") ?? 0) + 1
            rows = rowSpan.isFinite && rowSpan >= 1 && rowSpan < 1e9 ? Int(rowSpan) : nil
            columns = columnSpan.isFinite && columnSpan >= 1 && columnSpan < 1e9 ? Int(columnSpan) : nil
        } else {
            rows = nil
            columns = nil
        }
        pose = try withUnsafeMutablePointer(to: &warnings) { pointer throws(ScanImportError) in
            try E57Reader.pose(scan, file: file, warnings: pointer)
        }
        guard let points = scan.child("points"), points.type == "CompressedVector" else {
            throw file.xmlError(.malformedHeader, scan, "scan \"\(name)\" has no points (a CompressedVector)")
        }
        guard let offsetText = points.attributes["fileOffset"], let offset = Int(offsetText),
            let countText = points.attributes["recordCount"], let count = Int(countText), count >= 0
        else {
            throw file.xmlError(.malformedHeader, points, "scan \"\(name)\"'s points lack a fileOffset or recordCount")
        }
        for codec in points.child("codecs")?.children ?? [] where codec.child("bitPackCodec") == nil {
            throw file.xmlError(
                .unsupported, codec, "scan \"\(name)\" uses a codec other than bitpack, the only one E2807 defines")
        }
        guard let prototype = points.child("prototype") else {
            throw file.xmlError(.malformedHeader, points, "scan \"\(name)\"'s points have no prototype")
        }
        var fields: [E57Field] = []
        for element in prototype.children {
            guard element.type != "Structure" && element.type != "Vector" else {
                throw file.xmlError(
                    .unsupported, element,
                    "scan \"\(name)\"'s point field \(element.name) is a \(element.type); heritage reads flat records")
            }
            fields.append(try E57Field(element, file: file))
        }
        let names = Set(fields.map(\.name))
        let cartesian = ["cartesianX", "cartesianY", "cartesianZ"].allSatisfy(names.contains)
        let spherical = ["sphericalRange", "sphericalAzimuth", "sphericalElevation"].allSatisfy(names.contains)
        guard cartesian || spherical || count == 0 else {
            throw file.xmlError(
                .malformedHeader, prototype,
                "scan \"\(name)\"'s points have neither cartesianX/Y/Z nor sphericalRange/Azimuth/Elevation")
        }
        decoder = try E57CompressedVectorDecoder(file: file, physicalOffset: offset, fields: fields, recordCount: count)
        colourRange = ["Red", "Green", "Blue"].map { colour in
            let field = fields.first { $0.name == "color\(colour)" }
            let low = scan.number("colorLimits/color\(colour)Minimum") ?? field?.minimum ?? 0
            let high = scan.number("colorLimits/color\(colour)Maximum") ?? field?.maximum ?? 255
            return (low, high)
        }
    }

    /// Every valid point, placed by the pose; counted and bounded only, unless `keepingPoints`.
    func decode(positionsOnly: Bool, keepingPoints: Bool = true) throws(ScanImportError) -> ScanPoints {
        let fields = decoder.fields
        func index(_ name: String) -> Int? { fields.firstIndex { $0.name == name } }
        let cartesian = [index("cartesianX"), index("cartesianY"), index("cartesianZ")]
        let spherical = [index("sphericalRange"), index("sphericalAzimuth"), index("sphericalElevation")]
        let useCartesian = cartesian.allSatisfy { $0 != nil }
        let axes = (useCartesian ? cartesian : spherical).map { $0 ?? 0 }
        let invalidState = index(useCartesian ? "cartesianInvalidState" : "sphericalInvalidState")
        let colours =
            positionsOnly ? [] : [index("colorRed"), index("colorGreen"), index("colorBlue")].compactMap { $0 }
        let colourInvalid = index("isColorInvalid")
        let intensity = positionsOnly ? nil : index("intensity")
        let intensityInvalid = index("isIntensityInvalid")
        let rotation = pose?.matrix
        let translation = pose?.translation ?? [0, 0, 0]
        var points = ScanPoints()
        points.keepsPoints = keepingPoints
        if keepingPoints { points.positions.reserveCapacity(min(decoder.recordCount, 1 << 24) * 3) }
        let scales = colourRange.map { low, high in high > low ? 255 / (high - low) : 1 }
        try decoder.decode { (columns, count) throws(ScanImportError) in
            for record in 0..<count {
                if let invalidState, columns[invalidState][record] != 0 {
                    points.invalid += 1
                    continue
                }
                var p: SIMD3<Double>
                if useCartesian {
                    p = SIMD3(columns[axes[0]][record], columns[axes[1]][record], columns[axes[2]][record])
                } else {
                    let range = columns[axes[0]][record]
                    let azimuth = columns[axes[1]][record]
                    let elevation = columns[axes[2]][record]
                    p = SIMD3(
                        range * cos(elevation) * cos(azimuth), range * cos(elevation) * sin(azimuth),
                        range * sin(elevation))
                }
                if let r = rotation {
                    p = SIMD3(
                        r[0][0] * p.x + r[0][1] * p.y + r[0][2] * p.z + translation[0],
                        r[1][0] * p.x + r[1][1] * p.y + r[1][2] * p.z + translation[1],
                        r[2][0] * p.x + r[2][1] * p.y + r[2][2] * p.z + translation[2])
                }
                points.add(p)
                if colours.count == 3 {
                    let invalid = colourInvalid.map { columns[$0][record] != 0 } ?? false
                    for channel in 0..<3 {
                        let value = (columns[colours[channel]][record] - colourRange[channel].0) * scales[channel]
                        points.colours.append(invalid || value.isNaN ? 0 : UInt8(max(0, min(255, value.rounded()))))
                    }
                    points.colours.append(invalid ? 0 : 255)
                }
                if let intensity {
                    let invalid = intensityInvalid.map { columns[$0][record] != 0 } ?? false
                    points.intensity.append(invalid ? .nan : Float(columns[intensity][record]))
                }
            }
        }
        points.hasColour = colours.count == 3
        points.hasIntensity = intensity != nil
        return points
    }
}

/// One scan's decoded points.
struct ScanPoints: Sendable {
    /// False: the points are counted and bounded as they come, not kept.
    var keepsPoints = true
    var positions: [Double] = []
    var colours: [UInt8] = []
    var intensity: [Float] = []
    var hasColour = false
    var hasIntensity = false
    var invalid = 0
    private(set) var count = 0
    /// Points with a coordinate that is not finite (out of the box).
    private(set) var nonFinite = 0
    private(set) var low = SIMD3<Double>(repeating: .infinity)
    private(set) var high = SIMD3<Double>(repeating: -.infinity)

    /// The box around the finite points, as every reader's summary has it.
    var bounds: Bounds? {
        low.x <= high.x ? Bounds(min: [low.x, low.y, low.z], max: [high.x, high.y, high.z]) : nil
    }

    mutating func add(_ p: SIMD3<Double>) {
        count += 1
        if p.x.isFinite && p.y.isFinite && p.z.isFinite {
            low = pointwiseMin(low, p)
            high = pointwiseMax(high, p)
        } else {
            nonFinite += 1
        }
        guard keepsPoints else { return }
        positions.append(p.x)
        positions.append(p.y)
        positions.append(p.z)
    }

    /// The scans' points in one geometry: colour and intensity kept when every scan with
    /// points has them. The scans are emptied as they are moved across, so the points are held
    /// about once, not twice: a single scan's arrays become the geometry's, and several scans
    /// fill arrays reserved for all of them (pages the system maps only as they are written)
    /// while each scan's own arrays are freed behind.
    static func merge(_ scans: inout [ScanPoints]) -> ScanGeometry {
        if scans.count == 1 {
            let only = scans.removeFirst()
            var geometry = ScanGeometry(positions: only.positions)
            if only.hasColour && only.count > 0 { geometry.colors = only.colours }
            if only.hasIntensity && only.count > 0 {
                geometry.scalarFields = [ScalarField(name: "intensity", values: only.intensity)]
            }
            return geometry
        }
        scans.removeAll { $0.count == 0 }
        let colour = !scans.isEmpty && scans.allSatisfy(\.hasColour)
        let intensity = !scans.isEmpty && scans.allSatisfy(\.hasIntensity)
        var positions: [Double] = []
        var colours: [UInt8] = []
        var intensities: [Float] = []
        positions.reserveCapacity(scans.reduce(0) { $0 + $1.positions.count })
        if colour { colours.reserveCapacity(scans.reduce(0) { $0 + $1.colours.count }) }
        if intensity { intensities.reserveCapacity(scans.reduce(0) { $0 + $1.intensity.count }) }
        for index in scans.indices {
            positions.append(contentsOf: scans[index].positions)
            if colour { colours.append(contentsOf: scans[index].colours) }
            if intensity { intensities.append(contentsOf: scans[index].intensity) }
            scans[index] = ScanPoints()
        }
        var geometry = ScanGeometry(positions: positions)
        if colour { geometry.colors = colours }
        if intensity { geometry.scalarFields = [ScalarField(name: "intensity", values: intensities)] }
        return geometry
    }
}
