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
        try waitFor { try await PostgresRegistry.with(location, body) }
    }
}

/// Runs async work from a command's synchronous `run()` and waits for it.
func waitFor<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task.detached {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    guard let result = box.result else { throw CancellationError() }
    return try result.get()
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
