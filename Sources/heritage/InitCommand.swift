import ArgumentParser
import HeritageStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty archive.",
        discussion: """
            Example:
              heritage init --archive ./heritage-archive
            """)

    @OptionGroup var archive: ArchiveOptions

    func run() throws {
        let created = try HeritageArchive.create(at: archive.archiveURL, actor: archive.resolvedActor)
        print("Created an empty archive at \(created.url.path)")
    }
}
