import ArgumentParser
import HeritageStore

struct SiteSearch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Full-text search over names in every language, codes, communities and descriptions.",
        discussion: """
            Every word matches as a word prefix, in any script; all words must match.

            Example:
              heritage site search "al-Nuri"
              heritage site search Ղազանչեցոց --json
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Words to look for.") var text: [String]
    @Flag(
        help:
            "The text also matches inside a name, not only as word prefixes (an index on PostgreSQL; a scan of every name in an archive)."
    )
    var partial = false
    @OptionGroup var filter: SiteFilterOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let filter = try filter.filter()
        let sites = try database.withStore(or: archive) {
            try $0.searchSites(
                text.joined(separator: " "), partial: partial, filter: filter,
                includeRestricted: output.includeRestricted)
        }
        if output.json { try printJSON(sites) } else { print(siteTable(sites, withDistance: false)) }
    }
}
