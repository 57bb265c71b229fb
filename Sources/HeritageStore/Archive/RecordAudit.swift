import GRDB

/// Verification of registry rows held in another database (the PostgreSQL backend): each row is
/// decoded as the store decodes its own and compared with the newest audit event about it, by
/// the code ``HeritageArchive/verify()`` runs, so both backends catch the same tampering.
package enum RecordAudit {
    /// The tables whose rows the audit log records, in the order verify checks them.
    package static let tables = [
        "site", "survey", "conditionAssessment", "asset", "assetVersion", "finding", "bagIngestion", "account",
        "proposal",
    ]

    /// A site's child rows (columns `language, name, isPrimary`; `type, reference, date`;
    /// `scheme, value`), in position order.
    package struct SiteChildren {
        package var names: [Row] = []
        package var designations: [Row] = []
        package var externalIDs: [Row] = []
        package init() {}
    }

    /// The hash an event must carry: SHA-256 of its canonical bytes (``AuditLog``).
    package static func hash(of event: AuditEvent) -> String { AuditLog.hash(of: event) }

    /// A record as the audit log writes it (`newValue`, `oldValue`): sorted keys, unescaped
    /// slashes. The same bytes on every backend, so the same events hash the same.
    package static func json<T: Encodable>(_ value: T) throws -> String { try JSONText.encode(value) }

    /// A list of strings as a JSON column holds it.
    package static func jsonList(_ list: [String]) throws -> String { try JSONText.encodeList(list) }

    /// The event after `sequence`/`previousHash`, numbered and hashed.
    package static func seal(
        after sequence: Int64, previousHash: String, actor: String, action: String, entityType: String,
        entityID: String, oldValue: String?, newValue: String?, time: String
    ) -> AuditEvent {
        var event = AuditEvent(
            sequence: sequence + 1, time: time, actor: actor, action: action, entityType: entityType,
            entityID: entityID, oldValue: oldValue, newValue: newValue, previousHash: previousHash, hash: "")
        event.hash = AuditLog.hash(of: event)
        return event
    }

    /// The entity id of `row` of `table`, and how verify names it.
    package static func identify(table: String, row: Row) -> (id: String, noun: String) {
        let id: String = row["id"]
        switch table {
        case "site": return (id, "site \(row["code"] as String)")
        case "conditionAssessment": return (id, "condition assessment \(id)")
        case "assetVersion": return (id, "asset version \(id)")
        case "bagIngestion": return (id, "bag ingestion \(id)")
        case "account": return (id, "account \(row["name"] as String)")
        default: return (id, "\(table) \(id)")
        }
    }

    /// What is wrong with `row` of `table` given the newest audit event about it
    /// (`audited`: its sequence and new value): nothing, or the sentences verify writes.
    package static func problems(
        table: String, row: Row, children: SiteChildren = SiteChildren(), audited: (Int64, String?)?
    ) throws -> [String] {
        var report = VerificationReport()
        let noun = identify(table: table, row: row).noun
        let id: String = row["id"]
        func check<T: Codable & Equatable>(_ value: T) throws {
            try HeritageArchive.compare(value, id: id, noun: noun, audited, &report)
        }
        switch table {
        case "site":
            let site = try Site(row: row, children: children)
            try check(site)
        case "survey": try check(try Survey(row: row))
        case "conditionAssessment": try check(try ConditionAssessment(row: row))
        case "asset": try check(try Asset(row: row))
        case "assetVersion": try check(try AssetVersion(row: row))
        case "finding": try check(try Finding(row: row))
        case "bagIngestion": try check(try BagIngestion(row: row))
        case "account": try check(try Account(row: row))
        case "proposal": try check(try Proposal(row: row))
        default: throw HeritageStoreError(.invalidInput, "the audit log records no rows of table \(table)")
        }
        return report.stateMismatches
    }
}

extension Site {
    /// A site from its row and its child rows as another backend returns them.
    package init(row: Row, children: RecordAudit.SiteChildren) throws {
        try self.init(
            row: row,
            names: children.names.map {
                SiteName(language: $0["language"], name: $0["name"], isPrimary: ($0["isPrimary"] as Int64) != 0)
            },
            designations: try children.designations.map {
                try Designation(type: .stored($0["type"]), reference: $0["reference"], date: $0["date"])
            },
            externalIDs: try children.externalIDs.map {
                try ExternalID(scheme: .stored($0["scheme"]), value: $0["value"])
            })
    }
}
