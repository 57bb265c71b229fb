import ArgumentParser
import Foundation
import HeritagePostgres
import HeritageStore

/// A PostgreSQL registry in place of the archive folder, for the commands that work on one.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Use the PostgreSQL registry at this address instead of the archive (default: $HERITAGE_DATABASE).",
            valueName: "postgresql://USER@HOST:PORT/DATABASE"))
    var database: String?

    /// The registry to use, or nil for the archive folder.
    func location() throws -> PostgresLocation? {
        guard let text = database ?? ProcessInfo.processInfo.environment["HERITAGE_DATABASE"], !text.isEmpty else {
            return nil
        }
        return try PostgresLocation(text)
    }

    /// Connects to the registry, runs `body` on it and closes it.
    static func with<T: Sendable>(
        _ location: PostgresLocation, _ body: @escaping @Sendable (PostgresRegistry) async throws -> T
    )
        throws -> T
    {
        try blockingWait { try await PostgresRegistry.with(location, body) }
    }
}

extension DatabaseOptions {
    /// The PostgreSQL registry when one is named, else the archive.
    func withStore<T>(or archive: ArchiveOptions, _ body: (any RegistryStore) throws -> T) throws -> T {
        if let location = try location() { return try PostgresStore.with(location) { try body($0) } }
        return try body(try archive.open())
    }
}
