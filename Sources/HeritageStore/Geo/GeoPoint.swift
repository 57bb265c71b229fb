import Foundation

/// A WGS84 (EPSG:4326) position in decimal degrees.
public struct GeoPoint: Codable, Hashable, Sendable {
    public var latitude: Double
    public var longitude: Double

    /// Creates a point, refusing non-finite values and values outside [-90, 90] × [-180, 180].
    public init(latitude: Double, longitude: Double) throws {
        guard latitude.isFinite, (-90...90).contains(latitude) else {
            throw HeritageStoreError(.invalidInput, "latitude must be a number between -90 and 90")
        }
        guard longitude.isFinite, (-180...180).contains(longitude) else {
            throw HeritageStoreError(.invalidInput, "longitude must be a number between -180 and 180")
        }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// A position read from a registry, whose schema keeps it in range.
    package static func stored(latitude: Double, longitude: Double) -> GeoPoint {
        GeoPoint(uncheckedLatitude: latitude, longitude: longitude)
    }

    /// The same point snapped to the centre of its 0.1° cell, for sites whose position is restricted.
    public var generalised: GeoPoint {
        func snap(_ value: Double, limit: Double) -> Double {
            let cell = (value * 10).rounded(.down) / 10 + 0.05
            return min(max((cell * 100).rounded() / 100, -limit), limit)
        }
        // Invariant: snapped values stay in range, so this cannot throw.
        return (try? GeoPoint(latitude: snap(latitude, limit: 90), longitude: snap(longitude, limit: 180))) ?? self
    }
}

/// Parses a coordinate written in decimal degrees ("43.3373", "-3.00713") or as
/// degrees, minutes and seconds with a hemisphere letter ("43°20′14.16″N", "17 48 54.19 E").
public func parseCoordinate(_ text: String, isLatitude: Bool) throws -> Double {
    let trimmed = text.trimmed
    // Decimal only: Swift's Double(_:) also reads hexadecimal ("0x10" is 16) and "infinity".
    func decimal(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ "0123456789+-.eE".contains($0) }) else { return nil }
        return Double(text).flatMap { $0.isFinite ? $0 : nil }
    }
    if let value = decimal(trimmed) { return value }
    var sign = 1.0
    var body = Substring(trimmed)
    if let last = body.last, "NSEWnsew".contains(last) {
        let hemisphere = last.uppercased()
        if isLatitude ? !"NS".contains(hemisphere) : !"EW".contains(hemisphere) {
            throw HeritageStoreError(
                .invalidInput, "'\(text)' has hemisphere \(hemisphere), expected \(isLatitude ? "N or S" : "E or W")")
        }
        if hemisphere == "S" || hemisphere == "W" { sign = -1 }
        body = body.dropLast()
    }
    let parts = body.split(whereSeparator: { "°′″'\" dms".contains($0) }).map(String.init)
    guard (1...3).contains(parts.count), let degrees = decimal(parts[0]) else {
        throw HeritageStoreError(
            .invalidInput, "'\(text)' is not a coordinate; expected decimal degrees or degrees minutes seconds")
    }
    let minutes = parts.count > 1 ? decimal(parts[1]) : 0
    let seconds = parts.count > 2 ? decimal(parts[2]) : 0
    guard let minutes, let seconds, (0..<60).contains(minutes), (0..<60).contains(seconds) else {
        throw HeritageStoreError(.invalidInput, "'\(text)' has minutes or seconds outside 0..<60")
    }
    return sign * (abs(degrees) + minutes / 60 + seconds / 3600) * (degrees < 0 ? -1 : 1)
}
