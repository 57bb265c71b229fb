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
    @Flag(help: "With --database: a word also matches inside a name (trigram index), not only as a word prefix.")
    var partial = false
    @OptionGroup var filter: SiteFilterOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if partial && (try? database.location()) == nil {
            throw ValidationError("--partial works on a PostgreSQL registry (--database)")
        }
    }

    func run() throws {
        if let location = try database.location() {
            let (words, partial, filter, includeRestricted) = (
                text.joined(separator: " "), partial, try filter.filter(), output.includeRestricted
            )
            let sites = try DatabaseOptions.with(location) { registry in
                try await registry.searchSites(
                    words, partial: partial, filter: filter, includeRestricted: includeRestricted)
            }
            if output.json { try printJSON(sites) } else { print(siteTable(sites, withDistance: false)) }
            return
        }
        let store = try archive.open()
        let sites = try store.searchSites(
            text.joined(separator: " "), filter: try filter.filter(), includeRestricted: output.includeRestricted)
        if output.json { try printJSON(sites) } else { print(siteTable(sites, withDistance: false)) }
    }
}
