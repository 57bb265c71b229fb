import Foundation
import GRDB
import HeritageStore
import NIOCore
import PostgresNIO

/// What ``PostgresRegistry/copy(from:)`` copied.
public struct RegistryCopy: Sendable, Codable {
    /// Rows per table, in the order they were copied.
    public var rows: [String: Int] = [:]
    /// The audit chain's last event: the same in the archive and, after the copy, in PostgreSQL.
    public var headSequence: Int64 = 0
    public var headHash: String = ""
    public var seconds: Double = 0
}

extension PostgresRegistry {
    /// Copies every record of an archive (sites and their names, designations and external ids,
    /// surveys, condition history, assets, versions, blob records, findings, received bags,
    /// accounts with their tokens and sessions, proposals, jobs, and the whole audit log) into
    /// this database, whose registry must be empty, in one transaction. The archive is read in
    /// one read transaction, so the copy is of one moment of it. The events are copied as they
    /// are: the chain's head is the same after (checked before the commit). Blobs stay in the
    /// archive's object folder.
    public func copy(from archive: HeritageArchive) async throws -> RegistryCopy {
        let started = Date()
        let feed = CopyFeed()
        let reader = Thread {
            do {
                try archive.read { db in try Self.produce(db, into: feed) }
                feed.finish(nil)
            } catch {
                feed.finish(error)
            }
        }
        reader.stackSize = 1 << 22
        reader.start()
        var summary = RegistryCopy()
        do {
            // The schema, the check and the rows in one transaction: a failed copy leaves the
            // database as it was.
            try await transaction {
                try await self.applyMigrations()
                try await self.lockAudit()
                let existing =
                    try await integer(
                        "SELECT (SELECT count(*) FROM site) + (SELECT count(*) FROM auditEvent) AS value") ?? 0
                guard existing == 0 else {
                    throw HeritageStoreError(
                        .conflict,
                        "\(location) already holds a registry (\(existing) sites and audit events): a copy goes into an empty one"
                    )
                }
                while let item = try await feed.next() {
                    switch item {
                    case .table(let table, let columns):
                        var count = 0
                        do {
                            // PostgresNIO quotes the names: give them as PostgreSQL folded them.
                            try await connection.copyFrom(
                                table: table.lowercased(), columns: columns.map { $0.lowercased() }, logger: logger
                            ) { writer in
                                while let part = try await feed.next() {
                                    guard case .rows(let text, let rows) = part else { break }
                                    count += rows
                                    try await writer.write(ByteBuffer(bytes: text))
                                }
                            }
                        } catch {
                            throw Self.described(error, doing: "copying table \(table) (after \(count) rows)")
                        }
                        summary.rows[table] = count
                    case .head(let sequence, let hash):
                        (summary.headSequence, summary.headHash) = (sequence, hash)
                    case .rows, .end:
                        throw HeritageStoreError(.integrity, "the archive's rows arrived out of order")
                    }
                }
                try await run("UPDATE auditEventUsed SET sequence = $1", [summary.headSequence])
                let head = try await rows("SELECT sequence, hash FROM auditEvent ORDER BY sequence DESC LIMIT 1").first
                guard (head?["sequence"] as Int64?) ?? 0 == summary.headSequence,
                    (head?["hash"] as String?) ?? "" == summary.headHash
                else {
                    throw HeritageStoreError(
                        .integrity, "the copied audit log ends at another event than the archive's; nothing was copied")
                }
                // Sites in the order of their shown position's index, so a radius search reads
                // neighbouring rows from a few pages rather than one page each.
                try await simple("CLUSTER site USING site_shown")
                try await simple("ANALYZE")
            }
        } catch {
            feed.cancel()
            throw error
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Reads every copied table in COPY's text format, a part of about a megabyte at a time.
    private static func produce(_ db: Database, into feed: CopyFeed) throws {
        let head = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM auditEvent ORDER BY sequence DESC LIMIT 1")
        for (table, columns) in PostgresSchema.columns {
            let present = Set(
                try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map {
                    $0["name"] as String
                })
            guard present == Set(columns) else {
                throw HeritageStoreError(
                    .invalidInput,
                    "the archive's table \(table) has columns \(present.sorted()), not those this version copies: upgrade heritage or open the archive once to migrate it"
                )
            }
            try feed.send(.table(table, columns))
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(copyOrder(table, columns))"
            )
            var part = CopyPart()
            while let row = try cursor.next() {
                part.append(Array(row.databaseValues))
                if part.isFull { try feed.send(part.take()) }
            }
            try feed.send(part.take())
            try feed.send(.end)
            if table == "siteExternalId" { try produceSearch(db, into: feed) }
        }
        try feed.send(.head(head?["sequence"] ?? 0, head?["hash"] ?? ""))
    }

    /// The order rows are copied in: their key's.
    private static func copyOrder(_ table: String, _ columns: [String]) -> String {
        switch table {
        case "auditEvent": return "sequence"
        case "siteName", "siteDesignation", "siteExternalId": return "siteSeq, position"
        case "assetRelatedBlob": return "versionId, sha256"
        default: return columns[0]
        }
    }

    /// The full-text documents of every site, as ``SearchText`` writes them.
    private static func produceSearch(_ db: Database, into feed: CopyFeed) throws {
        try feed.send(.table("siteSearch", ["seq", "document", "names"]))
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT s.seq, s.code, s.community, s.description,
                    (SELECT group_concat(name, ' \u{2022} ') FROM
                        (SELECT n.name FROM siteName n WHERE n.siteSeq = s.seq ORDER BY n.position)) AS names
                FROM site s ORDER BY s.seq
                """)
        var part = CopyPart()
        while let row = try cursor.next() {
            let names: String = row["names"] ?? ""
            let document = SearchText.document(
                code: row["code"], names: names, community: row["community"], description: row["description"])
            part.append([(row["seq"] as Int64).databaseValue, document.databaseValue, names.databaseValue])
            if part.isFull { try feed.send(part.take()) }
        }
        try feed.send(part.take())
        try feed.send(.end)
    }
}

/// Rows in COPY's text format: tab between columns, `\N` for NULL, backslash escapes.
struct CopyPart {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    var isFull: Bool { bytes.count >= 1 << 20 }

    mutating func append(_ values: [DatabaseValue]) {
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(0x09) }
            switch value.storage {
            case .null: bytes += Array("\\N".utf8)
            case .int64(let number): bytes += Array(String(number).utf8)
            case .double(let number): bytes += Array("\(number)".utf8)
            case .string(let text): escape(text.utf8)
            case .blob(let data): escape(data)
            }
        }
        bytes.append(0x0A)
        count += 1
    }

    private mutating func escape<S: Sequence>(_ text: S) where S.Element == UInt8 {
        for byte in text {
            switch byte {
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            default: bytes.append(byte)
            }
        }
    }

    mutating func take() -> CopyFeed.Item {
        defer { (bytes, count) = ([], 0) }
        return .rows(bytes, count)
    }
}

/// The reader thread's parts, handed to the copying task a few at a time: the reader waits
/// while four are queued, so memory stays at a few megabytes whatever the archive's size.
final class CopyFeed: @unchecked Sendable {
    enum Item: Sendable {
        case table(String, [String])
        case rows([UInt8], Int)
        case end
        case head(Int64, String)
    }

    private let lock = NSCondition()
    private var queue: [Item] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waiting: CheckedContinuation<Void, Never>?

    /// Called by the reader; blocks while the queue is full. Throws once the copy was cancelled.
    func send(_ item: Item) throws {
        if case .rows(_, 0) = item { return }
        lock.lock()
        while queue.count >= 4 && !cancelled { lock.wait() }
        if cancelled {
            lock.unlock()
            throw CancellationError()
        }
        queue.append(item)
        let resume = waiting
        waiting = nil
        lock.unlock()
        resume?.resume()
    }

    func finish(_ error: (any Error)?) {
        lock.lock()
        finished = true
        failure = error
        let resume = waiting
        waiting = nil
        lock.unlock()
        resume?.resume()
    }

    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        lock.unlock()
    }

    /// The next item, nil at the end; throws the reader's error.
    func next() async throws -> Item? {
        while true {
            switch take() {
            case .some(.some(let item)): return item
            case .some(.none):
                if let failure = failed() { throw failure }
                return nil
            case .none:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    wait(continuation)
                }
            }
        }
    }

    /// An item (`.some(item)`), the end (`.some(nil)`), or nothing yet (`nil`).
    private func take() -> Item?? {
        lock.lock()
        defer { lock.unlock() }
        if !queue.isEmpty {
            lock.broadcast()
            return .some(queue.removeFirst())
        }
        return finished ? .some(nil) : nil
    }

    private func failed() -> (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    /// Resumes `continuation` once an item or the end arrives (at once if one has).
    private func wait(_ continuation: CheckedContinuation<Void, Never>) {
        lock.lock()
        if queue.isEmpty && !finished {
            waiting = continuation
            lock.unlock()
        } else {
            lock.unlock()
            continuation.resume()
        }
    }
}
