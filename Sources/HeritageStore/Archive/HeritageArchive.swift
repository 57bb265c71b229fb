import Foundation
import GRDB
import Logging

/// An archive folder: `registry.sqlite` (sites, surveys, condition history, audit log) and
/// `objects/` (content-addressed blobs).
///
/// Every change goes through one write transaction that also appends its audit event, so a
/// change and its record land together or not at all. Several processes may write to the same
/// archive: SQLite serialises their transactions and each waits up to 30 s for the others.
///
/// ```swift
/// let archive = try HeritageArchive.create(at: URL(filePath: "heritage-archive"), actor: "ana")
/// let site = try archive.addSite(draft, actor: "ana")
/// let near = try archive.sitesNear(try GeoPoint(latitude: 34.55, longitude: 38.27), radiusKm: 10)
/// ```
public final class HeritageArchive: Sendable {
    public let url: URL
    let pool: DatabasePool
    /// True when the archive was opened from read-only storage (write-once media, a read-only
    /// mount): every read works, every change is refused before it starts.
    public let isReadOnly: Bool
    static let logger = Logger(label: "heritage.store")

    public static let registryFileName = "registry.sqlite"
    public static let objectsFolderName = "objects"

    private init(url: URL, pool: DatabasePool, isReadOnly: Bool = false) {
        self.url = url
        self.pool = pool
        self.isReadOnly = isReadOnly
    }

    /// Creates a new, empty archive. Fails if the folder already holds a registry.
    public static func create(at url: URL, actor: String) throws -> HeritageArchive {
        let registry = url.appending(path: registryFileName)
        if FileManager.default.fileExists(atPath: registry.path) {
            throw HeritageStoreError(.conflict, "an archive already exists at \(url.path)")
        }
        do {
            try FileManager.default.createDirectory(
                at: url.appending(path: objectsFolderName), withIntermediateDirectories: true)
        } catch {
            throw HeritageStoreError(
                .io, "cannot create the archive folder \(url.path): \(error.localizedDescription)")
        }
        try formatRegistry(registry)
        let archive = try HeritageArchive(url: url, pool: openPool(registry))
        try archive.write { db in
            try AuditLog.append(
                db, actor: actor, action: "archive.init", entityType: "archive", entityID: "registry", entitySeq: nil,
                oldValue: nil, newValue: #"{"formatVersion":1}"#)
        }
        logger.debug("created archive", metadata: ["path": "\(url.path)"])
        return archive
    }

    /// Opens an existing archive, applying any newer migrations. An archive on storage this
    /// process cannot write (write-once media, a read-only mount) is opened read-only: SQLite
    /// is told the file cannot change, and no migration or other write is attempted.
    public static func open(at url: URL) throws -> HeritageArchive {
        let registry = url.appending(path: registryFileName)
        guard FileManager.default.fileExists(atPath: registry.path) else {
            throw HeritageStoreError(
                .archiveMissing,
                "no archive at \(url.path); create one with 'heritage init' or point --archive at an existing one")
        }
        // SQLite needs to create its -wal and -shm files beside the registry to open it for writing.
        if access(url.path, W_OK) != 0 || access(registry.path, W_OK) != 0 {
            return try HeritageArchive(url: url, pool: openReadOnlyPool(registry), isReadOnly: true)
        }
        return try HeritageArchive(url: url, pool: openPool(registry))
    }

    /// Opens a registry that cannot be written. With no write-ahead log beside it (the archive
    /// was closed cleanly) the file is opened as immutable: SQLite then needs no lock and no
    /// -shm file. A leftover log holds committed changes, so then the file is opened read-only
    /// with it, which needs the -shm file too.
    private static func openReadOnlyPool(_ registry: URL) throws -> DatabasePool {
        let log = registry.path + "-wal"
        let logSize = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? NSNumber)?.intValue ?? 0
        var components = URLComponents()
        components.scheme = "file"
        components.path = registry.standardizedFileURL.path
        components.queryItems = [
            logSize > 0 ? URLQueryItem(name: "mode", value: "ro") : URLQueryItem(name: "immutable", value: "1")
        ]
        guard let uri = components.string else {
            throw HeritageStoreError(.database, "cannot open the registry \(registry.path) read-only: bad path")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.foreignKeysEnabled = true
        configuration.label = "heritage.registry"
        configuration.prepareDatabase { db in
            db.add(function: PlaceCell.function)
            try mapForReading(db)
        }
        do {
            let pool = try DatabasePool(path: uri, configuration: configuration)
            let complete = try pool.read { db in try RegistryMigrations.migrator.hasCompletedMigrations(db) }
            guard complete else {
                throw HeritageStoreError(
                    .database,
                    "the registry \(registry.path) was made by an older heritage and is read-only here, so it cannot "
                        + "be brought up to date; read it with that version, or copy the archive to writable storage")
            }
            return pool
        } catch let error as HeritageStoreError {
            throw error
        } catch {
            throw HeritageStoreError(
                .database,
                "cannot open the registry \(registry.path) read-only: \(describe(error))"
                    + (logSize > 0 ? " (its write-ahead log -wal needs its -shm file beside it)" : ""),
                underlying: error)
        }
    }

    /// Creates the empty registry file with 16 KiB pages (fixed once the file is in WAL mode):
    /// a bulk import then issues a quarter of the page writes it would with SQLite's 4 KiB default.
    private static func formatRegistry(_ registry: URL) throws {
        do {
            let queue = try DatabaseQueue(path: registry.path)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA page_size = 16384")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            // The first migration writes the file, and with it the page size.
            try RegistryMigrations.migrator.migrate(queue)
            try queue.close()
        } catch {
            throw HeritageStoreError(
                .database, "cannot create the registry \(registry.path): \(describe(error))", underlying: error)
        }
    }

    private static func openPool(_ registry: URL) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(30)
        configuration.label = "heritage.registry"
        configuration.prepareDatabase { db in
            db.add(function: PlaceCell.function)
            // Evidence must survive a power cut: every commit reaches the disk.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // 64 MiB of page cache: a 100,000-site import then stays in memory until commit
            // instead of spilling pages to the WAL and reading them back.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try mapForReading(db)
        }
        do {
            let pool = try DatabasePool(path: registry.path, configuration: configuration)
            try RegistryMigrations.migrator.migrate(pool)
            return pool
        } catch {
            throw HeritageStoreError(
                .database, "cannot open the registry \(registry.path): \(describe(error))", underlying: error)
        }
    }

    // MARK: Transactions

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard !isReadOnly else { throw readOnlyError() }
        do {
            return try pool.write(body)
        } catch let error as HeritageStoreError {
            throw error
        } catch {
            throw HeritageStoreError(.database, describe(error), underlying: error)
        }
    }

    /// After a bulk write, empties the write-ahead log back to nothing. Its pages are already
    /// copied into the registry by SQLite's automatic checkpoint, but until the log is reset every
    /// read still looks each page up in it and reads the log's copy instead of the mapped file: on
    /// a million-site archive just imported (a 1.3 GB log) the radius p99 was 2.9-9.9 ms before
    /// and 1.2-1.5 ms after. Waits for readers as any write does; gives up quietly if they hold on,
    /// since the log is only slower, never wrong.
    func truncateLog() {
        guard !isReadOnly else { return }
        _ = try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// Reader connections map the registry into memory: a query then touches the pages it needs
    /// where they lie instead of copying each from the file (a radius query at a million sites
    /// reads a hundred scattered pages; mapped, its p99 halves). SQLite caps the size at what it
    /// was built with. The one writer keeps SQLite's own reads.
    private static func mapForReading(_ db: Database) throws {
        if db.configuration.readonly { try db.execute(sql: "PRAGMA mmap_size = \(Int64(1) << 40)") }
    }

    /// A read of the whole registry, front to back (exports, verification), without the memory
    /// map: mapped, every page read would stay counted in the process's memory, which is then
    /// the size of the file instead of flat.
    func streamingRead<T>(_ body: (Database) throws -> T) throws -> T {
        try read { db in
            let mapped = try Int64.fetchOne(db, sql: "PRAGMA mmap_size") ?? 0
            try db.execute(sql: "PRAGMA mmap_size = 0")
            defer { try? db.execute(sql: "PRAGMA mmap_size = \(mapped)") }
            return try body(db)
        }
    }

    package func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as HeritageStoreError {
            throw error
        } catch {
            throw HeritageStoreError(.database, describe(error), underlying: error)
        }
    }

    /// The refusal of a change to an archive on read-only storage.
    func readOnlyError() -> HeritageStoreError {
        HeritageStoreError(
            .readOnly,
            "the archive at \(url.path) is on read-only storage: it can be read, listed, verified and reported on, "
                + "not changed; nothing was changed")
    }

    /// Reduces a SQLite error to its message, without the SQL and its arguments.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode)"
        }
        return "\(error)"
    }
    private func describe(_ error: any Error) -> String { Self.describe(error) }

    /// Finds the full id in `table` that starts with `reference` (ids may be abbreviated).
    func resolveID(_ db: Database, table: String, reference: String, noun: String) throws -> String {
        let trimmed = reference.trimmed.lowercased()
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE id = ?", arguments: [trimmed]) == true {
            return trimmed
        }
        guard trimmed.count >= 4 else {
            throw HeritageStoreError(.notFound, "no \(noun) with id '\(reference)' (give at least 4 characters)")
        }
        let matches = try String.fetchAll(
            db, sql: "SELECT id FROM \(table) WHERE id >= ? AND id < ? LIMIT 2",
            arguments: [trimmed, trimmed + "\u{10FFFF}"])
        switch matches.count {
        case 1: return matches[0]
        case 0: throw HeritageStoreError(.notFound, "no \(noun) with id '\(reference)'")
        default: throw HeritageStoreError(.conflict, "'\(reference)' matches several \(noun)s; give more of the id")
        }
    }
}
