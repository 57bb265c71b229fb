import Foundation
import HeritageStore

/// A PostgreSQL registry for synchronous callers (the commands; the server's blocking pool),
/// behind the same store protocols as the archive. Each call waits for the registry's async
/// work, so it must not be made from an event loop or the cooperative pool.
public final class PostgresStore: Sendable {
    public let registry: PostgresRegistry

    public init(_ registry: PostgresRegistry) { self.registry = registry }

    /// Connects to `location`, runs `body` on the store and closes it, whether `body` throws or not.
    public static func with<T>(_ location: PostgresLocation, _ body: (PostgresStore) throws -> T) throws -> T {
        let registry = try blockingWait { try await PostgresRegistry.connect(location) }
        defer { try? blockingWait { await registry.close() } }
        return try body(PostgresStore(registry))
    }
}

extension PostgresStore: AccountStore {
    public func addAccount(_ draft: Account, passwordHash: String, actor: String, time: String) throws -> Account {
        try blockingWait {
            try await self.registry.addAccount(draft, passwordHash: passwordHash, actor: actor, time: time)
        }
    }

    public func accounts() throws -> [Account] {
        try blockingWait { try await self.registry.accounts() }
    }

    public func account(named name: String) throws -> Account? {
        try blockingWait { try await self.registry.account(named: name) }
    }

    public func credentials(of name: String) throws -> (Account, passwordHash: String)? {
        try blockingWait { try await self.registry.credentials(of: name).map(Credentials.init) }.map {
            ($0.account, $0.passwordHash)
        }
    }

    public func updateAccount(
        named name: String, role: AccountRole?, restrictedAccess: Bool?, disabled: Bool?, passwordHash: String?,
        actor: String, time: String
    ) throws -> Account {
        try blockingWait {
            try await self.registry.updateAccount(
                named: name, role: role, restrictedAccess: restrictedAccess, disabled: disabled,
                passwordHash: passwordHash, actor: actor, time: time)
        }
    }

    public func issueToken(for name: String, label: String, actor: String, time: String) throws -> String {
        try blockingWait { try await self.registry.issueToken(for: name, label: label, actor: actor, time: time) }
    }

    public func account(forToken token: String) throws -> Account? {
        try blockingWait { try await self.registry.account(forToken: token) }
    }

    public func openSession(for account: Account, lifetime: TimeInterval) throws -> String {
        try blockingWait { try await self.registry.openSession(for: account, lifetime: lifetime) }
    }

    public func account(forSession secret: String) throws -> Account? {
        try blockingWait { try await self.registry.account(forSession: secret) }
    }

    public func closeSession(_ secret: String) throws {
        try blockingWait { try await self.registry.closeSession(secret) }
    }

    /// A tuple is not Sendable; this is.
    private struct Credentials: Sendable {
        let account: Account
        let passwordHash: String
        init(_ pair: (Account, passwordHash: String)) { (account, passwordHash) = pair }
    }
}

/// Runs async work from synchronous code and waits for it. The work runs on threads of
/// Dispatch's pool (``WaitingExecutor``), not on Swift's cooperative pool, so a caller that
/// blocks a cooperative thread (an async test, a command) cannot starve the work it waits for.
public func blockingWait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task.detached(executorPreference: WaitingExecutor.shared) {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    guard let result = box.result else { throw CancellationError() }
    return try result.get()
}

/// Runs each job of the tasks ``blockingWait(_:)`` starts on a thread of Dispatch's global pool.
final class WaitingExecutor: TaskExecutor {
    static let shared = WaitingExecutor()

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        DispatchQueue.global().async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Written by the task before it signals, read after the wait: never at the same time.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

extension PostgresStore: SiteStore {
    public func addSite(_ draft: Site, actor: String, time: String) throws -> Site {
        try blockingWait { try await self.registry.addSite(draft, actor: actor, time: time) }
    }

    public func site(_ reference: String) throws -> Site? {
        try blockingWait { try await self.registry.site(reference) }
    }

    public func editSite(_ reference: String, actor: String, time: String, change: (inout Site) throws -> Void) throws
        -> (site: Site, changed: Bool)
    {
        // The change runs inside the registry's transaction while this thread waits for it, so
        // never at the same time as anything else here; the box lets go of it before the
        // closure's lifetime ends (which withoutActuallyEscaping checks).
        try withoutActuallyEscaping(change) { change in
            let box = UncheckedBox(change)
            defer { box.value = nil }
            return try blockingWait {
                guard let change = box.value else { throw CancellationError() }
                let edit = try await self.registry.editSite(reference, actor: actor, time: time, change: change)
                return EditResult(site: edit.site, changed: edit.changed)
            }
        }.pair
    }

    private struct EditResult: Sendable {
        let site: Site
        let changed: Bool
        var pair: (site: Site, changed: Bool) { (site, changed) }
    }
}

extension PostgresStore: ConditionStore {
    public func addSurvey(_ draft: Survey, actor: String, time: String) throws -> Survey {
        try blockingWait { try await self.registry.addSurvey(draft, actor: actor, time: time) }
    }

    public func surveys(ofSite reference: String) throws -> [Survey] {
        try blockingWait { try await self.registry.surveys(ofSite: reference) }
    }

    public func addAssessment(_ draft: ConditionAssessment, actor: String, time: String) throws
        -> ConditionAssessment
    {
        try blockingWait { try await self.registry.addAssessment(draft, actor: actor, time: time) }
    }

    public func conditionHistory(ofSite reference: String) throws -> [TimelineEntry] {
        try blockingWait { try await self.registry.conditionHistory(ofSite: reference) }
    }

    public func finding(_ reference: String) throws -> Finding {
        try blockingWait { try await self.registry.finding(reference) }
    }

    public func survey(_ reference: String) throws -> Survey {
        try blockingWait { try await self.registry.survey(reference) }
    }

    public func findings(ofSite reference: String, limit: Int, offset: Int) throws -> (
        total: Int, findings: [Finding]
    ) {
        let page = try blockingWait {
            let (total, findings) = try await self.registry.findings(ofSite: reference, limit: limit, offset: offset)
            return FindingPage(total: total, findings: findings)
        }
        return (page.total, page.findings)
    }

    private struct FindingPage: Sendable {
        let total: Int
        let findings: [Finding]
    }
}

extension PostgresStore: JobStore {
    public func addJob(
        id: String, site reference: String, request: String, rerunOf: String?, actor: String, time: String
    ) throws -> Job {
        try blockingWait {
            try await self.registry.addJob(
                id: id, site: reference, request: request, rerunOf: rerunOf, actor: actor, time: time)
        }
    }

    public func job(_ reference: String) throws -> Job {
        try blockingWait { try await self.registry.job(reference) }
    }

    public func jobs(status: Job.Status?, site: String?, limit: Int, offset: Int) throws -> [Job] {
        try blockingWait { try await self.registry.jobs(status: status, site: site, limit: limit, offset: offset) }
    }

    public func jobCount(status: Job.Status) throws -> Int {
        try blockingWait { try await self.registry.jobCount(status: status) }
    }

    public func startJob(_ id: String) throws -> Job? {
        try blockingWait { try await self.registry.startJob(id) }
    }

    public func claimNextJob() throws -> Job? {
        try blockingWait { try await self.registry.claimNextJob() }
    }

    public func recordJobStage(_ id: String, stage: String) throws {
        try blockingWait { try await self.registry.recordJobStage(id, stage: stage) }
    }

    public func finishJob(_ id: String, status: Job.Status, error: String?, findingID: String?) throws -> Job {
        try blockingWait { try await self.registry.finishJob(id, status: status, error: error, findingID: findingID) }
    }

    public func cancelJob(_ reference: String, actor: String, time: String) throws -> Job {
        try blockingWait { try await self.registry.cancelJob(reference, actor: actor, time: time) }
    }

    public func recoverJobs(reason: String) throws -> (failed: [Job], queued: [Job]) {
        let recovered = try blockingWait {
            let (failed, queued) = try await self.registry.recoverJobs(reason: reason)
            return [failed, queued]
        }
        return (recovered[0], recovered[1])
    }
}

extension PostgresStore: ProposalStore {
    public func propose(_ draft: Proposal, actor: String, time: String) throws -> Proposal {
        try blockingWait { try await self.registry.propose(draft, actor: actor, time: time) }
    }

    public func decide(proposal reference: String, approve: Bool, reason: String?, actor: String, time: String)
        throws -> Proposal
    {
        try blockingWait {
            try await self.registry.decide(
                proposal: reference, approve: approve, reason: reason, actor: actor, time: time)
        }
    }

    public func proposals(status: Proposal.Status?, site: String?, proposedBy: String?, limit: Int, offset: Int)
        throws -> [Proposal]
    {
        try blockingWait {
            try await self.registry.proposals(
                status: status, site: site, proposedBy: proposedBy, limit: limit, offset: offset)
        }
    }

    public func proposal(_ reference: String) throws -> Proposal {
        try blockingWait { try await self.registry.proposal(reference) }
    }
}

extension PostgresStore: QueryStore {
    public func sites(matching filter: SiteFilter, includeRestricted: Bool) throws -> [SiteSummary] {
        try blockingWait { try await self.registry.sites(matching: filter, includeRestricted: includeRestricted) }
    }

    public func sitesNear(_ center: GeoPoint, radiusKm: Double, filter: SiteFilter, includeRestricted: Bool) throws
        -> [SiteSummary]
    {
        try blockingWait {
            try await self.registry.sitesNear(
                center, radiusKm: radiusKm, filter: filter, includeRestricted: includeRestricted)
        }
    }

    public func nearestSites(to center: GeoPoint, count: Int, filter: SiteFilter, includeRestricted: Bool) throws
        -> [SiteSummary]
    {
        try blockingWait {
            try await self.registry.nearestSites(
                to: center, count: count, filter: filter, includeRestricted: includeRestricted)
        }
    }

    public func sitesInBox(
        south: Double, west: Double, north: Double, east: Double, filter: SiteFilter, includeRestricted: Bool
    ) throws -> [SiteSummary] {
        try blockingWait {
            try await self.registry.sitesInBox(
                south: south, west: west, north: north, east: east, filter: filter,
                includeRestricted: includeRestricted)
        }
    }

    public func searchSites(_ text: String, partial: Bool, filter: SiteFilter, includeRestricted: Bool) throws
        -> [SiteSummary]
    {
        try blockingWait {
            try await self.registry.searchSites(
                text, partial: partial, filter: filter, includeRestricted: includeRestricted)
        }
    }
}

extension PostgresStore: AuditStore {
    public func auditEvents(_ filter: AuditFilter) throws -> [AuditEvent] {
        try blockingWait { try await self.registry.auditEvents(filter) }
    }

    public func auditHead() throws -> AuditEvent? {
        try blockingWait { try await self.registry.auditHead() }
    }

    public func checkAuditChain(from start: ChainPosition) throws -> (ChainBreak?, ChainPosition) {
        let checked = try blockingWait {
            let (broken, reached) = try await self.registry.checkAuditChain(from: start)
            return ChainCheck(broken: broken, reached: reached)
        }
        return (checked.broken, checked.reached)
    }

    private struct ChainCheck: Sendable {
        let broken: ChainBreak?
        let reached: ChainPosition
    }
}

/// A value handed to the registry's task while the calling thread waits for that task.
private final class UncheckedBox<Value>: @unchecked Sendable {
    var value: Value?
    init(_ value: Value) { self.value = value }
}
