import ArgumentParser
import HeritageStore

struct SiteList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List sites, optionally inside a bounding box and filtered.",
        discussion: """
            JSON (--json) is an array of objects with id, code, name, kind, latitude, longitude,
            latestCondition, country, sensitivity and generalised.

            Example:
              heritage site list --country SY --json
              heritage site list --bbox 30,35,40,45
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var filter: SiteFilterOptions
    @OptionGroup var output: OutputOptions
    @Option(
        parsing: .unconditional,
        help: "Only sites inside SOUTH,WEST,NORTH,EAST (degrees; WEST > EAST crosses the antimeridian).")
    var bbox: String?

    func run() throws {
        let edges = bbox.map { $0.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
        if let edges, edges.count != 4 {
            throw ValidationError("--bbox must be SOUTH,WEST,NORTH,EAST in decimal degrees")
        }
        let filter = try filter.filter()
        let sites = try database.withStore(or: archive) { store in
            if let edges {
                try store.sitesInBox(
                    south: edges[0], west: edges[1], north: edges[2], east: edges[3], filter: filter,
                    includeRestricted: output.includeRestricted)
            } else {
                try store.sites(matching: filter, includeRestricted: output.includeRestricted)
            }
        }
        if output.json { try printJSON(sites) } else { print(siteTable(sites, withDistance: false)) }
    }
}
