import Foundation

/// The audit log of either backend, read: the same events, the same chain, the same checks.
public protocol AuditStore: Sendable {
    /// A page of the audit log, newest first.
    func auditEvents(_ filter: AuditFilter) throws -> [AuditEvent]
    /// The newest audit event: its sequence and hash pin the whole chain up to it.
    func auditHead() throws -> AuditEvent?
    /// Checks the audit chain from just after `start` (an event checked before) to its end:
    /// the first break, if any, and the last event that followed.
    func checkAuditChain(from start: ChainPosition) throws -> (ChainBreak?, ChainPosition)
}

extension HeritageArchive: AuditStore {}
