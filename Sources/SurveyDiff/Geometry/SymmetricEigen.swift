#if canImport(Glibc)
    import Glibc
#endif

/// The upper triangle of a symmetric 3×3 matrix (a covariance of positions).
struct SymmetricMatrix3 {
    var xx = 0.0, xy = 0.0, xz = 0.0, yy = 0.0, yz = 0.0, zz = 0.0

    @inline(__always)
    mutating func addOuterProduct(_ d: SIMD3<Double>, weight: Double) {
        xx += weight * d.x * d.x
        xy += weight * d.x * d.y
        xz += weight * d.x * d.z
        yy += weight * d.y * d.y
        yz += weight * d.y * d.z
        zz += weight * d.z * d.z
    }

    @inline(__always)
    mutating func add(_ other: SymmetricMatrix3) {
        xx += other.xx
        xy += other.xy
        xz += other.xz
        yy += other.yy
        yz += other.yz
        zz += other.zz
    }

    /// aᵀ M a.
    @inline(__always)
    func quadratic(_ a: SIMD3<Double>) -> Double {
        a.x * a.x * xx + a.y * a.y * yy + a.z * a.z * zz + 2 * (a.x * a.y * xy + a.x * a.z * xz + a.y * a.z * yz)
    }

    /// Eigenvalues in ascending order (Smith's closed form for symmetric 3×3 matrices).
    func eigenvalues() -> SIMD3<Double> {
        let offDiagonal = xy * xy + xz * xz + yz * yz
        let q = (xx + yy + zz) / 3
        let diagonal = (xx - q) * (xx - q) + (yy - q) * (yy - q) + (zz - q) * (zz - q)
        let p = ((diagonal + 2 * offDiagonal) / 6).squareRoot()
        guard p > 0 else { return SIMD3(repeating: q) }
        let bxx = (xx - q) / p
        let byy = (yy - q) / p
        let bzz = (zz - q) / p
        let bxy = xy / p
        let bxz = xz / p
        let byz = yz / p
        let determinant = bxx * (byy * bzz - byz * byz) - bxy * (bxy * bzz - byz * bxz) + bxz * (bxy * byz - byy * bxz)
        let phi = acos(max(-1, min(1, determinant / 2))) / 3
        let largest = q + 2 * p * cos(phi)
        let smallest = q + 2 * p * cos(phi + 2 * Double.pi / 3)
        return SIMD3(smallest, 3 * q - largest - smallest, largest)
    }

    /// A unit eigenvector for `value`, from the largest cross product of two rows of `A − value·I`.
    func eigenvector(for value: Double) -> SIMD3<Double>? {
        let r0 = SIMD3(xx - value, xy, xz)
        let r1 = SIMD3(xy, yy - value, yz)
        let r2 = SIMD3(xz, yz, zz - value)
        let candidates = [cross(r0, r1), cross(r0, r2), cross(r1, r2)]
        var best = candidates[0]
        var bestLength = (best * best).sum()
        for candidate in candidates.dropFirst() {
            let length = (candidate * candidate).sum()
            if length > bestLength {
                best = candidate
                bestLength = length
            }
        }
        guard bestLength > 0, bestLength.isFinite else { return nil }
        return best / bestLength.squareRoot()
    }
}

@inline(__always)
func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inline(__always)
func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { (a * b).sum() }

@inline(__always)
func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }

@inline(__always)
func length(_ a: SIMD3<Double>) -> Double { (a * a).sum().squareRoot() }

@inline(__always)
func length(_ a: SIMD3<Float>) -> Float { (a * a).sum().squareRoot() }

/// Eigenvalues and eigenvectors of a small symmetric matrix (row-major `n×n`) by cyclic Jacobi
/// rotations. Values ascending; `vectors[k]` belongs to `values[k]`.
func jacobiEigen(_ matrix: [Double], size n: Int) -> (values: [Double], vectors: [[Double]]) {
    var a = matrix
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    for _ in 0..<64 {
        var off = 0.0
        for i in 0..<n { for j in (i + 1)..<n { off += a[i * n + j] * a[i * n + j] } }
        if off < 1e-30 { break }
        for p in 0..<n {
            for q in (p + 1)..<n where a[p * n + q] != 0 {
                let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot()
                let s = t * c
                for k in 0..<n {
                    let akp = a[k * n + p]
                    let akq = a[k * n + q]
                    a[k * n + p] = c * akp - s * akq
                    a[k * n + q] = s * akp + c * akq
                }
                for k in 0..<n {
                    let apk = a[p * n + k]
                    let aqk = a[q * n + k]
                    a[p * n + k] = c * apk - s * aqk
                    a[q * n + k] = s * apk + c * aqk
                }
                for k in 0..<n {
                    let vkp = v[k * n + p]
                    let vkq = v[k * n + q]
                    v[k * n + p] = c * vkp - s * vkq
                    v[k * n + q] = s * vkp + c * vkq
                }
            }
        }
    }
    let order = (0..<n).sorted { a[$0 * n + $0] < a[$1 * n + $1] }
    return (order.map { a[$0 * n + $0] }, order.map { column in (0..<n).map { v[$0 * n + column] } })
}
