import Foundation
import SurveyDiff

extension SIMD3<Double> {
    var squaredLength: Double { (self * self).sum() }
}

/// A solid made of axis-aligned boxes, scanned all round: points on the faces of its boundary
/// (none inside it), optionally with the ground's top face, and with paraboloid dents pressed
/// into faces (or bumps standing out of them).
struct BoxSolid {
    struct Box {
        var lower: SIMD3<Double>
        var upper: SIMD3<Double>

        func strictlyContains(_ p: SIMD3<Double>) -> Bool {
            let e = 1e-9
            return p.x > lower.x + e && p.x < upper.x - e && p.y > lower.y + e && p.y < upper.y - e
                && p.z > lower.z + e && p.z < upper.z - e
        }
    }

    /// Material removed (depth > 0) or added (depth < 0) over a disc of a face: at distance ρ
    /// from the centre the surface moves `depth · (1 − ρ²/r²)` into the solid.
    struct Dent {
        var centre: SIMD3<Double>
        /// The face's outward normal.
        var normal: SIMD3<Double>
        var radius: Double
        var depth: Double
        var name: String

        /// π r² |depth| / 2: a paraboloid's volume.
        var volume: Double { Double.pi * radius * radius * abs(depth) / 2 }
    }

    var boxes: [Box]
    /// A ground box: only its top face is scanned, and nothing below it.
    var ground: Box?

    /// Points at about `spacing` on the boundary (stratified: one in each cell of a grid on
    /// each face), with Gaussian `noise`, the surface moved by `dents`.
    /// A ball-shaped hollow carved out of the solid (across an edge, a fold of the surface).
    struct Hollow {
        var centre: SIMD3<Double>
        var radius: Double
    }

    func scan(
        spacing: Double, dents: [Dent] = [], hollows: [Hollow] = [], noise: Double = 0.002, seed: UInt64
    ) -> PointCloud {
        var random = SplitMix(seed: seed)
        var positions = [Double]()
        var faces: [(box: Box, axis: Int, side: Double, isGround: Bool)] = []
        for box in boxes {
            for axis in 0..<3 { for side in [-1.0, 1.0] { faces.append((box, axis, side, false)) } }
        }
        if let ground { faces.append((ground, 2, 1, true)) }
        let solids = boxes + (ground.map { [$0] } ?? [])
        for face in faces {
            let (u, v) = ((face.axis + 1) % 3, (face.axis + 2) % 3)
            let plane = face.side > 0 ? face.box.upper[face.axis] : face.box.lower[face.axis]
            var normal = SIMD3<Double>.zero
            normal[face.axis] = face.side
            let uCount = Int(((face.box.upper[u] - face.box.lower[u]) / spacing).rounded(.up))
            let vCount = Int(((face.box.upper[v] - face.box.lower[v]) / spacing).rounded(.up))
            let uStep = (face.box.upper[u] - face.box.lower[u]) / Double(uCount)
            let vStep = (face.box.upper[v] - face.box.lower[v]) / Double(vCount)
            for i in 0..<uCount {
                for j in 0..<vCount {
                    var p = SIMD3<Double>.zero
                    p[face.axis] = plane
                    p[u] = face.box.lower[u] + (Double(i) + random.uniform()) * uStep
                    p[v] = face.box.lower[v] + (Double(j) + random.uniform()) * vStep
                    if solids.contains(where: { $0.strictlyContains(p) }) { continue }
                    if let ground, !face.isGround, p.z < ground.upper.z { continue }
                    if hollows.contains(where: { ($0.centre - p).squaredLength < $0.radius * $0.radius }) { continue }
                    for dent in dents where (normal * dent.normal).sum() > 0.99 {
                        let offset = p - dent.centre
                        guard abs((offset * normal).sum()) < 1e-6 else { continue }
                        let rho2 = (offset * offset).sum()
                        if rho2 < dent.radius * dent.radius {
                            p -= normal * dent.depth * (1 - rho2 / (dent.radius * dent.radius))
                        }
                    }
                    positions += [
                        p.x + random.gaussian() * noise, p.y + random.gaussian() * noise,
                        p.z + random.gaussian() * noise,
                    ]
                }
            }
        }
        // The hollows' walls: their sphere where it is inside the solid, at the same density.
        for hollow in hollows {
            let count = Int(4 * Double.pi * hollow.radius * hollow.radius / (spacing * spacing))
            for _ in 0..<count {
                let z = 2 * random.uniform() - 1
                let angle = 2 * Double.pi * random.uniform()
                let r = (1 - z * z).squareRoot()
                let p = hollow.centre + hollow.radius * SIMD3(r * cos(angle), r * sin(angle), z)
                guard boxes.contains(where: { $0.strictlyContains(p) }) else { continue }
                positions += [
                    p.x + random.gaussian() * noise, p.y + random.gaussian() * noise, p.z + random.gaussian() * noise,
                ]
            }
        }
        return PointCloud(positions: positions)
    }

    /// A 2 m cube.
    static let cube = BoxSolid(boxes: [Box(lower: SIMD3(-1, -1, -1), upper: SIMD3(1, 1, 1))])

    /// A dent in the middle of each of the cube's six faces.
    static func cubeDents(radius: Double = 0.35, depth: Double = 0.1) -> [Dent] {
        let axes: [(SIMD3<Double>, String)] = [
            (SIMD3(1, 0, 0), "+x"), (SIMD3(-1, 0, 0), "-x"), (SIMD3(0, 1, 0), "+y"), (SIMD3(0, -1, 0), "-y"),
            (SIMD3(0, 0, 1), "top"), (SIMD3(0, 0, -1), "bottom"),
        ]
        // Off-centre in the face, so that no two dents mirror each other.
        return axes.enumerated().map { index, axis in
            let (n, name) = axis
            let shift = SIMD3<Double>(0.2, -0.15, 0.1) * Double(index % 3 - 1)
            let along = shift - n * (shift * n).sum()
            return Dent(centre: n + along, normal: n, radius: radius, depth: depth, name: name)
        }
    }

    /// A building on the ground round a courtyard, under a roof slab that overhangs both the
    /// street and the courtyard: 8 m square, a 4 m courtyard, walls 2.9 m high, the slab 0.5 m
    /// thick reaching 1 m out and 1 m in.
    static let courtyardBuilding = BoxSolid(
        boxes: [
            // Walls, overlapping at the corners (no face between two boxes is scanned).
            Box(lower: SIMD3(-4, 2, -0.1), upper: SIMD3(4, 4, 3)),
            Box(lower: SIMD3(-4, -4, -0.1), upper: SIMD3(4, -2, 3)),
            Box(lower: SIMD3(-4, -2.1, -0.1), upper: SIMD3(-2, 2.1, 3)),
            Box(lower: SIMD3(2, -2.1, -0.1), upper: SIMD3(4, 2.1, 3)),
            // The roof slab round its opening.
            Box(lower: SIMD3(-5, 1, 2.9), upper: SIMD3(5, 5, 3.4)),
            Box(lower: SIMD3(-5, -5, 2.9), upper: SIMD3(5, -1, 3.4)),
            Box(lower: SIMD3(-5, -1.1, 2.9), upper: SIMD3(-1, 1.1, 3.4)),
            Box(lower: SIMD3(1, -1.1, 2.9), upper: SIMD3(5, 1.1, 3.4)),
        ],
        ground: Box(lower: SIMD3(-6.5, -6.5, -1), upper: SIMD3(6.5, 6.5, 0)))

    /// Dents on the building's street walls, courtyard walls, roof, and under both overhangs.
    static func courtyardDents(radius: Double = 0.3, depth: Double = 0.1) -> [Dent] {
        [
            Dent(
                centre: SIMD3(0.5, -4, 1.5), normal: SIMD3(0, -1, 0), radius: radius, depth: depth,
                name: "street wall, south"),
            Dent(
                centre: SIMD3(4, 0.8, 1.2), normal: SIMD3(1, 0, 0), radius: radius, depth: depth,
                name: "street wall, east"),
            Dent(
                centre: SIMD3(-0.4, 2, 1.4), normal: SIMD3(0, -1, 0), radius: radius, depth: depth,
                name: "courtyard wall, north"),
            Dent(
                centre: SIMD3(-2, 0.3, 1.6), normal: SIMD3(1, 0, 0), radius: radius, depth: depth,
                name: "courtyard wall, west"),
            Dent(centre: SIMD3(1, -3.2, 3.4), normal: SIMD3(0, 0, 1), radius: radius, depth: depth, name: "roof"),
            Dent(
                centre: SIMD3(-1.5, 4.5, 2.9), normal: SIMD3(0, 0, -1), radius: radius, depth: depth,
                name: "under the street overhang"),
            Dent(
                centre: SIMD3(0.2, 1.5, 2.9), normal: SIMD3(0, 0, -1), radius: 0.25, depth: depth,
                name: "under the courtyard overhang"),
        ]
    }
}
