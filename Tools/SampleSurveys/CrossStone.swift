import Foundation

/// A khachkar (carved cross-stone): a 0.8 × 0.25 × 1.6 m slab with a relief cross on its west
/// face, set on a 1.2 × 0.6 × 0.3 m pedestal on open ground. The second survey finds it
/// toppled: thrown face down on the ground in front of its pedestal.
struct CrossStone {
    static let width = 0.8
    static let thickness = 0.25
    static let height = 1.6
    static let pedestal = (width: 1.2, depth: 0.6, height: 0.3)
    /// The slab's volume: what a region of gain on the ground should approach.
    static var volume: Double { width * thickness * height }

    static func scan(spacing: Double, toppled: Bool, seed: UInt64) -> PointBuffer {
        var random = SplitMix(seed: seed)
        var cloud = PointBuffer()
        let p = pedestal
        // Ground, 6 × 6 m around the pedestal, except under it (and, after, under the slab).
        let reach = 3.0
        let lying = (xLow: -width / 2, xHigh: width / 2, yLow: -p.depth / 2 - height, yHigh: -p.depth / 2)
        cloud.sampleRectangle(
            origin: SIMD3(-reach, -reach, 0), u: SIMD3(1, 0, 0), v: SIMD3(0, 1, 0), uLength: 2 * reach,
            vLength: 2 * reach, spacing: spacing, random: &random,
            keep: { s, t in
                let x = s - reach
                let y = t - reach
                if abs(x) < p.width / 2 && abs(y) < p.depth / 2 { return false }
                if toppled && x > lying.xLow && x < lying.xHigh && y > lying.yLow && y < lying.yHigh { return false }
                return true
            })
        box(
            &cloud, low: SIMD3(-p.width / 2, -p.depth / 2, 0), high: SIMD3(p.width / 2, p.depth / 2, p.height),
            spacing: spacing, random: &random, top: true)
        if toppled {
            // Face down in front of the pedestal: its back (plain) face up, 0.25 m proud of the ground.
            box(
                &cloud, low: SIMD3(lying.xLow, lying.yLow, 0), high: SIMD3(lying.xHigh, lying.yHigh, thickness),
                spacing: spacing, random: &random, top: true)
        } else {
            let low = SIMD3(-width / 2, -thickness / 2, p.height)
            let high = SIMD3(width / 2, thickness / 2, p.height + height)
            box(&cloud, low: low, high: high, spacing: spacing, random: &random, top: true) { x, z in
                reliefCross(x, z - p.height)
            }
        }
        return cloud
    }

    /// Samples the faces of a box standing on z = low.z (no bottom). `relief(x, z)` raises the
    /// south face (-y) outwards.
    private static func box(
        _ cloud: inout PointBuffer, low: SIMD3<Double>, high: SIMD3<Double>, spacing: Double,
        random: inout SplitMix, top: Bool, relief: @escaping (Double, Double) -> Double = { _, _ in 0 }
    ) {
        let size = high - low
        cloud.sampleRectangle(
            origin: low, u: SIMD3(1, 0, 0), v: SIMD3(0, 0, 1), uLength: size.x, vLength: size.z, spacing: spacing,
            random: &random, offset: { s, t in -relief(low.x + s, low.z + t) })
        cloud.sampleRectangle(
            origin: SIMD3(high.x, high.y, low.z), u: SIMD3(-1, 0, 0), v: SIMD3(0, 0, 1), uLength: size.x,
            vLength: size.z, spacing: spacing, random: &random)
        cloud.sampleRectangle(
            origin: SIMD3(low.x, high.y, low.z), u: SIMD3(0, -1, 0), v: SIMD3(0, 0, 1), uLength: size.y,
            vLength: size.z, spacing: spacing, random: &random)
        cloud.sampleRectangle(
            origin: SIMD3(high.x, low.y, low.z), u: SIMD3(0, 1, 0), v: SIMD3(0, 0, 1), uLength: size.y,
            vLength: size.z, spacing: spacing, random: &random)
        if top {
            cloud.sampleRectangle(
                origin: SIMD3(low.x, low.y, high.z), u: SIMD3(1, 0, 0), v: SIMD3(0, 1, 0), uLength: size.x,
                vLength: size.y, spacing: spacing, random: &random)
        }
    }

    /// A cross 2 cm proud: a 0.12 m wide upright from 0.25 to 1.35 m and an arm at 1.0 m.
    static func reliefCross(_ x: Double, _ z: Double) -> Double {
        let upright = abs(x) < 0.06 && z > 0.25 && z < 1.35
        let arm = abs(z - 1.0) < 0.06 && abs(x) < 0.3
        let roundel = hypot(x, z - 0.5) < 0.15 && hypot(x, z - 0.5) > 0.1
        return upright || arm || roundel ? 0.02 : 0
    }
}
