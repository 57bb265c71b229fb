import Foundation
import HeritageStore
import Hummingbird

/// `GET /api/audit` (reviewer): the audit log, newest first, a page at a time, filtered by
/// entity, actor or action, with the chain's state. Without clearance, values that hold a
/// restricted site's position are withheld (the hashes and links stay).
struct AuditRoutes {
    let store: HeritageArchive
    let pool: BlockingPool
    let chain: AuditChainMonitor

    struct AuditPage: ResponseEncodable {
        var events: [ReleasedAuditEvent]
        var count: Int
        /// Pass as `before` for the next (older) page; absent on the last.
        var nextBefore: Int64?
        var chain: AuditChainMonitor.Status
    }

    func add(to router: Router<HeritageRequestContext>) {
        router.get("/api/audit") { request, context -> AuditPage in
            _ = try context.require(.reviewer)
            return try await page(request.uri.queryParameters, includeRestricted: context.mayReadRestricted)
        }
    }

    /// A page of events as `query` asks (`limit`, `before`, `entity`, `entityType`, `actor`,
    /// `action`), with the chain's state; for the API and for the audit page.
    func page(_ query: Parameters, includeRestricted: Bool) async throws -> AuditPage {
        let limit = try query.number("limit", default: 50, in: 1...500)
        let before = try query.get("before").map { text -> Int64 in
            guard let value = Int64(text), value > 0 else {
                throw APIError(.badRequest, "before is an event's sequence number")
            }
            return value
        }
        func given(_ name: String) -> String? { query.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        let filter = AuditFilter(
            entityID: given("entity"), entityType: given("entityType"), actor: given("actor"),
            action: given("action"), before: before, limit: limit)
        let events = try await pool.run {
            try store.released(try store.auditEvents(filter), includeRestricted: includeRestricted)
        }
        let status = try await pool.run { try chain.status() }
        return AuditPage(
            events: events, count: events.count,
            nextBefore: events.count == limit ? events.last?.event.sequence : nil, chain: status)
    }
}

/// The audit chain's state, checked from where the last check ended: the whole chain once, then
/// only the events appended since (and the last one checked, still as it was). `GET
/// /api/verify` checks everything again.
final class AuditChainMonitor: @unchecked Sendable {
    struct Status: Codable, Sendable {
        var intact: Bool
        /// The newest event checked.
        var checkedThrough: Int64
        var headHash: String
        var problem: String?
        var checkedAt: String
    }

    private let store: HeritageArchive
    private let lock = NSLock()
    private var position = ChainPosition.genesis
    private var broken: ChainBreak?

    init(store: HeritageArchive) { self.store = store }

    func status() throws -> Status {
        try lock.withLock {
            if broken == nil {
                let (problem, reached) = try store.checkAuditChain(from: position)
                (broken, position) = (problem, reached)
            }
            return Status(
                intact: broken == nil, checkedThrough: position.sequence, headHash: position.hash,
                problem: broken?.reason, checkedAt: Timestamp.now())
        }
    }
}
