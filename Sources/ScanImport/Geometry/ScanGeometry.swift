/// Points, and optionally triangles, decoded from a scan in a form every later step can use.
///
/// Positions are `Double` so that georeferenced coordinates are never rounded; a PLY or OBJ
/// file's 32-bit floats widen exactly.
public struct ScanGeometry: Sendable {
    /// x, y, z of every vertex, interleaved.
    public var positions: [Double]
    /// nx, ny, nz of every vertex, interleaved, when the file has normals.
    public var normals: [Float]?
    /// red, green, blue, alpha (0-255) of every vertex, interleaved, when the file has colours.
    public var colors: [UInt8]?
    /// Other per-vertex values (intensity, confidence, classification, …), by name, in file order.
    public var scalarFields: [ScalarField]
    /// Vertex indices of triangles, three per triangle, all checked to be in range.
    public var triangles: [UInt32]
    /// Faces as the file wrote them, before triangulation.
    public var polygonCount: Int
    /// Line segments (OBJ `l`, PLY edges).
    public var lineCount: Int

    public var vertexCount: Int { positions.count / 3 }
    public var triangleCount: Int { triangles.count / 3 }

    public init(
        positions: [Double], normals: [Float]? = nil, colors: [UInt8]? = nil, scalarFields: [ScalarField] = [],
        triangles: [UInt32] = [], polygonCount: Int = 0, lineCount: Int = 0
    ) {
        self.positions = positions
        self.normals = normals
        self.colors = colors
        self.scalarFields = scalarFields
        self.triangles = triangles
        self.polygonCount = polygonCount
        self.lineCount = lineCount
    }

    /// The axis-aligned box around every vertex whose coordinates are all finite, or nil when
    /// there is none. A vertex with a NaN or infinite coordinate is left out (``nonFiniteCount``).
    public var bounds: Bounds? { Self.finiteBounds(positions).bounds }

    /// How many vertices have a NaN or infinite coordinate.
    public var nonFiniteCount: Int { Self.finiteBounds(positions).nonFinite }

    /// The box around the vertices of `positions` (x, y, z interleaved) whose coordinates are
    /// all finite, and how many are not.
    static func finiteBounds(_ positions: [Double]) -> (bounds: Bounds?, nonFinite: Int) {
        positions.withUnsafeBufferPointer { buffer in
            finiteBounds(count: buffer.count / 3) { axis, index in buffer[3 * index + axis] }
        }
    }

    /// The same over `count` vertices whose coordinates `value(axis, index)` reads (interleaved
    /// positions, or three columns).
    static func finiteBounds(count: Int, _ value: (Int, Int) -> Double) -> (bounds: Bounds?, nonFinite: Int) {
        var box = FiniteBox()
        for index in 0..<count { box.add(SIMD3(value(0, index), value(1, index), value(2, index))) }
        let result = box.result
        return (result.bounds, result.nonFinite)
    }
}

/// The box around the finite points of a set, and how many points are not finite.
public struct FiniteBounds: Sendable, Equatable {
    public var bounds: Bounds?
    public var nonFinite: Int
}

/// The box around the finite points seen so far and how many were not finite: what a reader
/// that keeps no point gathers as it goes, block by block or chunk by chunk.
struct FiniteBox {
    private var low = SIMD3<Double>(repeating: .infinity)
    private var high = SIMD3<Double>(repeating: -.infinity)
    private var nonFinite = 0

    @inline(__always) mutating func add(_ p: SIMD3<Double>) {
        guard p.x.isFinite && p.y.isFinite && p.z.isFinite else {
            nonFinite += 1
            return
        }
        low = pointwiseMin(low, p)
        high = pointwiseMax(high, p)
    }

    /// Takes in another part's box (a chunk read on another core).
    mutating func merge(_ other: FiniteBox) {
        low = pointwiseMin(low, other.low)
        high = pointwiseMax(high, other.high)
        nonFinite += other.nonFinite
    }

    var result: FiniteBounds {
        FiniteBounds(
            bounds: low.x <= high.x ? Bounds(min: [low.x, low.y, low.z], max: [high.x, high.y, high.z]) : nil,
            nonFinite: nonFinite)
    }
}

/// Per-vertex values of one named quantity.
public struct ScalarField: Sendable, Equatable {
    public var name: String
    public var values: [Float]
    public init(name: String, values: [Float]) {
        self.name = name
        self.values = values
    }
}

/// An axis-aligned box.
public struct Bounds: Sendable, Equatable, Codable {
    public var min: [Double]
    public var max: [Double]
}
