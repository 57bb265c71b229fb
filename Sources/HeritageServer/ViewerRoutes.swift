import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// A comparison of scans for the 3D viewer: `GET /api/findings/{id}/scene` (its origin, bounds,
/// colour scale, epochs and damage regions) and `GET /api/findings/{id}/points?epoch=changes|
/// before|after&budget=N[&box=x0,y0,z0,x1,y1,z1]` (an even sample of at most N points, of the
/// whole or of a box, as a small binary PLY with colours). Without clearance, a restricted
/// site's comparison is shown only when none of its files holds the site's position (a
/// georeferenced scan would place it).
struct ViewerRoutes {
    let store: HeritageArchive
    let pool: BlockingPool
    let viewer: ComparisonViewer

    /// The most points one answer holds.
    static let maximumBudget = 5_000_000

    func add(to router: Router<HeritageRequestContext>) {
        router.get("/api/findings/{id}/scene") { _, context -> Response in
            _ = try context.require(.viewer)
            let id = try context.parameters.require("id")
            let cleared = context.mayReadRestricted
            return SiteRoutes.json(
                try await pool.run {
                    let (finding, release, site) = try released(id, includeRestricted: cleared)
                    return try release.checkedBytes(try viewer.scene(of: finding), of: site)
                })
        }
        router.get("/api/findings/{id}/points") { request, context -> Response in
            _ = try context.require(.viewer)
            let id = try context.parameters.require("id")
            let query = request.uri.queryParameters
            let epoch = query.get("epoch") ?? "changes"
            let budget = try query.number("budget", default: 2_000_000, in: 1...Self.maximumBudget)
            let box = try query.get("box").map { text -> [Double] in
                let values = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard values.count == 6 else {
                    throw APIError(.badRequest, "box is x0,y0,z0,x1,y1,z1 relative to the scene's origin")
                }
                return values
            }
            let cleared = context.mayReadRestricted
            let bytes = try await pool.run {
                let (finding, _, _) = try released(id, includeRestricted: cleared)
                return try viewer.points(of: finding, epoch: epoch, budget: budget, box: box)
            }
            return Response(
                status: .ok,
                headers: [.contentType: "application/octet-stream", .cacheControl: "private, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// The finding, refused without clearance when any file it would show holds the site's position.
    func released(_ id: String, includeRestricted: Bool) throws -> (Finding, SiteRelease, Site) {
        let finding = try store.finding(id)
        let release = try store.release(ofSite: finding.siteID, includeRestricted: includeRestricted)
        for (_, version) in try viewer.versions(of: finding) where release.withholds(version) {
            throw APIError(
                .forbidden,
                "\(version.fileName) holds the position of a restricted site: its 3D view is shown only to accounts "
                    + "with clearance")
        }
        return (finding, release, release.site)
    }
}
