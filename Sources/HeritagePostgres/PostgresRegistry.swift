import Foundation
import GRDB
import HeritageStore
import Logging
import NIOSSL
import PostgresNIO

/// A registry held in PostgreSQL with PostGIS: the tables of the embedded SQLite archive,
/// copied from one (``copy(from:)``), searched with spatial and text indexes
/// (``sitesNear(_:radiusKm:filter:includeRestricted:)`` and the rest) and verified as the
/// archive is (``verify()``). Blobs stay in the archive's object folder.
///
/// One connection, used by one task at a time.
public final class PostgresRegistry: Sendable {
    public let location: PostgresLocation
    let connection: PostgresConnection
    let logger: Logger

    private init(location: PostgresLocation, connection: PostgresConnection, logger: Logger) {
        self.location = location
        self.connection = connection
        self.logger = logger
    }

    /// Connects to `location`, runs `body` on the registry and closes it, whether `body` throws
    /// or not.
    public static func with<T>(_ location: PostgresLocation, _ body: (PostgresRegistry) async throws -> T)
        async throws -> T
    {
        let registry = try await connect(location)
        do {
            let result = try await body(registry)
            await registry.close()
            return result
        } catch {
            await registry.close()
            throw error
        }
    }

    /// Connects; the schema is not touched (``migrate()`` creates or updates it).
    public static func connect(_ location: PostgresLocation, logger: Logger = Logger(label: "heritage.postgres"))
        async throws -> PostgresRegistry
    {
        let tls: PostgresConnection.Configuration.TLS
        if location.requiresTLS {
            tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        } else {
            tls = .disable
        }
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        do {
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: 1, logger: logger)
            // The registry's queries read a few dozen rows, but PostgreSQL cannot estimate how
            // many sites a word prefix matches (it guesses 2 %): it then started parallel
            // workers (4-5 ms a search at a million sites) and compiled the query with LLVM
            // (19 ms), for a search that takes 2 ms without either.
            _ = try await connection.query("SET max_parallel_workers_per_gather = 0", logger: logger)
            _ = try await connection.query("SET jit = off", logger: logger)
            return PostgresRegistry(location: location, connection: connection, logger: logger)
        } catch {
            throw Self.described(error, doing: "connecting to \(location)")
        }
    }

    public func close() async {
        try? await connection.close()
    }

    /// Creates the schema in an empty database, or applies the versions it lacks, in one
    /// transaction. Needs the PostGIS and pg_trgm extensions to be installable.
    public func migrate() async throws {
        try await transaction { try await self.applyMigrations() }
    }

    /// The versions the schema lacks, applied inside the caller's transaction.
    func applyMigrations() async throws {
        // Concurrent first runs wait for each other here rather than both creating the schema.
        try await run("SELECT pg_advisory_xact_lock(7242001) AS value")
        try await simple(
            "CREATE TABLE IF NOT EXISTS heritageMigration (identifier text PRIMARY KEY, appliedAt timestamptz NOT NULL DEFAULT now())"
        )
        let applied = Set(try await strings("SELECT identifier AS value FROM heritageMigration"))
        for (identifier, sql) in PostgresSchema.migrations where !applied.contains(identifier) {
            try await simple(sql)
            try await run("INSERT INTO heritageMigration (identifier) VALUES ($1)", [identifier])
        }
    }

    /// The schema versions applied, oldest first.
    public func schemaVersions() async throws -> [String] {
        try await strings("SELECT identifier AS value FROM heritageMigration ORDER BY appliedAt, identifier")
    }

    // MARK: Statements

    /// Runs SQL text of one or more statements, without parameters, one statement at a time
    /// (PostgresNIO sends each as a prepared statement, which holds one command).
    func simple(_ sql: String) async throws {
        for statement in Self.statements(sql) {
            do {
                _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            } catch {
                throw Self.described(error, doing: "running \(statement.prefix(60))…")
            }
        }
    }

    /// The statements of SQL text: split at semicolons outside quotes, comments and
    /// dollar-quoted bodies.
    static func statements(_ sql: String) -> [String] {
        var result: [String] = []
        var current = ""
        var index = sql.startIndex
        func flush() {
            let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty { result.append(statement) }
            current = ""
        }
        while index < sql.endIndex {
            let character = sql[index]
            let rest = sql[index...]
            if rest.hasPrefix("--"), let end = rest.firstIndex(of: "\n") {
                index = end
                continue
            }
            if rest.hasPrefix("$$"), let end = sql[sql.index(index, offsetBy: 2)...].range(of: "$$") {
                current += sql[index..<end.upperBound]
                index = end.upperBound
                continue
            }
            if character == "'", let end = sql[sql.index(after: index)...].firstIndex(of: "'") {
                current += sql[index...end]
                index = sql.index(after: end)
                continue
            }
            if character == ";" {
                flush()
            } else {
                current.append(character)
            }
            index = sql.index(after: index)
        }
        flush()
        return result
    }

    /// Runs one statement with parameters and returns its rows as the store reads rows: column
    /// names in the SQLite schema's spelling, integers as Int64, reals as Double, the rest text.
    /// Columns are read by name: their order is not kept.
    @discardableResult
    func rows(_ sql: String, _ values: [(any PostgresValue)?] = []) async throws -> [Row] {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            if let value { value.bind(to: &bindings) } else { bindings.appendNull() }
        }
        do {
            var result: [Row] = []
            for try await row in try await connection.query(
                PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            {
                result.append(try Self.storeRow(row))
            }
            return result
        } catch {
            throw Self.described(error, doing: "running \(sql.prefix(60))…")
        }
    }

    func run(_ sql: String, _ values: [(any PostgresValue)?] = []) async throws {
        try await rows(sql, values)
    }

    /// The column `value` of each row.
    func strings(_ sql: String, _ values: [(any PostgresValue)?] = []) async throws -> [String] {
        try await rows(sql, values).map { $0["value"] }
    }

    /// The column `value` of the first row.
    func integer(_ sql: String, _ values: [(any PostgresValue)?] = []) async throws -> Int64? {
        try await rows(sql, values).first?["value"]
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(isolation: String = "READ COMMITTED", _ body: () async throws -> T) async throws -> T {
        try await simple("BEGIN ISOLATION LEVEL \(isolation)")
        do {
            let result = try await body()
            try await simple("COMMIT")
            return result
        } catch {
            try? await simple("ROLLBACK")
            throw error
        }
    }

    static func storeRow(_ row: PostgresRow) throws -> Row {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in row {
            let name = PostgresSchema.spelling[cell.columnName] ?? cell.columnName
            guard cell.bytes != nil else {
                values.updateValue(nil, forKey: name)
                continue
            }
            switch cell.dataType {
            case .int2, .int4, .int8: values[name] = try cell.decode(Int64.self)
            case .float4, .float8: values[name] = try cell.decode(Double.self)
            case .bool: values[name] = try cell.decode(Bool.self) ? 1 : 0
            default: values[name] = try cell.decode(String.self)
            }
        }
        // GRDB builds a row from a dictionary: read its columns by name, never by position.
        return Row(values)
    }

    /// A PostgreSQL error as the store's error, with the server's own words (PostgresNIO's
    /// description hides them).
    static func described(_ error: any Error, doing what: String) -> HeritageStoreError {
        if let error = error as? HeritageStoreError { return error }
        if let error = error as? PSQLError {
            let server = [error.serverInfo?[.message], error.serverInfo?[.detail]].compactMap { $0 }
                .joined(separator: ": ")
            let code = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let reason = server.isEmpty ? "\(error.code)" : server + code
            return HeritageStoreError(.database, "PostgreSQL, \(what): \(reason)", underlying: error)
        }
        return HeritageStoreError(.database, "PostgreSQL, \(what): \(error)", underlying: error)
    }
}

/// A value bound to a statement parameter.
protocol PostgresValue: Sendable {
    func bind(to bindings: inout PostgresBindings)
}

extension String: PostgresValue {
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
}
extension Int64: PostgresValue {
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
}
extension Int: PostgresValue {
    func bind(to bindings: inout PostgresBindings) { bindings.append(Int64(self)) }
}
extension Double: PostgresValue {
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
}
extension Bool: PostgresValue {
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
}
extension Array: PostgresValue where Element: PostgresArrayEncodable & PostgresNonThrowingEncodable {
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
}
