import Foundation
import SurveyDiff

/// The peer benchmark's façade (../shared/peers/gen_inputs.py) in Swift, at any size: a 10 m ×
/// 5 m relief in the xy plane, depth along +z, with pilasters and carving. The "after" epoch
/// has a 40 mm Gaussian dent at (3.0, 2.5) and an 80 mm spalled block over x 6.5–7.1,
/// y 1.0–1.4. Both epochs are independent samplings with 1.5 mm Gaussian noise.
struct SyntheticFacade {
    static let noise = 0.0015
    static let blockVolume = 0.6 * 0.4 * 0.080

    static func heightBefore(_ x: Double, _ y: Double) -> Double {
        let xm = x.truncatingRemainder(dividingBy: 2.5) - 1.25
        return 0.02 * sin(2 * .pi * x / 0.9) * sin(2 * .pi * y / 0.7) + 0.06 * exp(-xm * xm / (2 * 0.15 * 0.15))
            + 0.01 * cos(2 * .pi * (x + 2 * y) / 3.1)
    }

    /// Signed true change along +z (negative: material lost).
    static func change(_ x: Double, _ y: Double) -> Double {
        let dent = -0.040 * exp(-((x - 3.0) * (x - 3.0) + (y - 2.5) * (y - 2.5)) / (2 * 0.15 * 0.15))
        let inBlock = x >= 6.5 && x <= 7.1 && y >= 1.0 && y <= 1.4
        return dent - (inBlock ? 0.080 : 0)
    }

    /// `count` points of one epoch and the true change at each.
    static func epoch(count: Int, after: Bool, seed: UInt64) -> (cloud: PointCloud, truth: [Double]) {
        var random = SplitMix(seed: seed)
        var positions = [Double]()
        positions.reserveCapacity(3 * count)
        var truth = [Double]()
        for _ in 0..<count {
            let x = random.uniform() * 10
            let y = random.uniform() * 5
            let z = heightBefore(x, y) + (after ? change(x, y) : 0)
            positions += [x + random.gaussian() * noise, y + random.gaussian() * noise, z + random.gaussian() * noise]
            truth.append(change(x, y))
        }
        return (PointCloud(positions: positions), truth)
    }
}

/// A small deterministic generator (SplitMix64) with Box–Muller Gaussians.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func gaussian() -> Double {
        let u = max(uniform(), 1e-300)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform())
    }
}
