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
    @OptionGroup var filter: SiteFilterOptions
    @OptionGroup var output: OutputOptions
    @Option(
        parsing: .unconditional,
        help: "Only sites inside SOUTH,WEST,NORTH,EAST (degrees; WEST > EAST crosses the antimeridian).")
    var bbox: String?

    func run() throws {
        let store = try archive.open()
        let sites: [SiteSummary]
        if let bbox {
            let edges = bbox.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard edges.count == 4 else {
                throw ValidationError("--bbox must be SOUTH,WEST,NORTH,EAST in decimal degrees")
            }
            sites = try store.sitesInBox(
                south: edges[0], west: edges[1], north: edges[2], east: edges[3], filter: try filter.filter(),
                includeRestricted: output.includeRestricted)
        } else {
            sites = try store.sites(matching: try filter.filter(), includeRestricted: output.includeRestricted)
        }
        if output.json { try printJSON(sites) } else { print(siteTable(sites, withDistance: false)) }
    }
}
