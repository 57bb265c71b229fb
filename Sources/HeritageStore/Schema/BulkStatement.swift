import GRDB
import GRDBSQLite

/// An INSERT run many times inside one of GRDB's write transactions, with its values bound
/// through SQLite's C API. A bulk import writes five or six rows a site; through GRDB's
/// `execute(arguments:)` each value went into an array of existentials, then a `DatabaseValue`,
/// then SQLite, and that binding was a third of the writer's time. Used only for plain INSERTs on
/// the connection of the transaction that made it, and finalized when released.
final class BulkStatement {
    private let connection: OpaquePointer
    private let statement: OpaquePointer
    private let sql: String
    private var index: Int32 = 0

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else {
            throw HeritageStoreError(.integrity, "the database connection is closed")
        }
        var prepared: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard code == SQLITE_OK, let prepared else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.connection = connection
        self.statement = prepared
        self.sql = sql
    }

    deinit { sqlite3_finalize(statement) }

    /// The next parameter: text (NULL for nil).
    func bind(_ value: String?) {
        index += 1
        guard var value else {
            sqlite3_bind_null(statement, index)
            return
        }
        let index = index
        value.withUTF8 { bytes in
            guard let start = bytes.baseAddress, !bytes.isEmpty else {
                _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
                return
            }
            _ = start.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(statement, index, $0, Int32(bytes.count), Self.transient)
            }
        }
    }

    func bind(_ value: Double?) {
        index += 1
        if let value { sqlite3_bind_double(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    func bind(_ value: Int64?) {
        index += 1
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    func bind(_ value: Bool) { bind(Int64(value ? 1 : 0)) }

    /// Runs the statement with the values bound since the last run; throws SQLite's error (a
    /// failed CHECK, a duplicate key) as GRDB would.
    func run() throws {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            index = 0
        }
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
    }

    /// SQLite copies the bytes before `bind` returns: Swift's string storage may move afterwards.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
