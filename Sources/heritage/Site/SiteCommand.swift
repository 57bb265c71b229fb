import ArgumentParser

struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Add, edit, find, import and export heritage sites.",
        discussion: """
            Example:
              heritage site list --kind mosque --condition destroyed
            """,
        subcommands: [
            SiteAdd.self, SiteList.self, SiteShow.self, SiteEdit.self, SiteNear.self, SiteSearch.self,
            SiteImport.self, SiteExport.self,
        ])
}
