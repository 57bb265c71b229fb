import Foundation
import HeritageStore
import Hummingbird

/// `GET /api/map?bbox=S,W,N,E&zoom=Z`: the sites in a map's view, gathered on the server into
/// clusters on a grid that fits the zoom (``SiteMap``), with the site list's filters (`q`,
/// `kind`, `condition` or `unassessed`, `country`, `designation`). Without clearance, restricted
/// sites are clustered at, and drawn as, their generalised cell.
struct MapRoutes {
    let pool: BlockingPool
    let map: SiteMap

    func add(to router: Router<HeritageRequestContext>) {
        router.get("/api/map") { request, context -> Response in
            _ = try context.require(.viewer)
            let asked = try Self.request(request.uri.queryParameters)
            let includeRestricted = context.mayReadRestricted
            let answer = try await pool.run { try map.answer(asked, includeRestricted: includeRestricted) }
            return SiteRoutes.json(try JSONEncoder().encode(answer))
        }
    }

    static func request(_ query: Parameters) throws -> SiteMap.Request {
        let box = try query.get("bbox").map { text -> [Double] in
            text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        }
        guard let box, box.count == 4 else { throw APIError(.badRequest, "bbox is SOUTH,WEST,NORTH,EAST in degrees") }
        let zoom = try query.number("zoom", default: -1, in: 0...22)
        return SiteMap.Request(
            south: box[0], west: box[1], north: box[2], east: box[3], zoom: zoom,
            filter: try SiteRoutes.filter(query), text: query.get("q"))
    }
}
