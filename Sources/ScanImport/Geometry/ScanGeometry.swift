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

    /// The axis-aligned box around every vertex, or nil for an empty scan. NaN coordinates are skipped.
    public var bounds: Bounds? {
        var low = [Double.infinity, .infinity, .infinity]
        var high = [-Double.infinity, -.infinity, -.infinity]
        positions.withUnsafeBufferPointer { buffer in
            var index = 0
            while index + 2 < buffer.count {
                for axis in 0..<3 {
                    let value = buffer[index + axis]
                    if value < low[axis] { low[axis] = value }
                    if value > high[axis] { high[axis] = value }
                }
                index += 3
            }
        }
        guard low[0] <= high[0] else { return nil }
        return Bounds(min: low, max: high)
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
