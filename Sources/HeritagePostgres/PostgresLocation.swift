import Foundation
import HeritageStore

/// Where a PostgreSQL registry is: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, as
/// libpq writes it, with `?sslmode=disable|require` (default: `disable` on the loopback
/// interface, `require` elsewhere). The password may also come from `$PGPASSWORD`.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var requiresTLS: Bool

    /// True when `text` names a PostgreSQL database rather than an archive folder.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isPostgres(text), let components = URLComponents(string: text), let host = components.host,
            !host.isEmpty
        else {
            throw HeritageStoreError(
                .invalidInput,
                "'\(Self.redacted(text))' is not a PostgreSQL address: write postgresql://USER@HOST:PORT/DATABASE")
        }
        self.host = host
        port = components.port ?? 5432
        user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding } ?? environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value
        switch mode {
        case nil: requiresTLS = !["127.0.0.1", "localhost", "::1"].contains(host)
        case "disable": requiresTLS = false
        case "require", "verify-full": requiresTLS = true
        case let other?:
            throw HeritageStoreError(.invalidInput, "sslmode=\(other) is not supported: use disable or require")
        }
    }

    /// The address without its password, for messages and logs.
    public var description: String {
        "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    }

    static func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression)
    }
}
