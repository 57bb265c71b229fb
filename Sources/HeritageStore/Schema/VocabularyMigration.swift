import Foundation
import GRDB

/// How a controlled vocabulary grows in archives that already exist.
///
/// The vocabularies are frozen lists in CHECK constraints, written since v11 as comparisons
/// (`(kind = 'church' OR kind = 'monastery' OR …)`). Adding a term to a Swift enum alone would
/// leave every existing archive refusing it. The term is added by a migration of its own that
/// calls ``extend(_:table:column:with:)``: it rewrites that one list in the table's stored
/// definition, as SQLite documents for changes that leave the stored rows valid ("Making Other
/// Kinds Of Table Schema Changes": `writable_schema`, then a new `schema_version`), so no table
/// is copied and a million rows stay where they are. A test checks that every enum and the
/// schema's lists agree.
enum VocabularyMigration {
    /// Adds `terms` to the list of `column` in `table`'s CHECK constraint. Terms already in the
    /// list are left as they are. Throws when the table or the list is not found.
    static func extend(_ db: Database, table: String, column: String, with terms: [String]) throws {
        let sql = try tableSQL(db, table)
        guard let list = comparisonLists(in: sql).first(where: { $0.column == column }) else {
            throw HeritageStoreError(.invalidInput, "no list of \(column) terms in table \(table)")
        }
        let added = terms.filter { !list.terms.contains($0) }
        guard !added.isEmpty else { return }
        for term in added where term.contains("'") || term.isEmpty {
            throw HeritageStoreError(.invalidInput, "'\(term)' cannot be a vocabulary term")
        }
        let rewritten = sql.replacingCharacters(
            in: list.range, with: comparisons(column: column, terms: list.terms + added))
        try replaceDefinitions(db, [table: rewritten])
    }

    /// v11: every `column IN ('a', 'b', …)` in the tables' definitions becomes
    /// `(column = 'a' OR column = 'b' OR …)`, which means the same for every value, NULL
    /// included. SQLite builds a lookup table for an IN list of more than two constants each
    /// time a statement runs, that is for each row inserted: the site table's three lists cost
    /// 8 µs of a 12 µs row; as comparisons, 0.4 µs. Part of a released migration: never edit.
    static func listsToComparisons(_ db: Database) throws {
        let pattern = try NSRegularExpression(pattern: #"\b(\w+) IN \(('[^']*'(?:, '[^']*')*)\)"#)
        var rewritten: [String: String] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL ORDER BY name")
        {
            let table: String = row[0]
            var sql: String = row[1]
            let matches = pattern.matches(in: sql, range: NSRange(sql.startIndex..., in: sql))
            guard !matches.isEmpty else { continue }
            for match in matches.reversed() {
                guard let whole = Range(match.range, in: sql), let column = Range(match.range(at: 1), in: sql),
                    let list = Range(match.range(at: 2), in: sql)
                else { continue }
                let terms = sql[list].components(separatedBy: ", ").map { String($0.dropFirst().dropLast()) }
                sql.replaceSubrange(whole, with: comparisons(column: String(sql[column]), terms: terms))
            }
            rewritten[table] = sql
        }
        try replaceDefinitions(db, rewritten)
    }

    /// The terms each (table, column) list of the schema holds, keyed `table.column`: the first
    /// list of that column in the table's definition.
    static func lists(_ db: Database) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL")
        {
            let table: String = row[0]
            // A column's own list comes first; a table constraint after it may compare the column
            // with some of its terms (`(dateQualifier = 'between') = (endDate IS NOT NULL)`).
            for list in comparisonLists(in: row[1]) where result["\(table).\(list.column)"] == nil {
                result["\(table).\(list.column)"] = list.terms
            }
        }
        return result
    }

    /// `(column = 'a' OR column = 'b')`.
    static func comparisons(column: String, terms: [String]) -> String {
        "(" + terms.map { "\(column) = '\($0)'" }.joined(separator: " OR ") + ")"
    }

    /// The lists written as comparisons in a CREATE TABLE statement: column, terms, and where.
    static func comparisonLists(in sql: String) -> [(column: String, terms: [String], range: Range<String.Index>)] {
        // A column compared with a quoted term, then only that column with more terms, in parentheses.
        guard
            let pattern = try? NSRegularExpression(
                pattern: #"\((\w+) = '[^']*'(?: OR \1 = '[^']*')*\)"#)
        else { return [] }
        return pattern.matches(in: sql, range: NSRange(sql.startIndex..., in: sql)).compactMap { match in
            guard let range = Range(match.range, in: sql), let column = Range(match.range(at: 1), in: sql) else {
                return nil
            }
            let name = String(sql[column])
            let terms = sql[range].dropFirst().dropLast().components(separatedBy: " OR ").map {
                String($0.dropFirst(name.count + 4).dropLast())
            }
            return (name, terms, range)
        }
    }

    private static func tableSQL(_ db: Database, _ table: String) throws -> String {
        guard
            let sql = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [table])
        else { throw HeritageStoreError(.invalidInput, "no table \(table) to extend") }
        return sql
    }

    /// Stores new definitions of tables whose rows they leave valid, and has every connection
    /// read the schema again.
    private static func replaceDefinitions(_ db: Database, _ definitions: [String: String]) throws {
        guard !definitions.isEmpty else { return }
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        defer { try? db.execute(sql: "PRAGMA writable_schema = OFF") }
        for (table, sql) in definitions.sorted(by: { $0.key < $1.key }) {
            try db.execute(
                sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", arguments: [sql, table])
        }
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
    }
}
