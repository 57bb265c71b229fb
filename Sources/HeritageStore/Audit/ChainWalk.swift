import Foundation

/// The audit chain checked event by event, in order, from a position checked before: each
/// event must carry the next number, point at the hash of the one before and hash to its own
/// hash. Both backends walk their logs with it, so they catch the same tampering in the same
/// words.
package struct ChainWalk {
    package let start: ChainPosition
    /// The last event that followed.
    package private(set) var reached: ChainPosition

    package init(from start: ChainPosition) {
        self.start = start
        reached = start
    }

    /// Events checked so far.
    package var count: Int { Int(reached.sequence - start.sequence) }

    /// Checks the next event: nil when it follows, else where and why the chain breaks.
    package mutating func check(_ event: AuditEvent) -> ChainBreak? {
        let expected = reached.sequence + 1
        if event.sequence != expected {
            return ChainBreak(
                sequence: expected, reason: "event \(expected) is missing (the log jumps to \(event.sequence))")
        }
        if event.previousHash != reached.hash {
            return ChainBreak(
                sequence: event.sequence,
                reason: "event \(event.sequence) does not point at the hash of event \(event.sequence - 1)")
        }
        if AuditLog.hash(of: event) != event.hash {
            return ChainBreak(
                sequence: event.sequence,
                reason:
                    "event \(event.sequence) (\(event.action) \(event.entityID)) was altered: its hash does not match its content"
            )
        }
        reached = ChainPosition(sequence: event.sequence, hash: event.hash)
        return nil
    }

    /// After the last event: a break when numbers up to `used` (the last ever given out) were
    /// removed from the end, or when `startEvent` (the event at ``start``, read again) is no
    /// longer the one checked before.
    package func finish(lastUsed used: Int64, startEvent: AuditEvent?) -> ChainBreak? {
        let expected = reached.sequence + 1
        if used >= expected {
            return ChainBreak(
                sequence: expected, reason: "events \(expected) to \(used) were removed from the end of the log")
        }
        if start.sequence > 0, startEvent?.hash != start.hash || startEvent.map(AuditLog.hash(of:)) != start.hash {
            return ChainBreak(sequence: start.sequence, reason: "event \(start.sequence) changed after it was checked")
        }
        return nil
    }
}
