import Foundation

/// Searches over sites, by attributes, position and text: the archive (R*Tree, place index,
/// FTS5) or a PostgreSQL registry (PostGIS, tsvector, trigrams), with the same answers.
///
/// Restricted sites are found by the position a caller may see: without `includeRestricted`,
/// summaries carry their 0.1° cell, and radius and nearest searches find and measure them there.
public protocol QueryStore: Sendable {
    /// Sites matching the filter, in code order.
    func sites(matching filter: SiteFilter, includeRestricted: Bool) throws -> [SiteSummary]
    /// Sites within `radiusKm` (great-circle) of `center`, nearest first.
    func sitesNear(_ center: GeoPoint, radiusKm: Double, filter: SiteFilter, includeRestricted: Bool) throws
        -> [SiteSummary]
    /// The `count` sites nearest `center`, nearest first.
    func nearestSites(to center: GeoPoint, count: Int, filter: SiteFilter, includeRestricted: Bool) throws
        -> [SiteSummary]
    /// Sites inside a box (WEST > EAST crosses the antimeridian), in code order.
    func sitesInBox(
        south: Double, west: Double, north: Double, east: Double, filter: SiteFilter, includeRestricted: Bool
    ) throws -> [SiteSummary]
    /// Sites whose words start with every word of `text`, best first; with `partial`, also
    /// those with a name holding `text` anywhere.
    func searchSites(_ text: String, partial: Bool, filter: SiteFilter, includeRestricted: Bool) throws
        -> [SiteSummary]
}

extension HeritageArchive: QueryStore {}

/// `text` as a LIKE pattern matching it anywhere, its wildcard characters escaped with `\`.
package func containsPattern(_ text: String) -> String {
    let escaped = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    return "%" + escaped + "%"
}
