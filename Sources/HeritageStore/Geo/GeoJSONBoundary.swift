import Foundation

/// Checks a site boundary written as a GeoJSON geometry (RFC 7946) and returns it in a compact,
/// stable form.
///
/// Accepted: `Polygon` and `MultiPolygon`. Every ring must have at least four positions, be
/// closed (first position equals the last), and every position must be `[longitude, latitude]`
/// (an optional altitude is kept) within WGS84 ranges.
public func validatedBoundary(_ json: String) throws -> String {
    guard let data = json.data(using: .utf8),
        let object = try? JSONSerialization.jsonObject(with: data),
        let geometry = object as? [String: Any]
    else {
        throw HeritageStoreError(.invalidInput, "boundary is not a GeoJSON geometry object")
    }
    return try validatedBoundary(geometry)
}

func validatedBoundary(_ geometry: [String: Any]) throws -> String {
    let type = geometry["type"] as? String
    let coordinates = geometry["coordinates"]
    switch type {
    case "Polygon":
        try checkPolygon(coordinates, label: "polygon")
    case "MultiPolygon":
        guard let polygons = coordinates as? [Any], !polygons.isEmpty else {
            throw HeritageStoreError(.invalidInput, "boundary MultiPolygon has no polygons")
        }
        for (index, polygon) in polygons.enumerated() {
            try checkPolygon(polygon, label: "polygon \(index + 1)")
        }
    default:
        throw HeritageStoreError(
            .invalidInput, "boundary has type '\(type ?? "none")'; expected a GeoJSON Polygon or MultiPolygon")
    }
    let normalised: [String: Any] = ["type": type ?? "", "coordinates": coordinates ?? []]
    let data = try JSONSerialization.data(withJSONObject: normalised, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}

private func checkPolygon(_ value: Any?, label: String) throws {
    guard let rings = value as? [Any], !rings.isEmpty else {
        throw HeritageStoreError(.invalidInput, "boundary \(label) has no rings")
    }
    for (ringIndex, ringValue) in rings.enumerated() {
        let ringLabel = "boundary \(label) ring \(ringIndex + 1)"
        guard let ring = ringValue as? [Any], ring.count >= 4 else {
            throw HeritageStoreError(.invalidInput, "\(ringLabel) needs at least 4 positions")
        }
        var positions: [[Double]] = []
        for (index, positionValue) in ring.enumerated() {
            guard let numbers = positionValue as? [Any], (2...3).contains(numbers.count) else {
                throw HeritageStoreError(
                    .invalidInput, "\(ringLabel) position \(index + 1) is not [longitude, latitude]")
            }
            let doubles = numbers.compactMap { ($0 as? NSNumber)?.doubleValue }
            guard doubles.count == numbers.count, doubles.allSatisfy(\.isFinite) else {
                throw HeritageStoreError(.invalidInput, "\(ringLabel) position \(index + 1) holds a non-number")
            }
            guard abs(doubles[0]) <= 180, abs(doubles[1]) <= 90 else {
                throw HeritageStoreError(.invalidInput, "\(ringLabel) position \(index + 1) is outside WGS84 ranges")
            }
            positions.append(doubles)
        }
        guard positions.first == positions.last else {
            throw HeritageStoreError(.invalidInput, "\(ringLabel) is not closed: its first and last positions differ")
        }
    }
}
