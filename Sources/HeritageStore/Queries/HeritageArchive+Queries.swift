import Foundation
import GRDB

/// Spatial, text and attribute queries over sites.
///
/// Restricted sites are found by their exact position, but unless `includeRestricted` is set
/// the summaries give their position generalised to 0.1° and the distance to that generalised
/// point, so a listing never reveals more than the 0.1° cell.
extension HeritageArchive {
    /// Sites matching the filter, in code order.
    public func sites(matching filter: SiteFilter = SiteFilter(), includeRestricted: Bool = false) throws
        -> [SiteSummary]
    {
        try read { db in
            let (whereSQL, arguments) = Self.filterSQL(filter)
            var sql = Self.summarySelect + " WHERE \(whereSQL) ORDER BY s.code"
            if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
            return try SummaryRow.fetchAll(db, sql: sql, arguments: arguments).map {
                Self.summary($0, from: nil, includeRestricted: includeRestricted)
            }
        }
    }

    /// Sites within `radiusKm` (great-circle) of `center`, nearest first.
    public func sitesNear(
        _ center: GeoPoint, radiusKm: Double, filter: SiteFilter = SiteFilter(), includeRestricted: Bool = false
    ) throws -> [SiteSummary] {
        guard radiusKm.isFinite, radiusKm >= 0 else {
            throw HeritageStoreError(.invalidInput, "radius must be a non-negative number of kilometres")
        }
        return try read { db in
            let found = try Self.within(
                db, center: center, radiusKm: radiusKm, filter: filter, includeRestricted: includeRestricted)
            return Self.nearestFirst(found, limit: filter.limit, center: center, includeRestricted: includeRestricted)
        }
    }

    /// The `count` sites nearest to `center`, nearest first.
    ///
    /// Searches a growing radius (10 km, doubling) until it holds `count` sites: every site
    /// outside the radius is farther than every site inside, so the answer is exact.
    public func nearestSites(
        to center: GeoPoint, count: Int, filter: SiteFilter = SiteFilter(), includeRestricted: Bool = false
    ) throws -> [SiteSummary] {
        guard count > 0 else { return [] }
        return try read { db in
            var radius = 10.0
            let halfCircumference = Double.pi * GreatCircle.earthRadiusKm
            while true {
                let found = try Self.within(
                    db, center: center, radiusKm: radius, filter: filter, includeRestricted: includeRestricted)
                if found.count >= count || radius >= halfCircumference {
                    return Self.nearestFirst(found, limit: count, center: center, includeRestricted: includeRestricted)
                }
                radius = min(radius * 2, halfCircumference)
            }
        }
    }

    /// Sites inside a latitude/longitude box (`west > east` crosses the antimeridian), in code order.
    public func sitesInBox(
        south: Double, west: Double, north: Double, east: Double, filter: SiteFilter = SiteFilter(),
        includeRestricted: Bool = false
    ) throws -> [SiteSummary] {
        let boxes = try GeoBox.fromUser(south: south, west: west, north: north, east: east)
        return try read { db in
            var rows = try Self.candidates(db, boxes: boxes, filter: filter)
            rows.sort { $0.code < $1.code }
            if let limit = filter.limit { rows = Array(rows.prefix(max(0, limit))) }
            return rows.map { Self.summary($0, from: nil, includeRestricted: includeRestricted) }
        }
    }

    /// Full-text search over names (every language and script), codes, communities and
    /// descriptions. Each word matches as a prefix; all words must match. Best matches first.
    public func searchSites(
        _ text: String, partial: Bool = false, filter: SiteFilter = SiteFilter(), includeRestricted: Bool = false
    ) throws -> [SiteSummary] {
        let query = try Self.ftsQuery(text)
        return try read { db in
            let (whereSQL, arguments) = Self.filterSQL(filter)
            let matches =
                "SELECT rowid AS hit, bm25(siteSearch, 5.0, 10.0, 2.0, 1.0) AS rank FROM siteSearch WHERE siteSearch MATCH ?"
            // Partial: names holding the text anywhere, read from every name (SQLite has no
            // index for that; LIKE folds ASCII letters only). They rank after every word match
            // (bm25 is negative, better matches lower).
            let hits =
                partial
                ? """
                SELECT hit, min(rank) AS rank FROM (\(matches)
                    UNION ALL SELECT siteSeq, 0 FROM siteName WHERE name LIKE ? ESCAPE '\\') GROUP BY hit
                """ : matches
            var sql = """
                \(Self.summarySelect)
                JOIN (\(hits)) m ON m.hit = s.seq
                WHERE \(whereSQL) ORDER BY m.rank, s.code
                """
            if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
            let search: StatementArguments = partial ? [query, containsPattern(text)] : [query]
            // Cached: preparing the statement was a tenth of a search at a million sites.
            return try SummaryRow.fetchAll(db.cachedStatement(sql: sql), arguments: search + arguments).map {
                Self.summary($0, from: nil, includeRestricted: includeRestricted)
            }
        }
    }

    // MARK: SQL pieces

    /// `text` as a full-text query: every word a quoted prefix term, so FTS5 syntax in user
    /// text is never interpreted.
    static func ftsQuery(_ text: String) throws -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty else {
            throw HeritageStoreError(.invalidInput, "the search text is empty")
        }
        return words.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"*" }.joined(separator: " ")
    }

    /// The columns ``SummaryRow`` reads, by position.
    static let summarySelect = """
        SELECT s.seq, s.id, s.code, s.kind, s.latitude, s.longitude, s.country, s.sensitivity,
            (SELECT n.name FROM siteName n WHERE n.siteSeq = s.seq AND n.isPrimary = 1) AS name,
            (SELECT l.overallCondition FROM siteLatestCondition l WHERE l.siteId = s.id) AS latestCondition
        FROM site s
        """

    static func filterSQL(_ filter: SiteFilter) -> (String, StatementArguments) {
        var clauses = ["1"]
        var arguments: StatementArguments = []
        if !filter.kinds.isEmpty {
            clauses.append("s.kind IN (\(filter.kinds.map { _ in "?" }.joined(separator: ", ")))")
            arguments += StatementArguments(filter.kinds.map(\.rawValue))
        }
        if let country = filter.country {
            clauses.append("s.country = ?")
            arguments += [country.uppercased()]
        }
        if let designation = filter.designation {
            clauses.append("EXISTS (SELECT 1 FROM siteDesignation d WHERE d.siteSeq = s.seq AND d.type = ?)")
            arguments += [designation.rawValue]
        }
        if filter.unassessed {
            clauses.append("NOT EXISTS (SELECT 1 FROM siteLatestCondition l WHERE l.siteId = s.id)")
        } else if let condition = filter.latestCondition {
            clauses.append(
                "(SELECT l.overallCondition FROM siteLatestCondition l WHERE l.siteId = s.id) = ?")
            arguments += [condition.rawValue]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }

    /// The sites within `radiusKm` of `center`, with their distances. Without
    /// `includeRestricted`, a restricted site is found and measured at its generalised position,
    /// as it is shown: by the exact one, a search of 50 m would tell that it lies within 50 m.
    static func within(
        _ db: Database, center: GeoPoint, radiusKm: Double, filter: SiteFilter, includeRestricted: Bool
    ) throws -> [(SummaryRow, Double)] {
        var found: [(SummaryRow, Double)] = []
        for row in try candidates(
            db, boxes: GreatCircle.boundingBoxes(around: center, radiusKm: radiusKm), filter: filter)
        where includeRestricted || !row.isRestricted {
            let distance = GreatCircle.distanceKm(center, row.point)
            if distance <= radiusKm { found.append((row, distance)) }
        }
        guard !includeRestricted else { return found }
        // Restricted sites are shown at the centre of their 0.1° cell. A small search reads
        // only the cells whose centre is within the radius; a wide one reads the sites of the
        // radius widened by the most a centre can be from a site, and keeps those whose centre
        // is within it.
        guard radiusKm <= cellSearchLimitKm else {
            let wider = GreatCircle.boundingBoxes(around: center, radiusKm: radiusKm + generalisationReachKm)
            for row in try candidates(db, boxes: wider, filter: filter, restrictedOnly: true) {
                let distance = GreatCircle.distanceKm(center, row.point.generalised)
                if distance <= radiusKm { found.append((row, distance)) }
            }
            return found
        }
        let cells = generalisedCells(around: center, radiusKm: radiusKm)
        guard !cells.centres.isEmpty else { return found }
        for row in try candidates(db, boxes: cells.boxes, filter: filter, restrictedOnly: true) {
            let shown = row.point.generalised
            guard cells.centres.contains([shown.latitude, shown.longitude]) else { continue }
            found.append((row, GreatCircle.distanceKm(center, shown)))
        }
        return found
    }

    /// The farthest a restricted site's generalised position (its 0.1° cell's centre) lies from
    /// the exact one: half the cell's diagonal, at most 7.9 km.
    static let generalisationReachKm = 8.0
    /// Up to this radius restricted sites are looked for cell by cell (a 50 km radius spans
    /// about a hundred cells).
    static let cellSearchLimitKm = 50.0

    /// The 0.1° cells whose centre (a restricted site's generalised position) lies within
    /// `radiusKm` of `center`: their centres, and boxes around them (a row's neighbouring cells
    /// merged into one box, each a little wider than its cells for the index's rounding).
    static func generalisedCells(around center: GeoPoint, radiusKm: Double) -> (
        centres: Set<[Double]>, boxes: [GeoBox]
    ) {
        var columnsByRow: [Int: Set<Int>] = [:]
        var centres = Set<[Double]>()
        for box in GreatCircle.boundingBoxes(around: center, radiusKm: radiusKm) {
            let south = Int(((box.south - 0.05) * 10).rounded(.down))
            let north = Int(((box.north + 0.05) * 10).rounded(.down))
            let west = Int(((box.west - 0.05) * 10).rounded(.down))
            let east = Int(((box.east + 0.05) * 10).rounded(.down))
            for row in max(south, -900)...min(north, 899) {
                for column in max(west, -1800)...min(east, 1799) {
                    let (lower, left) = (Double(row) / 10, Double(column) / 10)
                    guard let inside = try? GeoPoint(latitude: lower + 0.05, longitude: left + 0.05) else { continue }
                    let centre = inside.generalised
                    guard GreatCircle.distanceKm(center, centre) <= radiusKm else { continue }
                    centres.insert([centre.latitude, centre.longitude])
                    columnsByRow[row, default: []].insert(column)
                }
            }
        }
        var boxes: [GeoBox] = []
        for (row, columns) in columnsByRow.sorted(by: { $0.key < $1.key }) {
            let sorted = columns.sorted()
            var start = sorted[0]
            var previous = sorted[0]
            for column in sorted.dropFirst() + [Int.max] {
                if column == previous + 1 {
                    previous = column
                    continue
                }
                boxes.append(
                    GeoBox(
                        south: Double(row) / 10 - 1e-4, west: Double(start) / 10 - 1e-4,
                        north: Double(row + 1) / 10 + 1e-4, east: Double(previous + 1) / 10 + 1e-4))
                (start, previous) = (column, column)
            }
        }
        return (centres, boxes)
    }

    /// The sites inside `boxes` (each `west <= east`), read from the place index: per box, the
    /// few ranges of cell codes that cover it (``PlaceCell/ranges(covering:)``), each row kept
    /// when it lies inside its box. The filter's clauses name the place row `s`, which has the
    /// site's columns they use.
    static func candidates(_ db: Database, boxes: [GeoBox], filter: SiteFilter, restrictedOnly: Bool = false) throws
        -> [SummaryRow]
    {
        var (whereSQL, filterArguments) = filterSQL(filter)
        if restrictedOnly { whereSQL += " AND s.sensitivity = 'restricted'" }
        var arguments: StatementArguments = []
        var rangeCount = 0
        for box in boxes {
            for range in PlaceCell.ranges(covering: box) {
                arguments += [range.lowerBound, range.upperBound, box.south, box.north, box.west, box.east]
                rangeCount += 1
            }
        }
        guard rangeCount > 0 else { return [] }
        // CROSS JOIN keeps the ranges outside: each is one walk along the table's key.
        let sql = """
            WITH r(low, high, south, north, west, east) AS (
                VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?)", count: rangeCount).joined(separator: ", ")))
            SELECT s.seq, s.id, s.code, s.kind, s.latitude, s.longitude, s.country, s.sensitivity, s.name,
                (SELECT l.overallCondition FROM siteLatestCondition l WHERE l.siteId = s.id) AS latestCondition
            FROM r CROSS JOIN sitePlace s
            WHERE s.cell BETWEEN r.low AND r.high AND s.latitude BETWEEN r.south AND r.north
                AND s.longitude BETWEEN r.west AND r.east AND \(whereSQL)
            """
        // Cached: a search runs the same few statements (by range count) again and again.
        let rows = try SummaryRow.fetchAll(db.cachedStatement(sql: sql), arguments: arguments + filterArguments)
        guard boxes.count > 1 else { return rows }
        // Boxes that touch both hold a site on their shared edge.
        var seen = Set<String>()
        return rows.filter { seen.insert($0.id).inserted }
    }

    static func nearestFirst(
        _ found: [(SummaryRow, Double)], limit: Int?, center: GeoPoint, includeRestricted: Bool
    ) -> [SiteSummary] {
        var sorted = found.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0.code < $1.0.code }
        if let limit { sorted = Array(sorted.prefix(max(0, limit))) }
        return sorted.map { summary($0.0, from: center, includeRestricted: includeRestricted) }
    }

    static func summary(_ row: SummaryRow, from center: GeoPoint?, includeRestricted: Bool) -> SiteSummary {
        let generalise = row.sensitivity == .restricted && !includeRestricted
        let shown = generalise ? row.point.generalised : row.point
        return SiteSummary(
            id: row.id, code: row.code, name: row.name ?? row.code, kind: SiteKind(rawValue: row.kind) ?? .other,
            latitude: shown.latitude, longitude: shown.longitude,
            distanceKm: center.map { GreatCircle.distanceKm($0, shown) },
            latestCondition: row.latestCondition.flatMap(OverallCondition.init(rawValue:)), country: row.country,
            sensitivity: row.sensitivity, generalised: generalise)
    }
}

/// A row of ``HeritageArchive/summarySelect``, read by column position: a radius query reads
/// dozens per request, and looking columns up by name was a tenth of a query's time.
struct SummaryRow: FetchableRecord {
    var id: String
    var code: String
    var kind: String
    var point: GeoPoint
    var country: String?
    var sensitivity: Sensitivity
    var name: String?
    var latestCondition: String?

    init(row: Row) {
        // s.seq, s.id, s.code, s.kind, s.latitude, s.longitude, s.country, s.sensitivity, name,
        // latestCondition
        id = row[1]
        code = row[2]
        kind = row[3]
        point = GeoPoint(uncheckedLatitude: row[4], longitude: row[5])
        country = row[6]
        sensitivity = Sensitivity(rawValue: row[7]) ?? .restricted
        name = row[8]
        latestCondition = row[9]
    }

    var isRestricted: Bool { sensitivity == .restricted }
}
