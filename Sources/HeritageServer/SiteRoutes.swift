import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// The registry, read: sites by filter, text, distance or box; one site with its history; the
/// whole register as GeoJSON. Without clearance, restricted sites are shown, searched and
/// measured at their generalised 0.1° cell, and what is released about them is scrubbed.
struct SiteRoutes {
    let store: HeritageArchive
    let pool: BlockingPool

    struct SiteList: ResponseEncodable {
        var sites: [SiteSummary]
        var count: Int
        /// How many of these sites are shown at a generalised position.
        var generalisedPositions: Int
    }

    func add(to router: Router<HeritageRequestContext>) {
        router.get("/api/sites") { request, context in
            _ = try context.require(.viewer)
            return try await list(request.uri.queryParameters, includeRestricted: context.mayReadRestricted)
        }
        for (format, type) in [
            (SiteRegister.Format.geojson, "application/geo+json"), (.csv, "text/csv; charset=utf-8"),
        ] {
            router.get("/api/sites.\(format == .csv ? "csv" : "geojson")") { request, context in
                _ = try context.require(.viewer)
                let includeRestricted = context.mayReadRestricted
                let query = request.uri.queryParameters
                let filter = try Self.filter(query)
                let text = query.get("q")
                // Streamed as the export writes it: a million sites never sit in memory.
                return Response(
                    status: .ok, headers: [.contentType: type],
                    body: StreamedBody(pool: pool).body { emit in
                        try store.exportSites(
                            as: format, includeRestricted: includeRestricted, filter: filter, matching: text, to: emit)
                    })
            }
        }
        router.get("/api/sites/{code}") { _, context in
            _ = try context.require(.viewer)
            let code = try context.parameters.require("code")
            let includeRestricted = context.mayReadRestricted
            let page = try await pool.run {
                try SitePage.build(code, from: store, includeRestricted: includeRestricted)
            }
            return Self.json(page)
        }
        for (name, page) in [
            ("assets", SiteItemPage<SitePage.AssetEntry>.assets), ("findings", SiteItemPage<Finding>.findings),
        ] {
            router.get("/api/sites/{code}/\(name)") { request, context in
                _ = try context.require(.viewer)
                let code = try context.parameters.require("code")
                let (limit, offset) = try Self.paging(request.uri.queryParameters)
                let includeRestricted = context.mayReadRestricted
                return Self.json(
                    try await pool.run {
                        try page(code, limit, offset, store, includeRestricted)
                    })
            }
        }
    }

    /// `limit` (default 100, at most 1,000) and `offset` of a site's assets or findings.
    static func paging(_ query: Parameters) throws -> (limit: Int, offset: Int) {
        (
            try query.number("limit", default: SitePage.firstPageSize, in: 1...1_000),
            try query.number("offset", default: 0, in: 0...Int(Int32.max))
        )
    }

    static func json(_ bytes: Data) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `q` (full text), `near=LAT,LON` with `radiusKm` (default 10), `bbox=S,W,N,E`, or none
    /// (every site, by code); filtered by `kind` (repeatable), `country`, `designation`,
    /// `condition`; paged by `limit` (default 100, at most 1,000) and `offset`.
    func list(_ query: Parameters, includeRestricted: Bool) async throws -> SiteList {
        let limit = try query.number("limit", default: 100, in: 1...1_000)
        let offset = try query.number("offset", default: 0, in: 0...1_000_000)
        var filter = try Self.filter(query)
        filter.limit = limit + offset
        let text = query.get("q").flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let near = try query.get("near").map(parsePoint)
        let radius = try query.get("radiusKm").map { text -> Double in
            guard let value = Double(text), value.isFinite, value >= 0, value <= 20_000 else {
                throw APIError(.badRequest, "radiusKm is a distance in kilometres, 0 to 20,000")
            }
            return value
        }
        let box = try query.get("bbox").map { text -> [Double] in
            let values = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == 4 else { throw APIError(.badRequest, "bbox is SOUTH,WEST,NORTH,EAST in degrees") }
            return values
        }
        guard [text != nil, near != nil, box != nil].filter({ $0 }).count <= 1 else {
            throw APIError(.badRequest, "give one of q, near and bbox")
        }
        let filterUsed = filter
        let sites = try await pool.run { () -> [SiteSummary] in
            let filter = filterUsed
            if let text { return try store.searchSites(text, filter: filter, includeRestricted: includeRestricted) }
            if let near {
                return try store.sitesNear(
                    near, radiusKm: radius ?? 10, filter: filter, includeRestricted: includeRestricted)
            }
            if let box {
                return try store.sitesInBox(
                    south: box[0], west: box[1], north: box[2], east: box[3], filter: filter,
                    includeRestricted: includeRestricted)
            }
            return try store.sites(matching: filter, includeRestricted: includeRestricted)
        }
        let page = Array(sites.dropFirst(offset))
        return SiteList(sites: page, count: page.count, generalisedPositions: page.filter(\.generalised).count)
    }

    /// The filters of a listing's or the map's query: `kind` (repeatable), `designation`,
    /// `condition` (a latest overall condition, or `unassessed`), `country`; empty ones ignored.
    static func filter(_ query: Parameters) throws -> SiteFilter {
        func given(_ name: String) -> String? { query.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        let condition = given("condition")
        return SiteFilter(
            kinds: try query.getAll("kind").filter { !$0.isEmpty }.map(SiteKind.parse),
            designation: try given("designation").map(DesignationType.parse),
            latestCondition: try condition.flatMap { $0 == "unassessed" ? nil : $0 }.map(OverallCondition.parse),
            country: given("country"), unassessed: condition == "unassessed")
    }

    func parsePoint(_ text: String) throws -> GeoPoint {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let latitude = Double(parts[0]), let longitude = Double(parts[1]) else {
            throw APIError(.badRequest, "near is LATITUDE,LONGITUDE in decimal degrees")
        }
        return try GeoPoint(latitude: latitude, longitude: longitude)
    }
}

extension Parameters {
    func number(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError(.badRequest, "\(name) is a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
