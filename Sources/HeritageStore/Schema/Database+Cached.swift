import GRDB

extension Database {
    /// Executes a statement compiled once per connection and then reused.
    ///
    /// Imports write tens of thousands of rows; compiling each statement anew (and running
    /// GRDB's authorizer on it) took a third of the import time.
    func executeCached(sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// The first column of the first row of a cached statement, or `nil`.
    func fetchCached<T: DatabaseValueConvertible & StatementColumnConvertible>(
        _ type: T.Type, sql: String, arguments: StatementArguments = []
    ) throws -> T? {
        try T.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }
}
