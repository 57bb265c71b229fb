import Foundation
import GRDB

/// An audit event as it may be shown, and whether its values were withheld to show it.
public struct ReleasedAuditEvent: Codable, Sendable, Equatable {
    public var event: AuditEvent
    /// Its old and new values are left out: they hold a restricted site's position. The hash
    /// and links are kept, so the chain can still be followed.
    public var valuesWithheld: Bool
}

/// What a page of the audit log is filtered by.
public struct AuditFilter: Sendable {
    /// Events about this entity (its id), of this type when given.
    public var entityID: String?
    public var entityType: String?
    public var actor: String?
    /// An action (`site.update`) or a family of them (`site.`).
    public var action: String?
    /// Only events before this sequence: the next page of a newest-first listing.
    public var before: Int64?
    public var limit = 50

    /// The tables whose rows events are filed under (by type and seq), in the order an entity
    /// id is looked for in them.
    package static let entityTables = [
        "site", "survey", "conditionAssessment", "finding", "bagIngestion", "asset", "proposal", "job",
        "assetVersion", "account",
    ]

    public init(
        entityID: String? = nil, entityType: String? = nil, actor: String? = nil, action: String? = nil,
        before: Int64? = nil, limit: Int = 50
    ) {
        self.entityID = entityID
        self.entityType = entityType
        self.actor = actor
        self.action = action
        self.before = before
        self.limit = limit
    }
}

extension HeritageArchive {
    /// Tables whose rows belong to one site (their `siteId`), for finding whose an event is.
    static let siteOwnedTables = [
        "survey", "conditionAssessment", "finding", "bagIngestion", "asset", "proposal", "job",
    ]

    /// A page of the audit log, newest first.
    public func auditEvents(_ filter: AuditFilter) throws -> [AuditEvent] {
        try read { db in
            var selection = SQLFilter()
            if let id = filter.entityID {
                // Through the entity index when the row is found: the type and the row's seq.
                var located: [(any DatabaseValueConvertible)?] = []
                for type in filter.entityType.map({ [$0] }) ?? AuditFilter.entityTables
                where AuditFilter.entityTables.contains(type) {
                    if let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM \(type) WHERE id = ?", arguments: [id]) {
                        located += [type, seq]
                    }
                }
                let rows = Array(repeating: "(entityType = ? AND entitySeq = ?)", count: located.count / 2)
                selection.add(
                    located.isEmpty ? "entityId = ?" : "(" + rows.joined(separator: " OR ") + ") AND entityId = ?",
                    located + [id])
                if located.isEmpty { selection.add("entityType = ?", filter.entityType) }
            } else {
                selection.add("entityType = ?", filter.entityType)
            }
            selection.add("actor = ? COLLATE NOCASE", filter.actor)
            if let action = filter.action, action.hasSuffix(".") {
                selection.add("action >= ? AND action < ?", action, action + "\u{10FFFF}")
            } else {
                selection.add("action = ?", filter.action)
            }
            selection.add("sequence < ?", filter.before)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM auditEvent \(selection.clause) ORDER BY sequence DESC LIMIT ?",
                arguments: selection.arguments(then: [max(1, min(filter.limit, 1000))])
            ).map(AuditLog.event(from:))
        }
    }

    /// Events as they may be shown to someone with or without clearance: the values of an
    /// event about a restricted site (its record, surveys, assets, findings, proposals…), or
    /// whose values describe a restricted site, are withheld unless they hold no position.
    public func released(_ events: [AuditEvent], includeRestricted: Bool) throws -> [ReleasedAuditEvent] {
        guard !includeRestricted else { return events.map { ReleasedAuditEvent(event: $0, valuesWithheld: false) } }
        let restrictedMark = #""sensitivity":"restricted""#
        var releases: [String: SiteRelease] = [:]
        return try events.map { event in
            if [event.oldValue, event.newValue].contains(where: { $0?.contains(restrictedMark) == true }) {
                var copy = event
                (copy.oldValue, copy.newValue) = (nil, nil)
                return ReleasedAuditEvent(event: copy, valuesWithheld: true)
            }
            guard let siteID = try site(ofAuditedEntity: event), let site = try self.site(siteID),
                site.sensitivity == .restricted
            else { return ReleasedAuditEvent(event: event, valuesWithheld: false) }
            if releases[siteID] == nil { releases[siteID] = try release(ofSite: siteID, includeRestricted: false) }
            let (shown, withheld) = releases[siteID].map { $0.released(event) } ?? (event, false)
            return ReleasedAuditEvent(event: shown, valuesWithheld: withheld)
        }
    }

    /// The site an event is about, through its entity's row.
    private func site(ofAuditedEntity event: AuditEvent) throws -> String? {
        switch event.entityType {
        case "site": return event.entityID
        case "assetVersion":
            return try read { db in
                try String.fetchOne(
                    db, sql: "SELECT a.siteId FROM assetVersion v JOIN asset a ON a.id = v.assetId WHERE v.id = ?",
                    arguments: [event.entityID])
            }
        case let type where Self.siteOwnedTables.contains(type):
            return try read { db in
                try String.fetchOne(db, sql: "SELECT siteId FROM \(type) WHERE id = ?", arguments: [event.entityID])
            }
        default: return nil
        }
    }

    /// Checks the audit chain from just after `start` (an event checked before) to its end.
    public func checkAuditChain(from start: ChainPosition = .genesis) throws -> (ChainBreak?, ChainPosition) {
        try streamingRead { db in try AuditLog.walk(db, from: start) }
    }
}
