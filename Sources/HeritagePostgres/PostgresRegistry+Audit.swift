import Foundation
import GRDB
import HeritageStore

/// Reading the audit log on PostgreSQL, as the archive reads its own.
extension PostgresRegistry {
    /// The newest audit event: its sequence and hash pin the whole chain up to it.
    public func auditHead() async throws -> AuditEvent? {
        try await rows("SELECT * FROM auditEvent ORDER BY sequence DESC LIMIT 1").first.map(Self.event)
    }

    /// A page of the audit log, newest first.
    public func auditEvents(_ filter: AuditFilter) async throws -> [AuditEvent] {
        var conditions: [String] = []
        var values: [(any PostgresValue)?] = []
        func add(_ condition: String, _ more: [any PostgresValue]) {
            var text = condition
            for value in more {
                values.append(value)
                text = text.replacingOccurrences(
                    of: "?", with: "$\(values.count)", options: [], range: text.range(of: "?"))
            }
            conditions.append(text)
        }
        if let id = filter.entityID {
            // Through the entity index when the row is found: its type and seq.
            var located: [(String, Int64)] = []
            for type in filter.entityType.map({ [$0] }) ?? AuditFilter.entityTables
            where AuditFilter.entityTables.contains(type) {
                if let seq = try await integer("SELECT seq AS value FROM \(type) WHERE id = $1", [id]) {
                    located.append((type, seq))
                }
            }
            if located.isEmpty {
                add("entityId = ?", [id])
                if let type = filter.entityType { add("entityType = ?", [type]) }
            } else {
                for (type, seq) in located { add("(entityType = ? AND entitySeq = ?)", [type, seq]) }
                let rowsFound = conditions.joined(separator: " OR ")
                conditions = ["(" + rowsFound + ")"]
                add("entityId = ?", [id])
            }
        } else if let type = filter.entityType {
            add("entityType = ?", [type])
        }
        if let actor = filter.actor { add("lower(actor) = lower(?)", [actor]) }
        if let action = filter.action, action.hasSuffix(".") {
            add("starts_with(action, ?)", [action])
        } else if let action = filter.action {
            add("action = ?", [action])
        }
        if let before = filter.before { add("sequence < ?", [before]) }
        values.append(max(1, min(filter.limit, 1000)))
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await rows(
            "SELECT * FROM auditEvent \(clause) ORDER BY sequence DESC LIMIT $\(values.count)", values
        ).map(Self.event)
    }
}
