import Foundation

/// Distances on the sphere used for every "near" query.
///
/// The Earth is taken as a sphere of the IUGG mean radius (6371.0088 km). Against the WGS84
/// ellipsoid this is within 0.5 % everywhere, which is finer than the precision of most
/// recorded site positions.
public enum GreatCircle {
    public static let earthRadiusKm = 6371.0088

    /// Central angle in radians between two points (haversine form, stable for small distances).
    public static func angle(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        let phi1 = a.latitude * .pi / 180
        let phi2 = b.latitude * .pi / 180
        let dPhi = phi2 - phi1
        let dLambda = (b.longitude - a.longitude) * .pi / 180
        let h = sin(dPhi / 2) * sin(dPhi / 2) + cos(phi1) * cos(phi2) * sin(dLambda / 2) * sin(dLambda / 2)
        return 2 * atan2(sqrt(min(h, 1)), sqrt(max(1 - h, 0)))
    }

    /// Great-circle distance in kilometres.
    public static func distanceKm(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        angle(a, b) * earthRadiusKm
    }

    /// Latitude/longitude boxes that together contain every point within `radiusKm` of `center`.
    ///
    /// Near a pole the box spans all longitudes; across the antimeridian it is split in two.
    /// The boxes are a pre-filter for the place index; the exact distance decides.
    public static func boundingBoxes(around center: GeoPoint, radiusKm: Double) -> [GeoBox] {
        let delta = radiusKm / earthRadiusKm
        if delta >= .pi { return [GeoBox.world] }
        let phi = center.latitude * .pi / 180
        let lambda = center.longitude * .pi / 180
        var minPhi = phi - delta
        var maxPhi = phi + delta
        var minLambda: Double
        var maxLambda: Double
        if minPhi > -.pi / 2 && maxPhi < .pi / 2 {
            let dLambda = asin(min(1, sin(delta) / cos(phi)))
            minLambda = lambda - dLambda
            maxLambda = lambda + dLambda
        } else {
            minPhi = max(minPhi, -.pi / 2)
            maxPhi = min(maxPhi, .pi / 2)
            minLambda = -.pi
            maxLambda = .pi
        }
        let degrees = 180 / Double.pi
        let south = minPhi * degrees
        let north = maxPhi * degrees
        var west = minLambda * degrees
        var east = maxLambda * degrees
        if east - west >= 360 {
            return [GeoBox(south: south, west: -180, north: north, east: 180)]
        }
        if west < -180 {
            west += 360
            return [
                GeoBox(south: south, west: west, north: north, east: 180),
                GeoBox(south: south, west: -180, north: north, east: east),
            ]
        }
        if east > 180 {
            east -= 360
            return [
                GeoBox(south: south, west: west, north: north, east: 180),
                GeoBox(south: south, west: -180, north: north, east: east),
            ]
        }
        return [GeoBox(south: south, west: west, north: north, east: east)]
    }
}

/// A latitude/longitude rectangle with `west <= east` (split boxes that cross the antimeridian).
public struct GeoBox: Hashable, Sendable {
    public var south: Double
    public var west: Double
    public var north: Double
    public var east: Double

    public init(south: Double, west: Double, north: Double, east: Double) {
        self.south = south
        self.west = west
        self.north = north
        self.east = east
    }

    public static let world = GeoBox(south: -90, west: -180, north: 90, east: 180)

    /// Boxes for a user's bounding box; `west > east` means it crosses the antimeridian.
    public static func fromUser(south: Double, west: Double, north: Double, east: Double) throws -> [GeoBox] {
        for (value, limit, name) in [
            (south, 90.0, "south"), (north, 90, "north"), (west, 180, "west"), (east, 180, "east"),
        ]
        where !value.isFinite || abs(value) > limit {
            throw HeritageStoreError(.invalidInput, "bounding box \(name) edge must be within ±\(Int(limit))°")
        }
        guard south <= north else {
            throw HeritageStoreError(.invalidInput, "bounding box south edge is north of its north edge")
        }
        if west <= east { return [GeoBox(south: south, west: west, north: north, east: east)] }
        return [
            GeoBox(south: south, west: west, north: north, east: 180),
            GeoBox(south: south, west: -180, north: north, east: east),
        ]
    }
}
