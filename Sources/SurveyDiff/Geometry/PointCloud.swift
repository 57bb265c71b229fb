import ScanImport

/// Points of one survey epoch: positions in `Double` (georeferenced coordinates keep every
/// digit), and normals when the file has them.
public struct PointCloud: Sendable {
    /// x, y, z of every point, interleaved.
    public var positions: [Double]
    /// nx, ny, nz of every point, interleaved, when known.
    public var normals: [Float]?

    public var count: Int { positions.count / 3 }

    public init(positions: [Double], normals: [Float]? = nil) {
        precondition(positions.count % 3 == 0, "positions hold x, y, z triples")
        precondition(normals.map { $0.count == positions.count } ?? true, "one normal per point")
        self.positions = positions
        self.normals = normals
    }

    public init(_ geometry: ScanGeometry) {
        self.init(positions: geometry.positions, normals: geometry.normals)
    }

    /// Hands the positions over (to a tree that reorders them in place), leaving none: the
    /// array is then uniquely owned by the taker, so no copy is made. The normals stay.
    public mutating func takePositions() -> [Double] {
        let taken = positions
        positions = []
        normals = nil
        return taken
    }

    @inline(__always)
    public func point(_ index: Int) -> SIMD3<Double> {
        SIMD3(positions[3 * index], positions[3 * index + 1], positions[3 * index + 2])
    }

    /// The normal of point `index`, if the cloud has normals.
    public func normal(_ index: Int) -> SIMD3<Double>? {
        guard let normals else { return nil }
        return SIMD3(Double(normals[3 * index]), Double(normals[3 * index + 1]), Double(normals[3 * index + 2]))
    }

    /// The smallest box around every finite point, or nil when there is none.
    public var bounds: (lower: SIMD3<Double>, upper: SIMD3<Double>)? {
        var lower = SIMD3<Double>(repeating: .infinity)
        var upper = SIMD3<Double>(repeating: -.infinity)
        for index in 0..<count {
            let p = point(index)
            guard p.x.isFinite, p.y.isFinite, p.z.isFinite else { continue }
            lower = pointwiseMin(lower, p)
            upper = pointwiseMax(upper, p)
        }
        return lower.x <= upper.x ? (lower, upper) : nil
    }

    /// The same points moved by `transform` (normals rotated with them).
    public func transformed(by transform: RigidTransform) -> PointCloud {
        var moved = [Double](repeating: 0, count: positions.count)
        positions.withUnsafeBufferPointer { source in
            moved.withUnsafeMutableBufferPointer { out in
                let shared = UncheckedSendable((source, out))
                parallelChunks(count) { range in
                    let (source, out) = shared.value
                    for index in range {
                        let base = 3 * index
                        let p = transform.apply(SIMD3(source[base], source[base + 1], source[base + 2]))
                        out[base] = p.x
                        out[base + 1] = p.y
                        out[base + 2] = p.z
                    }
                }
            }
        }
        let rotated = normals.map { normals in
            var rotated = [Float](repeating: 0, count: normals.count)
            for index in stride(from: 0, to: normals.count, by: 3) {
                let n = transform.rotate(
                    SIMD3(Double(normals[index]), Double(normals[index + 1]), Double(normals[index + 2])))
                rotated[index] = Float(n.x)
                rotated[index + 1] = Float(n.y)
                rotated[index + 2] = Float(n.z)
            }
            return rotated
        }
        return PointCloud(positions: moved, normals: rotated)
    }
}
