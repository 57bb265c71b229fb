import ArgumentParser
import Foundation
import HeritagePostgres
import HeritageStore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up an archive (registry and blobs) or a PostgreSQL registry while it is in use.",
        discussion: """
            An archive is copied with SQLite's online backup API (writers may go on; the copy is of
            one moment) into a new folder, with every blob the copy records, each re-hashed after
            it is copied: the folder is an archive that 'verify --archive' checks and 'restore'
            puts back. A PostgreSQL registry (--database) is written by pg_dump in its custom
            format into a new file. Nothing is left behind when a backup fails.

            Example:
              heritage backup --to /backups/heritage-2026-12-04
              heritage backup --database postgresql://heritage@db/registry --to registry-2026-12-04.dump
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The new folder (archive) or file (PostgreSQL) to write.") var to: String
    @Flag(name: .long, help: "Print what was written as JSON.") var json = false

    func run() throws {
        if let location = try database.location() {
            try PostgresRegistry.dump(location, to: URL(filePath: to))
            print(
                "Wrote a pg_dump backup of \(location) to \(to); 'heritage restore --from \(to) --database …' restores it"
            )
            return
        }
        let backup = try archive.open().backup(to: URL(filePath: to))
        if json {
            try printJSON(backup)
            return
        }
        print(
            "Backed up \(counted(backup.sites, "site")), \(counted(backup.events, "audit event")) and \(counted(backup.blobs, "blob")) (\(backup.bytes) bytes, re-hashed) to \(to) in \(String(format: "%.1f", backup.seconds)) s"
        )
        print("The copy's audit chain ends at event \(backup.headSequence) (\(backup.headHash.prefix(16))…).")
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup as a new archive, or into an empty PostgreSQL database, and verify it.",
        discussion: """
            A backup folder is copied to the new archive folder (--archive, which must not exist),
            opened and verified in full before it is put in place; one that does not verify is not
            restored. A pg_dump file is restored with pg_restore, in one transaction, into a
            database whose registry is empty (--database), then verified.

            Example:
              heritage restore --from /backups/heritage-2026-12-04 --archive ./heritage-archive
              heritage restore --from registry-2026-12-04.dump --database postgresql://heritage@db/registry
            """)

    @Option(help: "The backup folder or pg_dump file.") var from: String
    @Option(help: "The new archive folder to restore into (default: $HERITAGE_ARCHIVE or ./heritage-archive).")
    var archive: String?
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        if let location = try database.location() {
            let file = URL(filePath: from)
            let report = try blockingWait { try await PostgresRegistry.restore(file, into: location) }
            guard report.isValid else {
                for problem in report.problems { printError("FAILED: \(problem)") }
                throw ExitCode.failure
            }
            print(
                "Restored \(from) into \(location): audit chain of \(counted(report.eventCount, "event")) intact, \(counted(report.siteCount, "site")) match their audit trail"
            )
            return
        }
        let destination = try ArchiveOptions.parse(archive.map { ["--archive", $0] } ?? []).archiveURL
        let (_, report) = try HeritageArchive.restore(from: URL(filePath: from), to: destination)
        print(
            "Restored \(from) as \(destination.path): audit chain of \(counted(report.eventCount, "event")) intact, \(counted(report.siteCount, "site")) and \(counted(report.versionCount, "asset version")) match their audit trail, \(counted(report.blobCount, "blob")) re-hashed"
        )
    }
}
