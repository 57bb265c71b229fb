import ArgumentParser
import Foundation
import HeritagePostgres
import HeritageStore

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy an archive's registry into a PostgreSQL database (PostGIS), audit chain unchanged.",
        discussion: """
            Copies every record: sites with their names, designations and external ids, surveys,
            condition history, assets and versions, findings, received bags, accounts, proposals,
            jobs and the whole audit log, in one transaction, into a database whose registry is
            empty (the schema is created: it needs the postgis and pg_trgm extensions). Events are
            copied as they are, so the chain ends at the same event with the same hash (checked
            before the copy commits). Blobs stay in the archive's object folder; several servers
            on one database need that folder on a shared filesystem.

            On the database, 'site near', 'site search' and 'verify' take --database (or
            $HERITAGE_DATABASE). GIS users read the view gisSite as the role heritage_gis: restricted
            sites appear only at their generalised position.

            Example:
              heritage migrate --from ./heritage-archive --to postgresql://heritage@db.example.org/registry
            """)

    @Option(help: "The archive folder to copy (default: $HERITAGE_ARCHIVE or ./heritage-archive).") var from: String?
    @Option(
        help: ArgumentHelp("The PostgreSQL database to copy into.", valueName: "postgresql://USER@HOST:PORT/DATABASE"))
    var to: String
    @Flag(name: .long, help: "Print what was copied as JSON.") var json = false

    func run() throws {
        let location = try PostgresLocation(to)
        // The source is always an archive folder, whatever $HERITAGE_DATABASE says.
        let archive = try HeritageArchive.open(
            at: try ArchiveOptions.parse(from.map { ["--archive", $0] } ?? []).archiveURL)
        let copied = try DatabaseOptions.with(location) { try await $0.copy(from: archive) }
        if json {
            try printJSON(copied)
            return
        }
        let rows = copied.rows
        print(
            "Copied \(counted(rows["site"] ?? 0, "site")), \(counted(rows["survey"] ?? 0, "survey")), \(counted(rows["conditionAssessment"] ?? 0, "assessment")), \(counted(rows["assetVersion"] ?? 0, "asset version")), \(counted(rows["finding"] ?? 0, "finding")), \(counted(rows["account"] ?? 0, "account")), \(counted(rows["proposal"] ?? 0, "proposal")) and \(counted(rows["auditEvent"] ?? 0, "audit event")) to \(location) in \(String(format: "%.1f", copied.seconds)) s"
        )
        print(
            "The audit chain ends at event \(copied.headSequence) (\(copied.headHash.prefix(16))…) in both. Blobs stay in \(archive.url.path)/objects."
        )
    }
}
