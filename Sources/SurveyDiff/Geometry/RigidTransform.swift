/// A rotation followed by a translation: `p' = R p + t`.
public struct RigidTransform: Sendable, Equatable {
    /// Rows of the rotation matrix.
    public var rotation: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
    public var translation: SIMD3<Double>

    public static let identity = RigidTransform(
        rotation: (SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)), translation: .zero)

    public init(rotation: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>), translation: SIMD3<Double>) {
        self.rotation = rotation
        self.translation = translation
    }

    /// From a 4×4 matrix given row by row (16 values, last row 0 0 0 1).
    public init?(matrix: [Double]) {
        guard matrix.count == 16, matrix.allSatisfy(\.isFinite) else { return nil }
        rotation = (
            SIMD3(matrix[0], matrix[1], matrix[2]), SIMD3(matrix[4], matrix[5], matrix[6]),
            SIMD3(matrix[8], matrix[9], matrix[10])
        )
        translation = SIMD3(matrix[3], matrix[7], matrix[11])
    }

    /// A rotation of `angle` radians about `axis` (Rodrigues' formula), then `translation`.
    public init(axis: SIMD3<Double>, angle: Double, translation: SIMD3<Double> = .zero) {
        let length = (axis * axis).sum().squareRoot()
        guard length > 0, angle != 0 else {
            self = RigidTransform(rotation: RigidTransform.identity.rotation, translation: translation)
            return
        }
        let k = axis / length
        let c = cos(angle)
        let s = sin(angle)
        let v = 1 - c
        rotation = (
            SIMD3(c + k.x * k.x * v, k.x * k.y * v - k.z * s, k.x * k.z * v + k.y * s),
            SIMD3(k.y * k.x * v + k.z * s, c + k.y * k.y * v, k.y * k.z * v - k.x * s),
            SIMD3(k.z * k.x * v - k.y * s, k.z * k.y * v + k.x * s, c + k.z * k.z * v)
        )
        self.translation = translation
    }

    @inline(__always)
    public func rotate(_ p: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((rotation.0 * p).sum(), (rotation.1 * p).sum(), (rotation.2 * p).sum())
    }

    @inline(__always)
    public func apply(_ p: SIMD3<Double>) -> SIMD3<Double> { rotate(p) + translation }

    /// `self` after `other`: applies `other` first.
    public func after(_ other: RigidTransform) -> RigidTransform {
        let columns = (other.rotation.0, other.rotation.1, other.rotation.2)
        func row(_ r: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3(
                r.x * columns.0.x + r.y * columns.1.x + r.z * columns.2.x,
                r.x * columns.0.y + r.y * columns.1.y + r.z * columns.2.y,
                r.x * columns.0.z + r.y * columns.1.z + r.z * columns.2.z)
        }
        return RigidTransform(
            rotation: (row(rotation.0), row(rotation.1), row(rotation.2)),
            translation: rotate(other.translation) + translation)
    }

    /// The rotation angle in degrees.
    public var angleDegrees: Double {
        let trace = rotation.0.x + rotation.1.y + rotation.2.z
        return acos(max(-1, min(1, (trace - 1) / 2))) * 180 / .pi
    }

    /// The 4×4 matrix, row by row.
    public var matrix: [[Double]] {
        [
            [rotation.0.x, rotation.0.y, rotation.0.z, translation.x],
            [rotation.1.x, rotation.1.y, rotation.1.z, translation.y],
            [rotation.2.x, rotation.2.y, rotation.2.z, translation.z],
            [0, 0, 0, 1],
        ]
    }

    public static func == (a: RigidTransform, b: RigidTransform) -> Bool {
        a.rotation.0 == b.rotation.0 && a.rotation.1 == b.rotation.1 && a.rotation.2 == b.rotation.2
            && a.translation == b.translation
    }
}

#if canImport(Glibc)
    import Glibc
#endif
