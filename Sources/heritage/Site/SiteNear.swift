import ArgumentParser
import HeritageStore

struct SiteNear: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "near",
        abstract: "Find sites within a great-circle radius of a point, or the nearest N.",
        discussion: """
            Distances are great-circle kilometres on the IUGG mean sphere, correct across the
            antimeridian and near the poles. JSON adds distanceKm to each site.

            Example:
              heritage site near 34.547,38.274 --radius-km 150
              heritage site near "43°20′14″N,17°48′54″E" --nearest 3 --json
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    /// One value, taken even when it starts with a minus (south, west): argument-parser would
    /// read `-33.5,-70.6` as an option.
    @Argument(parsing: .allUnrecognized, help: "The point as LATITUDE,LONGITUDE (-33.5,-70.6 for south and west).")
    var point: [String] = []
    @Option(name: .customLong("radius-km"), help: "Search radius in kilometres (default 10).") var radiusKm: Double?
    @Option(help: "Return the N nearest sites instead of a radius search.") var nearest: Int?
    @OptionGroup var filter: SiteFilterOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let unknown = point.first(where: { $0.hasPrefix("-") && Double($0.split(separator: ",").first ?? "") == nil }
        ) {
            throw ValidationError("Unknown option '\(unknown)'")
        }
        guard point.count == 1 else {
            throw ValidationError(
                point.isEmpty
                    ? "Missing expected argument '<point>' (LATITUDE,LONGITUDE)"
                    : "give one point, not \(point.count): \(point.joined(separator: " "))")
        }
        if radiusKm != nil && nearest != nil { throw ValidationError("give either --radius-km or --nearest") }
        if let nearest, nearest < 1 { throw ValidationError("--nearest must be at least 1") }
    }

    func run() throws {
        let center = try parsePoint(point[0])
        let filter = try filter.filter()
        let sites = try database.withStore(or: archive) { store in
            if let nearest {
                try store.nearestSites(
                    to: center, count: nearest, filter: filter, includeRestricted: output.includeRestricted)
            } else {
                try store.sitesNear(
                    center, radiusKm: radiusKm ?? 10, filter: filter, includeRestricted: output.includeRestricted)
            }
        }
        if output.json { try printJSON(sites) } else { print(siteTable(sites, withDistance: true)) }
    }
}
