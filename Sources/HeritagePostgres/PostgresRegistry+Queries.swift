import Foundation
import GRDB
import HeritageStore

/// The store's site queries, answered by PostGIS and PostgreSQL's full-text index with the
/// same results as the SQLite archive: the same sites, positions, distances (great-circle on
/// the store's sphere) and generalisation. A restricted site, for a caller without clearance,
/// is found, measured and shown at the centre of its 0.1° cell (the `shown` column).
extension PostgresRegistry {
    /// Sites matching the filter, in code order. (Codes sort as in the archive, whose column
    /// compares them without regard to ASCII case.)
    public func sites(matching filter: SiteFilter = SiteFilter(), includeRestricted: Bool = false) async throws
        -> [SiteSummary]
    {
        let (whereSQL, values) = Self.filterSQL(filter, firstParameter: 1)
        var sql = "\(Self.summarySelect) WHERE \(whereSQL) ORDER BY lower(s.code) COLLATE \"C\""
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        return try await rows(sql, values).map { Self.summary($0, from: nil, includeRestricted: includeRestricted) }
    }

    /// Sites within `radiusKm` of `center`, nearest first (ties by code).
    public func sitesNear(
        _ center: GeoPoint, radiusKm: Double, filter: SiteFilter = SiteFilter(), includeRestricted: Bool = false
    ) async throws -> [SiteSummary] {
        guard radiusKm.isFinite, radiusKm >= 0 else {
            throw HeritageStoreError(.invalidInput, "radius must be a non-negative number of kilometres")
        }
        let found = try await within(center, radiusKm: radiusKm, filter: filter, includeRestricted: includeRestricted)
        return Self.nearestFirst(found, limit: filter.limit)
    }

    /// The `count` sites nearest to `center`, nearest first: PostGIS's nearest-neighbour index
    /// gives the `count`th distance, then every site within it is read, so ties at the edge
    /// are broken by code as the archive breaks them.
    public func nearestSites(
        to center: GeoPoint, count: Int, filter: SiteFilter = SiteFilter(), includeRestricted: Bool = false
    ) async throws -> [SiteSummary] {
        guard count > 0 else { return [] }
        let column = includeRestricted ? "place" : "shown"
        let (whereSQL, values) = Self.filterSQL(filter, firstParameter: 3)
        let edge = try await rows(
            """
            SELECT ST_Distance(s.\(column), ST_MakePoint($1, $2)::geography, false) AS value
            FROM site s WHERE \(whereSQL)
            ORDER BY s.\(column) <-> ST_MakePoint($1, $2)::geography LIMIT 1 OFFSET \(count - 1)
            """, [center.longitude, center.latitude] + values
        ).first.map { $0["value"] as Double }
        // PostGIS's sphere (6371008.77 m) is 0.03 m smaller than the store's (6371.0088 km):
        // the margin holds every site the store's formula puts at the edge.
        let radiusKm = edge.map { $0 / 1000 * (1 + 1e-6) + 1e-6 } ?? Double.pi * GreatCircle.earthRadiusKm
        let found = try await within(center, radiusKm: radiusKm, filter: filter, includeRestricted: includeRestricted)
        return Self.nearestFirst(found, limit: count)
    }

    /// Sites inside a latitude/longitude box (`west > east` crosses the antimeridian), in code
    /// order. As in the archive, sites are found by their exact position and shown generalised.
    public func sitesInBox(
        south: Double, west: Double, north: Double, east: Double, filter: SiteFilter = SiteFilter(),
        includeRestricted: Bool = false
    ) async throws -> [SiteSummary] {
        let boxes = try GeoBox.fromUser(south: south, west: west, north: north, east: east)
        var clauses: [String] = []
        var values: [(any PostgresValue)?] = []
        for box in boxes {
            let first = values.count + 1
            clauses.append(
                "(s.latitude BETWEEN $\(first) AND $\(first + 1) AND s.longitude BETWEEN $\(first + 2) AND $\(first + 3))"
            )
            values += [box.south, box.north, box.west, box.east]
        }
        let (whereSQL, filterValues) = Self.filterSQL(filter, firstParameter: values.count + 1)
        var sql =
            Self.summarySelect
            + " WHERE (\(clauses.joined(separator: " OR "))) AND \(whereSQL) ORDER BY lower(s.code) COLLATE \"C\""
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        return try await rows(sql, values + filterValues).map {
            Self.summary($0, from: nil, includeRestricted: includeRestricted)
        }
    }

    /// Full-text search over names (every script), codes, communities and descriptions: each
    /// word matches as a prefix and all must match, as in the archive (``SearchText``); best
    /// matches first by PostgreSQL's ranking (the archive ranks by BM25, so the order of equally
    /// good matches can differ). With `partial`, a word also matches inside a name (`ssa`
    /// finds "Hassan"), through the trigram index: for scripts and spellings word prefixes miss.
    public func searchSites(
        _ text: String, partial: Bool = false, filter: SiteFilter = SiteFilter(), includeRestricted: Bool = false
    ) async throws -> [SiteSummary] {
        guard let query = SearchText.query(text) else {
            throw HeritageStoreError(.invalidInput, "the search text is empty")
        }
        let (whereSQL, values) = Self.filterSQL(filter, firstParameter: 3)
        let partialSQL = partial ? " OR f.names ILIKE $2" : ""
        // The matches first, then each one's site by its key (the LATERAL subquery, kept apart
        // by OFFSET 0): PostgreSQL cannot estimate how many sites a prefix matches, and with a
        // guess of 2 % it joined by reading all million sites (220 ms a search).
        var sql = """
            SELECT s.*, h.rank FROM (
                SELECT f.seq, ts_rank(f.document, $1::tsquery) AS rank FROM siteSearch f
                WHERE f.document @@ $1::tsquery\(partialSQL)) h
            CROSS JOIN LATERAL (
                \(Self.summarySelect) WHERE s.seq = h.seq AND \(whereSQL) OFFSET 0) s
            ORDER BY h.rank DESC, lower(s.code) COLLATE "C"
            """
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        return try await rows(sql, [query, containsPattern(text)] + values).map {
            Self.summary($0, from: nil, includeRestricted: includeRestricted)
        }
    }

    // MARK: Pieces

    /// The sites within `radiusKm` of `center` with their distances: PostGIS's index finds them
    /// (a hair wider), the store's great-circle formula measures and keeps them.
    private func within(_ center: GeoPoint, radiusKm: Double, filter: SiteFilter, includeRestricted: Bool)
        async throws -> [(SiteSummary, Double)]
    {
        let column = includeRestricted ? "place" : "shown"
        let (whereSQL, values) = Self.filterSQL(filter, firstParameter: 4)
        let found = try await rows(
            """
            \(Self.summarySelect)
            WHERE ST_DWithin(s.\(column), ST_MakePoint($1, $2)::geography, $3, false) AND \(whereSQL)
            """, [center.longitude, center.latitude, radiusKm * 1000 * (1 + 1e-6) + 1] + values)
        return found.compactMap { row in
            let summary = Self.summary(row, from: center, includeRestricted: includeRestricted)
            guard let distance = summary.distanceKm, distance <= radiusKm else { return nil }
            return (summary, distance)
        }
    }

    private static func nearestFirst(_ found: [(SiteSummary, Double)], limit: Int?) -> [SiteSummary] {
        var sorted = found.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0.code < $1.0.code }
        if let limit { sorted = Array(sorted.prefix(max(0, limit))) }
        return sorted.map(\.0)
    }

    static let summarySelect = """
        SELECT s.id, s.code, s.kind, s.latitude, s.longitude, s.country, s.sensitivity,
            (SELECT n.name FROM siteName n WHERE n.siteSeq = s.seq AND n.isPrimary = 1) AS name,
            (SELECT l.overallCondition FROM siteLatestCondition l WHERE l.siteId = s.id) AS latestCondition
        FROM site s
        """

    /// The filter as SQL over `site s`, its parameters numbered from `firstParameter`.
    static func filterSQL(_ filter: SiteFilter, firstParameter: Int) -> (String, [(any PostgresValue)?]) {
        var clauses = ["true"]
        var values: [(any PostgresValue)?] = []
        func parameter(_ value: String) -> String {
            values.append(value)
            return "$\(firstParameter + values.count - 1)"
        }
        if !filter.kinds.isEmpty {
            clauses.append("s.kind IN (\(filter.kinds.map { parameter($0.rawValue) }.joined(separator: ", ")))")
        }
        if let country = filter.country {
            clauses.append("s.country = \(parameter(country.uppercased()))")
        }
        if let designation = filter.designation {
            clauses.append(
                "EXISTS (SELECT 1 FROM siteDesignation d WHERE d.siteSeq = s.seq AND d.type = \(parameter(designation.rawValue)))"
            )
        }
        if filter.unassessed {
            clauses.append("NOT EXISTS (SELECT 1 FROM siteLatestCondition l WHERE l.siteId = s.id)")
        } else if let condition = filter.latestCondition {
            clauses.append(
                "(SELECT l.overallCondition FROM siteLatestCondition l WHERE l.siteId = s.id) = \(parameter(condition.rawValue))"
            )
        }
        return (clauses.joined(separator: " AND "), values)
    }

    static func summary(_ row: Row, from center: GeoPoint?, includeRestricted: Bool) -> SiteSummary {
        let sensitivity = Sensitivity(rawValue: row["sensitivity"]) ?? .restricted
        // Stored positions passed the schema's range checks.
        let exact = GeoPoint.stored(latitude: row["latitude"], longitude: row["longitude"])
        let generalise = sensitivity == .restricted && !includeRestricted
        let shown = generalise ? exact.generalised : exact
        let code: String = row["code"]
        return SiteSummary(
            id: row["id"], code: code, name: row["name"] ?? code, kind: SiteKind(rawValue: row["kind"]) ?? .other,
            latitude: shown.latitude, longitude: shown.longitude,
            distanceKm: center.map { GreatCircle.distanceKm($0, shown) },
            latestCondition: (row["latestCondition"] as String?).flatMap(OverallCondition.init(rawValue:)),
            country: row["country"], sensitivity: sensitivity, generalised: generalise)
    }
}
