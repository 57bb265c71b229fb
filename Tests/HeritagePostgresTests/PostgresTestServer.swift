import Foundation
import HeritageStore
import Testing

@testable import HeritagePostgres

/// The PostgreSQL server the tests use: `$HERITAGE_TEST_POSTGRES` (Tools/test-postgres.sh
/// starts a throwaway one and prints it). Locally the tests skip when it is unset; under
/// `CI=true` they run and fail, since CI must test both backends.
enum PostgresTestServer {
    static let address = ProcessInfo.processInfo.environment["HERITAGE_TEST_POSTGRES"]
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"
    static let enabled = address != nil || required
    static let skipReason: Comment =
        "PostgreSQL tests skipped: HERITAGE_TEST_POSTGRES is not set (eval \"$(Tools/test-postgres.sh start)\")"

    /// A new, empty database on the server, dropped when `body` returns or throws.
    static func withDatabase<T>(_ body: (PostgresLocation) async throws -> T) async throws -> T {
        guard let address else {
            Issue.record("CI=true but HERITAGE_TEST_POSTGRES is not set: the PostgreSQL backend went untested")
            throw CancellationError()
        }
        let admin = try PostgresLocation(address)
        let name = "heritage_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let server = try await PostgresRegistry.connect(admin)
        try await server.run("CREATE DATABASE \(name)")
        var location = admin
        location.database = name
        do {
            let result = try await body(location)
            try await server.run("DROP DATABASE \(name) WITH (FORCE)")
            await server.close()
            return result
        } catch {
            try? await server.run("DROP DATABASE \(name) WITH (FORCE)")
            await server.close()
            throw error
        }
    }

    /// Connects to `location`, runs `body` and closes.
    static func with<T>(_ location: PostgresLocation, _ body: (PostgresRegistry) async throws -> T) async throws -> T {
        try await PostgresRegistry.with(location, body)
    }
}
