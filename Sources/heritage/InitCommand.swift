import ArgumentParser
import HeritagePostgres
import HeritageStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty archive.",
        discussion: """
            With --database, creates the registry's tables (PostGIS and pg_trgm must be installable)
            in the PostgreSQL database, or adds what a database made by an older version lacks.

            Example:
              heritage init --archive ./heritage-archive
              heritage init --database postgresql://heritage@db.example.org:5432/registry
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        if let location = try database.location() {
            let versions = try DatabaseOptions.with(location) { registry in
                try await registry.migrate()
                return try await registry.schemaVersions()
            }
            print("The registry at \(location) is ready (schema \(versions.last ?? "none"))")
            return
        }
        let created = try HeritageArchive.create(at: archive.archiveURL, actor: archive.resolvedActor)
        print("Created an empty archive at \(created.url.path)")
    }
}
