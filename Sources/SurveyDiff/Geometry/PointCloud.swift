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
        var moved = self
        moved.transform(by: transform)
        return moved
    }

    /// Moves the points by `transform` in place (normals rotated with them), on all cores: a
    /// uniquely held cloud is not copied.
    public mutating func transform(by transform: RigidTransform) {
        let count = self.count
        positions.withUnsafeMutableBufferPointer { buffer in
            let shared = UncheckedSendable(buffer)
            parallelChunks(count) { range in
                let p = shared.value
                for index in range {
                    let base = 3 * index
                    let moved = transform.apply(SIMD3(p[base], p[base + 1], p[base + 2]))
                    (p[base], p[base + 1], p[base + 2]) = (moved.x, moved.y, moved.z)
                }
            }
        }
        guard var rotated = normals.take() else { return }  // taken: held once while rotated
        for index in 0..<count {
            let base = 3 * index
            let n = transform.rotate(
                SIMD3(Double(rotated[base]), Double(rotated[base + 1]), Double(rotated[base + 2])))
            (rotated[base], rotated[base + 1], rotated[base + 2]) = (Float(n.x), Float(n.y), Float(n.z))
        }
        normals = rotated
    }
}
