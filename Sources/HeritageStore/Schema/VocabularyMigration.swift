import Foundation
import GRDB

/// How a controlled vocabulary grows in archives that already exist.
///
/// The vocabularies are frozen lists in CHECK constraints (`kind IN ('church', …)`). Adding a
/// term to a Swift enum alone would leave every existing archive refusing it. The term is added
/// by a migration of its own that calls ``extend(_:table:column:with:)``: it rewrites that one
/// list in the table's stored definition, as SQLite documents for changes that leave the
/// stored rows valid ("Making Other Kinds Of Table Schema Changes": `writable_schema`, then a
/// new `schema_version`), so no table is copied and a million rows stay where they are. A test
/// checks that every enum and the schema's lists agree.
enum VocabularyMigration {
    /// Adds `terms` to the list of `column IN (…)` in `table`'s CHECK constraint. Terms already
    /// in the list are left as they are. Throws when the table or the list is not found.
    static func extend(_ db: Database, table: String, column: String, with terms: [String]) throws {
        guard
            let sql = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [table])
        else { throw HeritageStoreError(.invalidInput, "no table \(table) to extend") }
        let (range, existing) = try listRange(in: sql, column: column, table: table)
        let added = terms.filter { !existing.contains($0) }
        guard !added.isEmpty else { return }
        for term in added where term.contains("'") || term.isEmpty {
            throw HeritageStoreError(.invalidInput, "'\(term)' cannot be a vocabulary term")
        }
        let list = (existing + added).map { "'\($0)'" }.joined(separator: ", ")
        let rewritten = sql.replacingCharacters(in: range, with: list)
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        defer { try? db.execute(sql: "PRAGMA writable_schema = OFF") }
        try db.execute(
            sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", arguments: [rewritten, table])
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
    }

    /// The terms of `column IN (…)` in a CREATE TABLE statement, and where the list is.
    static func listRange(in sql: String, column: String, table: String) throws -> (Range<String.Index>, [String]) {
        guard let start = sql.range(of: "\(column) IN (") else {
            throw HeritageStoreError(.invalidInput, "no list of \(column) terms in table \(table)")
        }
        guard let end = sql[start.upperBound...].firstIndex(of: ")") else {
            throw HeritageStoreError(.invalidInput, "the list of \(column) terms in table \(table) is not closed")
        }
        let range = start.upperBound..<end
        let terms = sql[range].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        return (range, terms)
    }

    /// The terms each (table, column) list of the schema holds.
    static func lists(_ db: Database) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL")
        {
            let table: String = row["name"]
            let sql: String = row["sql"]
            var searchFrom = sql.startIndex
            while let found = sql.range(
                of: #"\b(\w+) IN \("#, options: .regularExpression, range: searchFrom..<sql.endIndex)
            {
                let column = String(sql[found].prefix { $0 != " " })
                if let (_, terms) = try? listRange(in: String(sql[found.lowerBound...]), column: column, table: table) {
                    result["\(table).\(column)"] = terms
                }
                searchFrom = found.upperBound
            }
        }
        return result
    }
}
