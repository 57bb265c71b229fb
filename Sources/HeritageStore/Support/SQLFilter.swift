import GRDB

/// The WHERE clause of a filtered listing, its conditions and their arguments built together.
struct SQLFilter {
    private var conditions: [String] = []
    private(set) var arguments: StatementArguments = []

    /// Adds `condition` (with one `?`, or as many as `values`), when there is a value to test.
    mutating func add(_ condition: String, _ values: (any DatabaseValueConvertible)?...) {
        add(condition, values)
    }

    /// The same with the values as a list.
    mutating func add(_ condition: String, _ values: [(any DatabaseValueConvertible)?]) {
        guard values.allSatisfy({ $0 != nil }) else { return }
        conditions.append(condition)
        _ = arguments.append(contentsOf: StatementArguments(values.compactMap { $0 }))
    }

    /// `WHERE a AND b`, or nothing.
    var clause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }

    /// The arguments, then `more` (a LIMIT's and an OFFSET's).
    func arguments(then more: [any DatabaseValueConvertible]) -> StatementArguments {
        var all = arguments
        _ = all.append(contentsOf: StatementArguments(more))
        return all
    }
}
