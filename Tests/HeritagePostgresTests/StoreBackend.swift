import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

@testable import HeritagePostgres

/// The two backends the store's tests run on: the embedded archive, and a PostgreSQL registry
/// (when a server is there to test with: always under CI=true).
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case archive
    case postgres

    /// The backends to test here: PostgreSQL only when the tests have a server.
    static var available: [StoreBackend] { PostgresTestServer.enabled ? allCases : [.archive] }

    var testDescription: String { rawValue }

    /// A fresh, empty store of this backend, given to `body` as the synchronous store the
    /// commands and the server use.
    func withEmptyStore<T>(_ body: (BackendStore) throws -> T) async throws -> T {
        switch self {
        case .archive:
            // The folder is removed when `temp` goes: keep it for as long as the body runs.
            let temp = try TemporaryArchive()
            return try withExtendedLifetime(temp) { try body(.archive(temp.archive)) }
        case .postgres:
            return try await PostgresTestServer.withDatabase { location in
                try await PostgresTestServer.with(location) { try await $0.migrate() }
                return try PostgresStore.with(location) { try body(.postgres($0)) }
            }
        }
    }
}

/// One backend's store, with what the tests read beside the protocols.
enum BackendStore: Sendable {
    case archive(HeritageArchive)
    case postgres(PostgresStore)

    var store: any RegistryStore {
        switch self {
        case .archive(let archive): archive
        case .postgres(let store): store
        }
    }

    /// The codes a full-text search finds.
    func search(_ text: String) throws -> [String] {
        switch self {
        case .archive(let archive): return try archive.searchSites(text).map(\.code)
        case .postgres(let store): return try blockingWait { try await store.registry.searchSites(text).map(\.code) }
        }
    }

    /// The audit log, oldest first.
    func events() throws -> [AuditEvent] {
        switch self {
        case .archive(let archive): return try archive.auditEvents()
        case .postgres(let store):
            return try blockingWait {
                try await store.registry.rows("SELECT * FROM auditEvent ORDER BY sequence").map {
                    AuditEvent(
                        sequence: $0["sequence"], time: $0["time"], actor: $0["actor"], action: $0["action"],
                        entityType: $0["entityType"], entityID: $0["entityId"], oldValue: $0["oldValue"],
                        newValue: $0["newValue"], previousHash: $0["previousHash"], hash: $0["hash"])
                }
            }
        }
    }

    /// Whether verify finds nothing wrong; its problems otherwise.
    func verify() throws -> [String] {
        switch self {
        case .archive(let archive): return try archive.verify().problems
        case .postgres(let store): return try blockingWait { try await store.registry.verify().problems }
        }
    }
}

/// Makes the same changes (`change`, at fixed times) on `temp`'s archive and on a PostgreSQL
/// registry copied from it, checks that both logs then hold the same events, byte for byte,
/// and that the registry verifies, and hands both to `then` for what else a test compares.
/// Returns the archive's events.
@discardableResult
func expectSameEventsOnBoth(
    _ temp: TemporaryArchive, _ change: (any RegistryStore) throws -> Void,
    then: (HeritageArchive, PostgresStore) throws -> Void = { _, _ in }
) async throws -> [AuditEvent] {
    try await PostgresTestServer.withDatabase { location in
        try await PostgresTestServer.with(location) { _ = try await $0.copy(from: temp.archive) }
        return try PostgresStore.with(location) { registry in
            try change(temp.archive)
            try change(registry)
            let local = try BackendStore.archive(temp.archive).events()
            #expect(try BackendStore.postgres(registry).events() == local)
            #expect(try BackendStore.postgres(registry).verify() == [])
            try then(temp.archive, registry)
            return local
        }
    }
}
