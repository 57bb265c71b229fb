/// A scanner station of a file that holds several scans (PTX, E57): its grid, its points, and the
/// pose that places them in the file's common frame.
public struct ScanStation: Sendable, Equatable, Codable {
    public var name: String
    /// Points kept (with a return).
    public var pointCount: Int
    /// Grid cells without a return (written as 0 0 0), left out.
    public var invalidCount: Int
    public var columns: Int?
    public var rows: Int?
    /// The 4×4 matrix as the file gives it, rows in order: a point (x, y, z) goes to
    /// x·row₀ + y·row₁ + z·row₂ + row₃ (the first three entries of each).
    public var transform: [[Double]]?
    /// The kept points' box, in the common frame.
    public var bounds: Bounds?
    /// The pose as E57 gives it (quaternion and translation); ``transform`` holds it as a matrix.
    public var pose: ScanPose? = nil
}

/// What a PTX or PTS file holds: the points of all its scans in one frame, their intensity and
/// colour when given, and each scan's station.
public struct TextScanDocument: Sendable {
    /// The points, unless the file was read for its summary only (then empty).
    public var geometry: ScanGeometry
    public var stations: [ScanStation]
    public var warnings: [String]
    /// Points read, their box, and whether every point has an intensity and a colour: known
    /// whether or not the points were kept.
    public var pointCount = 0
    public var bounds: Bounds?
    public var hasIntensity = false
    public var hasColour = false
}

/// Lines of a text file as byte ranges, with their numbers, and their whitespace-separated
/// fields.
struct TextLines {
    /// How far a summary pass reads before letting the pages behind it go.
    static let releaseStep = 16 << 20

    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0
    private(set) var number = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The next line's fields (blank lines skipped), or nil at the end.
    mutating func next(into fields: inout [Range<Int>]) -> Bool {
        while position < bytes.count {
            number += 1
            var end = position
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            fields.removeAll(keepingCapacity: true)
            var index = position
            while index < end {
                while index < end
                    && (bytes[index] == 32 || bytes[index] == 9 || bytes[index] == 13 || bytes[index] == 44)
                {
                    index += 1
                }
                let start = index
                while index < end && bytes[index] != 32 && bytes[index] != 9 && bytes[index] != 13 && bytes[index] != 44
                {
                    index += 1
                }
                if index > start { fields.append(start..<index) }
            }
            position = end + 1
            if !fields.isEmpty { return true }
        }
        return false
    }

    /// The line's fields as numbers; nil when one is not a number.
    func numbers(_ fields: [Range<Int>], into values: inout [Double]) -> Bool {
        values.removeAll(keepingCapacity: true)
        for field in fields {
            guard let value = NumberParsing.double(bytes, field.lowerBound, field.upperBound), value.isFinite else {
                return false
            }
            values.append(value)
        }
        return true
    }

    func text(_ field: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field]), as: UTF8.self)
    }
}

/// The points the text readers gather: positions, intensities, colours while every point has
/// them, and the box of the current scan. A builder that does not keep points (a summary of a
/// file of any size) counts them and follows their box only.
struct TextPointBuilder {
    var keepsPoints = true
    /// False: positions are kept, intensity and colour are not (a comparison needs no more).
    var keepsAttributes = true
    var positions: [Double] = []
    var intensity: [Float] = []
    var colours: [UInt8] = []
    var allColoured = true
    var allWithIntensity = true
    var count = 0
    var low = SIMD3<Double>(repeating: .infinity)
    var high = SIMD3<Double>(repeating: -.infinity)

    mutating func add(_ p: SIMD3<Double>, intensity value: Double?, colour: SIMD3<Double>?) {
        count += 1
        if p.x.isFinite && p.y.isFinite && p.z.isFinite {
            low = pointwiseMin(low, p)
            high = pointwiseMax(high, p)
        }
        guard keepsPoints && keepsAttributes else {
            if value == nil { allWithIntensity = false }
            if colour == nil { allColoured = false }
            if keepsPoints {
                positions.append(p.x)
                positions.append(p.y)
                positions.append(p.z)
            }
            return
        }
        positions.append(p.x)
        positions.append(p.y)
        positions.append(p.z)
        if let value { intensity.append(Float(value)) } else { allWithIntensity = false }
        if let colour, allColoured {
            colours.append(clampByte(colour.x))
            colours.append(clampByte(colour.y))
            colours.append(clampByte(colour.z))
            colours.append(255)
        } else {
            allColoured = false
        }
    }

    private func clampByte(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }

    /// The document of the points gathered.
    func document(stations: [ScanStation], warnings: [String]) -> TextScanDocument {
        TextScanDocument(
            geometry: keepsPoints ? geometry() : ScanGeometry(positions: []), stations: stations, warnings: warnings,
            pointCount: count,
            bounds: low.x <= high.x ? Bounds(min: [low.x, low.y, low.z], max: [high.x, high.y, high.z]) : nil,
            hasIntensity: allWithIntensity && count > 0, hasColour: allColoured && count > 0)
    }

    func geometry() -> ScanGeometry {
        var geometry = ScanGeometry(positions: positions)
        let count = positions.count / 3
        if allColoured && colours.count == count * 4 && count > 0 { geometry.colors = colours }
        if allWithIntensity && intensity.count == count && count > 0 {
            geometry.scalarFields = [ScalarField(name: "intensity", values: intensity)]
        }
        return geometry
    }
}

/// Leica's PTX: scans one after another, each a header (columns, rows, the scanner's position
/// and axes, a 4×4 registration matrix) and a grid of `x y z intensity [r g b]` lines in the
/// scanner's frame. Cells without a return are `0 0 0`; they are counted and left out. Points
/// are placed in the common frame by each scan's matrix.
public enum PTXReader {
    /// With `summaryOnly`, the points are counted and bounded but not kept, and `releasePages`
    /// (given the bytes read so far) lets the file's pages go behind the pass: memory then does
    /// not grow with the file. With `positionsOnly`, intensity and colour are not kept.
    public static func read(
        _ bytes: UnsafeRawBufferPointer, file: String, summaryOnly: Bool = false, positionsOnly: Bool = false,
        releasePages: ((Int, Int) -> Int)? = nil
    ) throws(ScanImportError) -> TextScanDocument {
        var lines = TextLines(bytes)
        var fields: [Range<Int>] = []
        var values: [Double] = []
        var points = TextPointBuilder(keepsPoints: !summaryOnly, keepsAttributes: !positionsOnly)
        var released = 0
        var stations: [ScanStation] = []
        var warnings: [String] = []
        func fail(_ code: ScanImportError.Code, _ message: String) -> ScanImportError {
            ScanImportError(code, file: file, at: .line(lines.number), message)
        }
        /// The next line as `count` numbers.
        func numbersLine(_ count: Int, _ what: String) throws(ScanImportError) -> [Double] {
            guard lines.next(into: &fields) else {
                throw fail(.truncated, "the file ends where scan \(stations.count + 1)'s \(what) should be")
            }
            guard fields.count == count, lines.numbers(fields, into: &values) else {
                throw fail(.malformedHeader, "expected scan \(stations.count + 1)'s \(what): \(count) numbers")
            }
            return values
        }
        while lines.next(into: &fields) {
            guard fields.count == 1,
                let columns = NumberParsing.integer(bytes, fields[0].lowerBound, fields[0].upperBound),
                columns > 0
            else {
                throw fail(
                    .malformedHeader, "expected scan \(stations.count + 1)'s column count (a whole number above 0)")
            }
            let rows = try numbersLine(1, "row count")[0]
            guard rows >= 1, rows == rows.rounded(), rows < 1e9 else {
                throw fail(.malformedHeader, "expected scan \(stations.count + 1)'s row count (a whole number above 0)")
            }
            let (cells, overflow) = Int(columns).multipliedReportingOverflow(by: Int(rows))
            // Every point takes a line of at least four numbers: 8 bytes.
            guard !overflow, cells <= (bytes.count - lines.position) / 8 + 1 else {
                throw fail(
                    .truncated,
                    "scan \(stations.count + 1) announces \(columns) × \(Int(rows)) points; the file cannot hold them")
            }
            _ = try numbersLine(3, "scanner position")
            for axis in ["x", "y", "z"] { _ = try numbersLine(3, "scanner \(axis) axis") }
            var matrix: [[Double]] = []
            for row in 1...4 { matrix.append(try numbersLine(4, "registration matrix row \(row)")) }
            if abs(matrix[0][3]) + abs(matrix[1][3]) + abs(matrix[2][3]) > 1e-9 || abs(matrix[3][3] - 1) > 1e-9 {
                warnings.append(
                    "scan \(stations.count + 1)'s matrix does not end in a column 0 0 0 1; its rows were applied as given"
                )
            }
            let axes = (0..<4).map { SIMD3(matrix[$0][0], matrix[$0][1], matrix[$0][2]) }
            var kept = 0
            var invalid = 0
            var low = SIMD3<Double>(repeating: .infinity)
            var high = SIMD3<Double>(repeating: -.infinity)
            for cell in 0..<cells {
                guard lines.next(into: &fields) else {
                    throw fail(
                        .truncated,
                        "scan \(stations.count + 1) announces \(cells) points; the file ends after \(cell)")
                }
                guard [3, 4, 6, 7].contains(fields.count), lines.numbers(fields, into: &values) else {
                    throw fail(
                        .malformedBody,
                        "expected a point of scan \(stations.count + 1): x y z [intensity] [red green blue], "
                            + "found \(fields.count) fields")
                }
                if values[0] == 0 && values[1] == 0 && values[2] == 0 {
                    invalid += 1
                    continue
                }
                let p = values[0] * axes[0] + values[1] * axes[1] + values[2] * axes[2] + axes[3]
                let intensity: Double? = fields.count == 4 || fields.count == 7 ? values[3] : nil
                let colour: SIMD3<Double>? =
                    fields.count >= 6
                    ? SIMD3(values[fields.count - 3], values[fields.count - 2], values[fields.count - 1]) : nil
                points.add(p, intensity: intensity, colour: colour)
                low = pointwiseMin(low, p)
                high = pointwiseMax(high, p)
                kept += 1
                if let releasePages, lines.position - released >= TextLines.releaseStep {
                    released = releasePages(released, lines.position)
                }
            }
            stations.append(
                ScanStation(
                    name: "scan \(stations.count + 1)", pointCount: kept, invalidCount: invalid, columns: Int(columns),
                    rows: Int(rows), transform: matrix,
                    bounds: kept > 0 ? Bounds(min: [low.x, low.y, low.z], max: [high.x, high.y, high.z]) : nil))
        }
        guard !stations.isEmpty else {
            throw ScanImportError(
                .malformedHeader, file: file, "holds no scan; expected a PTX header (columns, rows, …)")
        }
        return points.document(stations: stations, warnings: warnings)
    }
}

/// PTS: `x y z`, `x y z intensity`, `x y z red green blue` or `x y z intensity red green blue`
/// lines, each block optionally after a line holding its point count.
public enum PTSReader {
    /// `summaryOnly`, `positionsOnly` and `releasePages` as for
    /// ``PTXReader/read(_:file:summaryOnly:positionsOnly:releasePages:)``.
    public static func read(
        _ bytes: UnsafeRawBufferPointer, file: String, summaryOnly: Bool = false, positionsOnly: Bool = false,
        releasePages: ((Int, Int) -> Int)? = nil
    ) throws(ScanImportError) -> TextScanDocument {
        var lines = TextLines(bytes)
        var fields: [Range<Int>] = []
        var values: [Double] = []
        var points = TextPointBuilder(keepsPoints: !summaryOnly, keepsAttributes: !positionsOnly)
        var released = 0
        var announced = 0
        var announcedAt = 0
        var inBlock = 0
        var warnings: [String] = []
        while lines.next(into: &fields) {
            if fields.count == 1 {
                guard let count = NumberParsing.integer(bytes, fields[0].lowerBound, fields[0].upperBound), count >= 0
                else {
                    throw ScanImportError(
                        .malformedBody, file: file, at: .line(lines.number),
                        "expected a point count or a point (x y z [intensity] [red green blue])")
                }
                if announcedAt > 0 && announced != inBlock {
                    warnings.append(
                        "the block at line \(announcedAt) announces \(announced) points and holds \(inBlock)")
                }
                (announced, announcedAt, inBlock) = (Int(count), lines.number, 0)
                continue
            }
            guard [3, 4, 6, 7].contains(fields.count), lines.numbers(fields, into: &values) else {
                throw ScanImportError(
                    .malformedBody, file: file, at: .line(lines.number),
                    "expected a point: x y z [intensity] [red green blue], found \(fields.count) fields")
            }
            let intensity: Double? = fields.count == 4 || fields.count == 7 ? values[3] : nil
            let colour: SIMD3<Double>? =
                fields.count >= 6
                ? SIMD3(values[fields.count - 3], values[fields.count - 2], values[fields.count - 1]) : nil
            points.add(SIMD3(values[0], values[1], values[2]), intensity: intensity, colour: colour)
            inBlock += 1
            if let releasePages, lines.position - released >= TextLines.releaseStep {
                released = releasePages(released, lines.position)
            }
        }
        if announcedAt > 0 && announced != inBlock {
            warnings.append("the block at line \(announcedAt) announces \(announced) points and holds \(inBlock)")
        }
        if points.count == 0 { warnings.append("no points") }
        return points.document(stations: [], warnings: warnings)
    }
}
