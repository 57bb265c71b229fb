import Foundation
import ScanImport

/// Survey photographs of the sample sites: an elevation of the monument against sky and
/// ground, drawn in a few shaded colours, saved as JPEG with EXIF (camera, time, GPS).
enum SurveyPhoto {
    static let width = 960
    static let height = 640

    /// What to draw: `inside(x, z)` says whether a point of the elevation (metres, x across,
    /// z up) is the monument, and `shade(x, z)` how bright it is there (0-1).
    struct Elevation {
        var span: (x: ClosedRange<Double>, z: ClosedRange<Double>)
        var inside: (Double, Double) -> Bool
        var shade: (Double, Double) -> Double
        var stone: (r: Double, g: Double, b: Double)
    }

    static func jpeg(_ elevation: Elevation, exif: ExifWriter.Tags, seed: UInt64) throws -> [UInt8] {
        var random = SplitMix(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let horizon = Int(Double(height) * 0.78)
        for row in 0..<height {
            for column in 0..<width {
                let x =
                    elevation.span.x.lowerBound + (elevation.span.x.upperBound - elevation.span.x.lowerBound)
                    * Double(column) / Double(width)
                let z =
                    elevation.span.z.upperBound - (elevation.span.z.upperBound - elevation.span.z.lowerBound)
                    * Double(row) / Double(height)
                let grain = random.uniform(-0.04, 0.04)
                var colour: (Double, Double, Double)
                if elevation.inside(x, z) {
                    let light = min(1, max(0, elevation.shade(x, z) + grain))
                    colour = (elevation.stone.r * light, elevation.stone.g * light, elevation.stone.b * light)
                } else if row >= horizon {
                    let depth = Double(row - horizon) / Double(height - horizon)
                    colour = (0.55 - 0.15 * depth + grain, 0.47 - 0.12 * depth + grain, 0.33 - 0.1 * depth + grain)
                } else {
                    let up = Double(row) / Double(horizon)
                    colour = (0.45 + 0.35 * up, 0.62 + 0.25 * up, 0.88 + 0.08 * up)
                }
                let index = (row * width + column) * 3
                pixels[index] = UInt8(max(0, min(255, colour.0 * 255)))
                pixels[index + 1] = UInt8(max(0, min(255, colour.1 * 255)))
                pixels[index + 2] = UInt8(max(0, min(255, colour.2 * 255)))
            }
        }
        let image = DecodedImage(width: width, height: height, channels: 3, pixels: pixels)
        return try ImageDecoder.encodeJPEG(image, quality: 88, exif: ExifWriter.app1(exif))
    }

    /// The mausoleum's south elevation; after the attack, part of the dome is gone.
    static func mausoleum(damaged: Bool) -> Elevation {
        let a = Mausoleum.halfWidth
        let h = Mausoleum.wallHeight
        let r = Mausoleum.domeRadius
        let top = h + Mausoleum.drumHeight
        return Elevation(
            span: (x: -7.5...7.5, z: -2.2...11.5),
            inside: { x, z in
                if z < 0 { return false }
                if abs(x) <= a && z <= h { return Mausoleum.portalRecess(x, z) == 0 || z < 0.05 }
                if abs(x) <= r && z <= top { return true }
                let d = hypot(x, z - top)
                guard d <= r && z >= top else { return false }
                // The collapsed section faces east-north-east: from the south it takes the dome's right shoulder.
                if damaged && x > 0.6 && z > top + 0.9 && x + 0.7 * (z - top) > 2.1 { return false }
                return true
            },
            shade: { x, z in
                if z > top { return 0.62 + 0.3 * (1 - abs(x + 1) / r) }
                if z > h { return 0.7 }
                return 0.8 - 0.25 * Mausoleum.rosette(x, z) / 0.03
                    + (damaged && hypot(x - 3.0, z - 2.0) < 0.8 ? -0.35 : 0)
            },
            stone: (0.86, 0.78, 0.64))
    }

    /// The khachkar's west face: standing with its cross, or toppled beside its pedestal.
    static func crossStone(toppled: Bool) -> Elevation {
        let p = CrossStone.pedestal
        return Elevation(
            span: (x: -1.9...1.9, z: -0.5...2.3),
            inside: { x, z in
                if z < 0 { return false }
                if abs(x) <= p.width / 2 && z <= p.height { return true }
                if toppled {
                    // Lying on its face in front of the pedestal, seen end-on: a low slab.
                    return x > -1.6 && x < 0 && z <= CrossStone.thickness
                }
                return abs(x) <= CrossStone.width / 2 && z <= p.height + CrossStone.height
            },
            shade: { x, z in
                if !toppled && z > p.height && CrossStone.reliefCross(x, z - p.height) > 0 { return 0.45 }
                return z <= p.height ? 0.62 : 0.75
            },
            stone: (0.78, 0.52, 0.44))
    }
}
