import Foundation

/// An ESRI world file (`.jgw`, `.pgw`, `.tfw`, `.wld`): the affine map from an image's pixels
/// to map coordinates, six numbers on six lines.
///
///     x = a·column + b·row + c
///     y = d·column + e·row + f
///
/// where (column, row) = (0, 0) is the *centre* of the top-left pixel. The file's order is
/// a, d, b, e, c, f.
public struct WorldFile: Sendable, Equatable {
    public var a: Double
    public var d: Double
    public var b: Double
    public var e: Double
    public var c: Double
    public var f: Double

    public init(a: Double, d: Double, b: Double, e: Double, c: Double, f: Double) {
        self.a = a
        self.d = d
        self.b = b
        self.e = e
        self.c = c
        self.f = f
    }

    /// Map coordinates of a pixel position (fractional: 0 is a pixel's centre).
    public func world(column: Double, row: Double) -> SIMD2<Double> {
        SIMD2(a * column + b * row + c, d * column + e * row + f)
    }

    /// The pixel position of map coordinates; nil when the map is degenerate.
    public func pixel(_ point: SIMD2<Double>) -> SIMD2<Double>? {
        let determinant = a * e - b * d
        guard determinant != 0, determinant.isFinite else { return nil }
        let x = point.x - c
        let y = point.y - f
        return SIMD2((e * x - b * y) / determinant, (a * y - d * x) / determinant)
    }

    /// The ground area of one pixel, in square map units.
    public var pixelArea: Double { abs(a * e - b * d) }

    /// The file's six lines, as written.
    public var text: String {
        [a, d, b, e, c, f].map { "\($0)" }.joined(separator: "\n") + "\n"
    }

    /// Reads the six numbers. Blank lines at the end are allowed; anything else is an error
    /// naming the line.
    public static func read(_ bytes: UnsafeRawBufferPointer, file: String) throws(ScanImportError) -> WorldFile {
        let text = String(decoding: bytes, as: UTF8.self)
        var values = [Double]()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            guard values.count < 6 else {
                throw ScanImportError(
                    .malformedBody, file: file, at: .line(index + 1),
                    "a world file has six numbers; found more: '\(line.prefix(40))'")
            }
            guard let value = Double(line), value.isFinite else {
                throw ScanImportError(
                    .malformedBody, file: file, at: .line(index + 1),
                    "expected a number (the \(names[values.count])), found '\(line.prefix(40))'")
            }
            values.append(value)
        }
        guard values.count == 6 else {
            throw ScanImportError(
                .truncated, file: file,
                "a world file has six numbers (pixel size x, rotations, pixel size y, x and y of the top-left pixel); found \(values.count)"
            )
        }
        let world = WorldFile(a: values[0], d: values[1], b: values[2], e: values[3], c: values[4], f: values[5])
        guard world.pixelArea > 0 else {
            throw ScanImportError(.malformedBody, file: file, "the pixel size is zero: the map has no area")
        }
        return world
    }

    private static let names = [
        "x pixel size", "row rotation", "column rotation", "y pixel size", "x of the top-left pixel",
        "y of the top-left pixel",
    ]

    /// The world file beside an image, if there is one: `photo.jgw` or `photo.jpgw` for
    /// `photo.jpg`, `photo.pgw` for `photo.png`, or `photo.wld` (either case).
    public static func sidecar(of image: String) -> String? {
        let url = URL(filePath: image)
        let stem = url.deletingPathExtension()
        let ext = url.pathExtension.lowercased()
        var candidates = [String]()
        if ext.count >= 2, let first = ext.first, let last = ext.last {
            let short = "\(first)\(last)w"
            candidates += [short, short.uppercased(), ext + "w", (ext + "w").uppercased()]
        }
        candidates += ["wld", "WLD"]
        return candidates.lazy.map { stem.appendingPathExtension($0).path }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Reads a world file from disk.
    public static func read(path: String) throws(ScanImportError) -> WorldFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScanImportError(.unreadable, file: path, "cannot read the world file")
        }
        let bytes = [UInt8](data)
        let parsed = bytes.withUnsafeBytes { raw in Result { () throws(ScanImportError) in try read(raw, file: path) } }
        return try parsed.get()
    }

    /// Whether a file name is a world file's (`.jgw`, `.pgw`, `.tfw`, `.jpgw`, `.pngw`, `.wld`, …).
    public static func isWorldFileName(_ name: String) -> Bool {
        let ext = URL(filePath: name).pathExtension.lowercased()
        return ["jgw", "jpgw", "jpegw", "pgw", "pngw", "tfw", "tifw", "tiffw", "gfw", "bpw", "wld"].contains(ext)
    }
}
