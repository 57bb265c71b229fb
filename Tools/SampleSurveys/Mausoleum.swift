import Foundation

/// A domed mausoleum, 8 m square and 6 m to the cornice, with a drum and a 3.5 m hemispherical
/// dome, a recessed portal and a band of carved rosettes on the south façade, standing on open
/// ground. Coordinates in metres: x east, y north, z up, origin at the centre of the base.
struct Mausoleum {
    static let halfWidth = 4.0
    static let wallHeight = 6.0
    static let domeRadius = 3.5
    static let drumHeight = 1.0
    static var domeCentre: SIMD3<Double> { SIMD3(0, 0, wallHeight + drumHeight) }

    /// The damage the second survey records.
    struct Damage {
        /// A section of the dome caved in: azimuths 30°-100° (from east, anticlockwise), above 15°.
        var collapsedDome = true
        /// A blast crater in the east wall: 0.9 m radius, 0.35 m deep, centred 1 m north, 2 m up.
        var wallCrater = true
        /// Debris heaped on the ground east of the building: 1.1 m radius, 0.45 m high.
        var debris = true
    }

    static let craterCentre = (y: 1.0, z: 2.0)
    static let craterRadius = 0.9
    static let craterDepth = 0.35
    static let debrisCentre = (x: 5.6, y: 1.0)
    static let debrisRadius = 1.1
    static let debrisHeight = 0.45

    static func scan(spacing: Double, damage: Damage?, seed: UInt64) -> PointBuffer {
        var random = SplitMix(seed: seed)
        var cloud = PointBuffer()
        let a = halfWidth
        let h = wallHeight

        // South façade (y = -a, facing -y): a recessed pointed portal and a band of rosettes.
        cloud.sampleRectangle(
            origin: SIMD3(-a, -a, 0), u: SIMD3(1, 0, 0), v: SIMD3(0, 0, 1), uLength: 2 * a, vLength: h,
            spacing: spacing, random: &random, offset: { s, t in -(portalRecess(s - a, t) + rosette(s - a, t)) })
        // North, west and east walls. The east wall (x = +a, facing +x) takes the crater.
        cloud.sampleRectangle(
            origin: SIMD3(a, a, 0), u: SIMD3(-1, 0, 0), v: SIMD3(0, 0, 1), uLength: 2 * a, vLength: h,
            spacing: spacing, random: &random)
        cloud.sampleRectangle(
            origin: SIMD3(-a, a, 0), u: SIMD3(0, -1, 0), v: SIMD3(0, 0, 1), uLength: 2 * a, vLength: h,
            spacing: spacing, random: &random)
        let crater = damage?.wallCrater == true
        cloud.sampleRectangle(
            origin: SIMD3(a, -a, 0), u: SIMD3(0, 1, 0), v: SIMD3(0, 0, 1), uLength: 2 * a, vLength: h,
            spacing: spacing, random: &random,
            offset: { s, t in
                guard crater else { return 0 }
                let r = hypot(s - a - craterCentre.y, t - craterCentre.z)
                return r < craterRadius ? -craterDepth * (1 - (r / craterRadius) * (r / craterRadius)) : 0
            })
        // Flat roof around the drum.
        cloud.sampleRectangle(
            origin: SIMD3(-a, -a, h), u: SIMD3(1, 0, 0), v: SIMD3(0, 1, 0), uLength: 2 * a, vLength: 2 * a,
            spacing: spacing, random: &random, keep: { s, t in hypot(s - a, t - a) > domeRadius })
        // Drum: a cylinder of the dome's radius.
        let around = 2 * Double.pi * domeRadius
        for row in 0..<Int(drumHeight / spacing) {
            for column in 0..<Int(around / spacing) {
                let angle = (Double(column) + random.unit()) * spacing / domeRadius
                let z = h + (Double(row) + random.unit()) * spacing
                cloud.append(domeRadius * cos(angle), domeRadius * sin(angle), z)
            }
        }
        // Dome: uniform on the hemisphere (uniform in height), a section caved in after.
        let domeArea = 2 * Double.pi * domeRadius * domeRadius
        let collapse = damage?.collapsedDome == true
        for _ in 0..<Int(domeArea / (spacing * spacing)) {
            let z = random.unit()
            let azimuth = random.uniform(0, 2 * Double.pi)
            let ring = (1 - z * z).squareRoot()
            var radius = domeRadius
            if collapse { radius -= collapseDepth(azimuth: azimuth, elevation: asin(z)) }
            let centre = domeCentre
            cloud.append(
                centre.x + radius * ring * cos(azimuth), centre.y + radius * ring * sin(azimuth),
                centre.z + radius * z)
        }
        // Ground: a 3.5 m apron around the building, with debris heaped after.
        let debris = damage?.debris == true
        let reach = a + 3.5
        cloud.sampleRectangle(
            origin: SIMD3(-reach, -reach, 0), u: SIMD3(1, 0, 0), v: SIMD3(0, 1, 0), uLength: 2 * reach,
            vLength: 2 * reach, spacing: spacing, random: &random,
            keep: { s, t in abs(s - reach) > a || abs(t - reach) > a },
            offset: { s, t in
                guard debris else { return 0 }
                let r = hypot(s - reach - debrisCentre.x, t - reach - debrisCentre.y)
                return debrisHeight * smoothBump(r, radius: debrisRadius)
            })
        return cloud
    }

    /// How far the dome's surface fell inwards at a direction (metres; 0 outside the section).
    static func collapseDepth(azimuth: Double, elevation: Double) -> Double {
        let start = 30.0 * Double.pi / 180
        let end = 100.0 * Double.pi / 180
        let low = 15.0 * Double.pi / 180
        guard azimuth > start, azimuth < end, elevation > low else { return 0 }
        let across = sin(Double.pi * (azimuth - start) / (end - start))
        let up = sin(Double.pi / 2 * min(1, (elevation - low) / (Double.pi / 4)))
        return 1.6 * across * up
    }

    /// The portal: 2 m wide, 3.4 m to the apex of a pointed arch, recessed 0.3 m.
    static func portalRecess(_ x: Double, _ z: Double) -> Double {
        guard abs(x) < 1 else { return 0 }
        let springing = 2.4
        if z < springing { return 0.3 }
        // Two arcs of radius 2 m centred at ±1 m across at the springing line meet at the apex.
        let inside = hypot(abs(x) + 1, z - springing) < 2 && z < springing + 1.732
        return inside ? 0.3 : 0
    }

    /// A band of carved rosettes 4.2-5.4 m up: 3 cm proud, 0.5 m across, every 1.2 m.
    static func rosette(_ x: Double, _ z: Double) -> Double {
        guard z > 4.2, z < 5.4 else { return 0 }
        let cell = (x / 1.2).rounded() * 1.2
        let r = hypot(x - cell, z - 4.8)
        guard r < 0.25 else { return 0 }
        let petals = 0.5 + 0.5 * cos(8 * atan2(z - 4.8, x - cell))
        return 0.03 * smoothBump(r, radius: 0.25) * (0.6 + 0.4 * petals)
    }
}
