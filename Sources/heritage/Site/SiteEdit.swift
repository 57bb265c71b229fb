import ArgumentParser
import HeritageStore

struct SiteEdit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a site's fields; the old and new values go to the audit log.",
        discussion: """
            Options given replace a field; --other-name, --designation, --external-id and --source add
            to their lists, and --clear-designations empties that list first. The id never changes.

            Example:
              heritage site edit SY-PAL-BEL --designation world-heritage-in-danger@2013-06-20
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The site's code or id.") var site: String
    @OptionGroup var fields: SiteFieldOptions
    @Flag(name: .long, help: "Remove every designation before adding those given.") var clearDesignations = false

    func run() throws {
        let (edited, changed) = try database.withStore(or: archive) {
            try $0.editSite(site, actor: archive.resolvedActor) { site in
                if clearDesignations { site.designations = [] }
                try fields.apply(to: &site)
            }
        }
        print(changed ? "Updated site \(edited.code)" : "Nothing to change in site \(edited.code)")
    }
}
