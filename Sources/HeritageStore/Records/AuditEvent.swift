/// One entry of the append-only, hash-chained audit log.
public struct AuditEvent: Codable, Hashable, Sendable {
    /// Position in the log, starting at 1, without gaps.
    public var sequence: Int64
    /// UTC time, ISO 8601 with milliseconds.
    public var time: String
    public var actor: String
    /// What happened: `site.create`, `site.update`, `survey.create`, `condition.create`, `archive.init`.
    public var action: String
    /// The table of the entity: `site`, `survey`, `conditionAssessment`, `archive`.
    public var entityType: String
    public var entityID: String
    /// The entity as JSON before and after the change (`nil` for a creation or a deletion).
    public var oldValue: String?
    public var newValue: String?
    /// The previous event's hash (64 zeros for the first event).
    public var previousHash: String
    /// SHA-256 of this event's canonical bytes, which include `previousHash`.
    public var hash: String

    package init(
        sequence: Int64, time: String, actor: String, action: String, entityType: String, entityID: String,
        oldValue: String?, newValue: String?, previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.oldValue = oldValue
        self.newValue = newValue
        self.previousHash = previousHash
        self.hash = hash
    }
}

extension AuditEvent {
    /// The hash `previousHash` holds in the first event.
    public static let genesisHash = AuditLog.genesisHash

    /// The SHA-256 of this event's canonical bytes, computed afresh: it equals `hash` unless a
    /// field was changed after the event was sealed.
    public var recomputedHash: String { AuditLog.hash(of: self) }
}
