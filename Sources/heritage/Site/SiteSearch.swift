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
    @Argument(help: "Words to look for.") var text: [String]
    @OptionGroup var filter: SiteFilterOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try archive.open()
        let sites = try store.searchSites(
            text.joined(separator: " "), filter: try filter.filter(), includeRestricted: output.includeRestricted)
        if output.json { try printJSON(sites) } else { print(siteTable(sites, withDistance: false)) }
    }
}
