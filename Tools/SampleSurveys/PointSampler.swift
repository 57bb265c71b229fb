import Foundation

/// Deterministic random numbers (SplitMix64) and surface sampling for the sample scans.
struct SplitMix: Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

    /// Standard normal (Box-Muller).
    mutating func gaussian() -> Double {
        let u = max(unit(), 1e-300)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * unit())
    }
}

/// A point cloud being built: x, y, z interleaved, in metres.
struct PointBuffer {
    var positions: [Double] = []
    var count: Int { positions.count / 3 }

    mutating func append(_ x: Double, _ y: Double, _ z: Double) {
        positions.append(x)
        positions.append(y)
        positions.append(z)
    }

    /// Samples a rectangle `origin + s·u + t·v` (s in 0..<uLength, t in 0..<vLength) on a jittered
    /// grid of `spacing`, keeping the points `keep` accepts, displaced along `normal` by `offset(s, t)`.
    mutating func sampleRectangle(
        origin: SIMD3<Double>, u: SIMD3<Double>, v: SIMD3<Double>, uLength: Double, vLength: Double,
        spacing: Double, random: inout SplitMix, keep: (Double, Double) -> Bool = { _, _ in true },
        offset: (Double, Double) -> Double = { _, _ in 0 }
    ) {
        let normal = cross(u, v)
        let columns = Int(uLength / spacing)
        let rows = Int(vLength / spacing)
        for row in 0..<rows {
            for column in 0..<columns {
                let s = (Double(column) + random.unit()) * spacing
                let t = (Double(row) + random.unit()) * spacing
                guard keep(s, t) else { continue }
                let point = origin + s * u + t * v + offset(s, t) * normal
                append(point.x, point.y, point.z)
            }
        }
    }

    /// Adds Gaussian noise of `sigma` to every coordinate, as a scanner's ranging noise.
    mutating func addNoise(sigma: Double, random: inout SplitMix) {
        for index in positions.indices { positions[index] += sigma * random.gaussian() }
    }

    /// Rotates by `degrees` about the vertical axis through the origin, then translates: the
    /// misregistration of a second survey set up on its own.
    mutating func misalign(degrees: Double, translation: SIMD3<Double>) {
        let angle = degrees * Double.pi / 180
        let (c, s) = (cos(angle), sin(angle))
        for index in stride(from: 0, to: positions.count, by: 3) {
            let x = positions[index]
            let y = positions[index + 1]
            positions[index] = c * x - s * y + translation.x
            positions[index + 1] = s * x + c * y + translation.y
            positions[index + 2] += translation.z
        }
    }
}

func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

func smoothBump(_ r: Double, radius: Double) -> Double {
    guard r < radius else { return 0 }
    let x = r / radius
    return (1 - x * x) * (1 - x * x)
}
