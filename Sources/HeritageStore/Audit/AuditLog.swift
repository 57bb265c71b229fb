import Crypto
import Foundation
import GRDB

/// Appends events to the hash chain and checks it.
///
/// An event's hash is the SHA-256 of its canonical bytes: each field in the order
/// `sequence, time, actor, action, entityType, entityID, oldValue, newValue, previousHash`,
/// written as its UTF-8 byte count in decimal, a colon, the bytes and a newline; an absent
/// value is written as `-` and a newline. Length prefixes make the encoding unambiguous, so
/// anyone can recompute a hash without this code.
enum AuditLog {
    static let genesisHash = String(repeating: "0", count: 64)

    static func canonicalBytes(
        sequence: Int64, time: String, actor: String, action: String, entityType: String, entityID: String,
        oldValue: String?, newValue: String?, previousHash: String
    ) -> [UInt8] {
        let fields: [String?] = [
            String(sequence), time, actor, action, entityType, entityID, oldValue, newValue, previousHash,
        ]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(64) { $0 + ($1?.utf8.count ?? 0) + 12 })
        for field in fields {
            if let field {
                bytes.append(contentsOf: String(field.utf8.count).utf8)
                bytes.append(UInt8(ascii: ":"))
                bytes.append(contentsOf: field.utf8)
            } else {
                bytes.append(UInt8(ascii: "-"))
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    static func hash(of event: AuditEvent) -> String {
        let bytes = canonicalBytes(
            sequence: event.sequence, time: event.time, actor: event.actor, action: event.action,
            entityType: event.entityType, entityID: event.entityID, oldValue: event.oldValue,
            newValue: event.newValue, previousHash: event.previousHash)
        return SHA256.hash(data: bytes).hexString
    }

    /// Appends one event inside the caller's write transaction and returns it.
    @discardableResult
    static func append(
        _ db: Database, actor: String, action: String, entityType: String, entityID: String, entitySeq: Int64?,
        oldValue: String?, newValue: String?, time: String = Timestamp.now()
    ) throws -> AuditEvent {
        var chain = try Chain.head(db)
        let event = chain.seal(
            actor: actor, action: action, entityType: entityType, entityID: entityID, oldValue: oldValue,
            newValue: newValue, time: time)
        try insert(event, entitySeq: entitySeq, with: insertStatement(db))
        return event
    }

    /// The end of the chain: the last sequence number used and the hash the next event points at.
    /// Sealing events needs no database, so a bulk import seals them on another core.
    struct Chain: Sendable {
        private(set) var sequence: Int64
        private(set) var previousHash: String

        /// The chain just after `event`.
        init(after event: AuditEvent) {
            sequence = event.sequence
            previousHash = event.hash
        }

        private init(sequence: Int64, previousHash: String) {
            self.sequence = sequence
            self.previousHash = previousHash
        }

        /// The head of the chain, read inside the write transaction that will extend it.
        static func head(_ db: Database) throws -> Chain {
            let last = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT sequence, hash FROM auditEvent ORDER BY sequence DESC LIMIT 1"))
            let used =
                try db.fetchCached(Int64.self, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'auditEvent'") ?? 0
            return Chain(
                sequence: max((last?["sequence"] as Int64?) ?? 0, used), previousHash: last?["hash"] ?? genesisHash)
        }

        /// The next event, numbered and hashed; the chain moves on to it.
        mutating func seal(
            actor: String, action: String, entityType: String, entityID: String, oldValue: String?,
            newValue: String?, time: String
        ) -> AuditEvent {
            var event = AuditEvent(
                sequence: sequence + 1, time: time, actor: actor, action: action, entityType: entityType,
                entityID: entityID, oldValue: oldValue, newValue: newValue, previousHash: previousHash, hash: "")
            event.hash = hash(of: event)
            sequence = event.sequence
            previousHash = event.hash
            return event
        }
    }

    /// The statement that writes events, for callers that write many.
    static func insertStatement(_ db: Database) throws -> Statement {
        try db.cachedStatement(
            sql: """
                INSERT INTO auditEvent (sequence, time, actor, action, entityType, entityId, entitySeq, oldValue,
                    newValue, previousHash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
    }

    /// Writes a sealed event (`entitySeq`: the entity's rowid, if it has one). Events must be
    /// inserted in sequence order.
    static func insert(_ event: AuditEvent, entitySeq: Int64?, with statement: Statement) throws {
        try statement.execute(
            arguments: [
                event.sequence, event.time, event.actor, event.action, event.entityType, event.entityID, entitySeq,
                event.oldValue, event.newValue, event.previousHash, event.hash,
            ])
    }

    /// The same, bound through SQLite's C API, for a bulk import's events.
    static func bulkInsertStatement(_ db: Database) throws -> BulkStatement {
        try BulkStatement(
            db,
            sql: """
                INSERT INTO auditEvent (sequence, time, actor, action, entityType, entityId, entitySeq, oldValue,
                    newValue, previousHash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
    }

    static func insert(_ event: AuditEvent, entitySeq: Int64?, with statement: BulkStatement) throws {
        statement.bind(event.sequence)
        statement.bind(event.time)
        statement.bind(event.actor)
        statement.bind(event.action)
        statement.bind(event.entityType)
        statement.bind(event.entityID)
        statement.bind(entitySeq)
        statement.bind(event.oldValue)
        statement.bind(event.newValue)
        statement.bind(event.previousHash)
        statement.bind(event.hash)
        try statement.run()
    }

    static func event(from row: Row) -> AuditEvent {
        AuditEvent(
            sequence: row["sequence"], time: row["time"], actor: row["actor"], action: row["action"],
            entityType: row["entityType"], entityID: row["entityId"], oldValue: row["oldValue"],
            newValue: row["newValue"], previousHash: row["previousHash"], hash: row["hash"])
    }

    /// Walks the whole chain and returns the first problem, if any.
    static func firstBreak(_ db: Database) throws -> ChainBreak? {
        try walk(db, from: .genesis).0
    }

    /// Walks the chain from just after `start` (an event already checked) to its end: the
    /// first problem, if any, and the last event checked.
    static func walk(_ db: Database, from start: ChainPosition) throws -> (ChainBreak?, ChainPosition) {
        var walk = ChainWalk(from: start)
        // Columns by position: looking each up by name, for every event, cost a fifth of the walk.
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT sequence, time, actor, action, entityType, entityId, oldValue, newValue, previousHash, hash
                FROM auditEvent WHERE sequence > ? ORDER BY sequence
                """, arguments: [start.sequence])
        while let row = try cursor.next() {
            let event = AuditEvent(
                sequence: row[0], time: row[1], actor: row[2], action: row[3], entityType: row[4], entityID: row[5],
                oldValue: row[6], newValue: row[7], previousHash: row[8], hash: row[9])
            if let broken = walk.check(event) { return (broken, walk.reached) }
        }
        let used = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'auditEvent'") ?? 0
        // The event checked last must still be there as it was (not cut, re-written or edited).
        let startEvent =
            start.sequence > 0
            ? try Row.fetchOne(db, sql: "SELECT * FROM auditEvent WHERE sequence = ?", arguments: [start.sequence])
                .map(event(from:)) : nil
        return (walk.finish(lastUsed: used, startEvent: startEvent), walk.reached)
    }
}

/// An event of the audit chain, by its sequence and hash: where a check of the chain got to.
public struct ChainPosition: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var hash: String
    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }
    /// Before the first event.
    public static let genesis = ChainPosition(sequence: 0, hash: AuditLog.genesisHash)
}

/// Where and why the audit chain is broken.
public struct ChainBreak: Sendable, Equatable, Codable, CustomStringConvertible {
    public var sequence: Int64
    public var reason: String
    public var description: String { reason }

    package init(sequence: Int64, reason: String) {
        self.sequence = sequence
        self.reason = reason
    }
}

/// UTC timestamps in ISO 8601 with milliseconds, the only time format the archive writes.
public enum Timestamp {
    public static func now() -> String { string(from: Date()) }

    /// Today's date in UTC, YYYY-MM-DD.
    public static func todayUTC() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    public static func string(from date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(secondsFromGMT: 0) ?? .gmt))
    }

    /// The moment a timestamp the archive wrote names, or nil for other text.
    public static func date(from text: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(secondsFromGMT: 0) ?? .gmt)
            .parse(text)
    }
}

extension Sequence where Element == UInt8 {
    /// The bytes as lowercase hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension SHA256.Digest {
    /// The digest as lowercase hexadecimal, as the archive writes hashes.
    public var hexString: String { Array(self).hexString }
}
