import Foundation
import HeritageOperations
import HeritageStore
import Logging
import NIOPosix
import SurveyDiff

/// What a comparison job is asked: two asset versions of the site and the diff options.
public struct ComparisonJobRequest: Codable, Sendable {
    public var before: String
    public var after: String
    public var parameters: ComparisonRequest?
}

/// A job as an answer: the stored job, with its request decoded and how far it has got.
public struct JobView: Codable, Sendable {
    public var job: Job
    public var request: ComparisonJobRequest?
    /// 0-100: by stage (the stages' shares of a typical comparison's time), and within the
    /// stage that measures the distances, by the points measured.
    public var percent: Int
}

/// Runs comparison jobs on threads of their own, `concurrency` at a time (each comparison uses
/// every core), in the order they were queued. The queue is the store's: a free slot claims
/// the oldest queued job (``JobStore/claimNextJob()``), so a job goes to exactly one runner
/// however many share the store. Stages are written to the store as they start, so
/// `GET /api/jobs/{id}` sees them, and sent to whoever follows the job's events. A job is
/// cancelled between stages; one cut off by a stop is marked failed at the next start, with
/// the reason, and can be run again.
public final class JobRunner: @unchecked Sendable {
    let store: HeritageArchive
    let logger: Logger
    /// Where jobs and the server's requests are counted.
    public let metrics: ServerMetrics
    private let threads: NIOThreadPool
    private let lock = NSLock()
    private let concurrency: Int
    /// Slots taken by a claim being made.
    private var claiming = 0
    /// Jobs queued while every slot was taken: a claim that finds none then looks again, since
    /// the job may have been queued after it looked.
    private var missedWakes = 0
    private var running: Set<String> = []
    private var cancelled: Set<String> = []
    /// How far the running jobs' distance stages are (0-1), as they report it.
    private var stageFractions: [String: Double] = [:]
    private var followers: [String: [UUID: AsyncStream<JobView>.Continuation]] = [:]
    private var stopped = false

    public init(
        store: HeritageArchive, concurrency: Int = 1, metrics: ServerMetrics = ServerMetrics(),
        logger: Logger = Logger(label: "heritage.jobs")
    ) {
        self.store = store
        self.metrics = metrics
        self.concurrency = max(1, concurrency)
        self.logger = logger
        threads = NIOThreadPool(numberOfThreads: self.concurrency)
        threads.start()
    }

    /// Marks jobs a stopped server left running as failed, and starts on those still waiting.
    public func recover() throws {
        let (failed, queued) = try store.recoverJobs(
            reason: "the server stopped while this job ran; run it again (POST /api/jobs/{id}/rerun)")
        for job in failed { logger.warning("job \(job.id) was cut off by a stop: marked failed") }
        for _ in queued.prefix(concurrency) { startNext() }
    }

    /// A job was queued: a free slot claims the oldest queued job.
    func jobQueued() {
        startNext()
    }

    /// Asks a running job to stop at its next stage.
    func requestCancel(_ id: String) {
        lock.withLock { _ = cancelled.insert(id) }
    }

    /// Stops taking jobs; running ones are cancelled and left failed, to run again after a restart.
    public func shutdown() async throws {
        let active = lock.withLock {
            stopped = true
            cancelled.formUnion(running)
            return running
        }
        if !active.isEmpty { logger.info("stopping \(active.count) running job(s)") }
        try await threads.shutdownGracefully()
    }

    /// Sets the queue's gauges (reads the store: call it off the event loop).
    func reportQueue() throws {
        let queued = try store.jobCount(status: .queued)
        metrics.jobsWaiting(queued: queued, running: lock.withLock { running.count })
    }

    func percent(of job: Job) -> Int {
        switch job.status {
        case .succeeded: return 100
        case .queued: return 0
        default: return Self.percent(ofStage: job.stage, fraction: lock.withLock { stageFractions[job.id] })
        }
    }

    func view(_ job: Job) -> JobView {
        JobView(
            job: job, request: try? JSONDecoder().decode(ComparisonJobRequest.self, from: Data(job.request.utf8)),
            percent: percent(of: job))
    }

    /// The job's views as it changes, beginning with how it stands; ends when the job does.
    func follow(_ id: String) throws -> AsyncStream<JobView> {
        let (stream, continuation) = AsyncStream<JobView>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let key = UUID()
        lock.withLock { followers[id, default: [:]][key] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.lock.withLock { _ = self?.followers[id]?.removeValue(forKey: key) }
        }
        // Read after subscribing: a change in between is sent twice rather than missed.
        let job = try store.job(id)
        continuation.yield(view(job))
        if job.status.isFinished { continuation.finish() }
        return stream
    }

    /// Ends every stream of events (the server is stopping): its followers see the stream end
    /// and can follow the job again once the server is back.
    func endFollowing() {
        let all = lock.withLock { followers.values.flatMap(\.values) }
        for continuation in all { continuation.finish() }
    }

    /// Sends the job as it now stands to its followers (and, when it has ended, ends their streams).
    func publish(_ job: Job) {
        if job.status.isFinished {
            let started = job.startedAt.flatMap(Timestamp.date(from:))
            let finished = job.finishedAt.flatMap(Timestamp.date(from:))
            let duration = zip2(started, finished).map { Duration.seconds($1.timeIntervalSince($0)) }
            metrics.jobFinished(job.status.rawValue, duration: duration)
        }
        let view = view(job)
        let targets = lock.withLock { Array((followers[job.id] ?? [:]).values) }
        for continuation in targets {
            continuation.yield(view)
            if job.status.isFinished { continuation.finish() }
        }
    }

    /// Takes a free slot, if there is one, and on it claims and runs the oldest queued job,
    /// then the next, until none is queued.
    private func startNext() {
        let reserved: Bool = lock.withLock {
            guard !stopped else { return false }
            guard running.count + claiming < concurrency else {
                missedWakes += 1
                return false
            }
            claiming += 1
            missedWakes = 0  // this claim looks after every job queued so far
            return true
        }
        guard reserved else { return }
        threads.submit { [self] state in
            var job: Job?
            if state == .active {
                do { job = try store.claimNextJob() } catch { logger.error("no job could be claimed: \(error)") }
            }
            let lookAgain: Bool = lock.withLock {
                claiming -= 1
                if let job { running.insert(job.id) }
                defer { if job == nil { missedWakes = 0 } }
                return job == nil && missedWakes > 0
            }
            guard let job else {
                if lookAgain { startNext() }
                return
            }
            run(job)
            lock.withLock {
                running.remove(job.id)
                cancelled.remove(job.id)
                stageFractions[job.id] = nil
            }
            startNext()
        }
    }

    private func isCancelled(_ id: String) -> Bool { lock.withLock { cancelled.contains(id) } }

    /// Runs one claimed job to its end, recording how it ended.
    private func run(_ job: Job) {
        let id = job.id
        do {
            publish(job)
            let request = try JSONDecoder().decode(ComparisonJobRequest.self, from: Data(job.request.utf8))
            var run = ComparisonRun(
                before: request.before, after: request.after,
                recording: .init(store: store, site: job.siteID, actor: job.requestedBy),
                units: request.parameters?.units)
            run.isCancelled = { [weak self] in self?.isCancelled(id) ?? true }
            let progress: @Sendable (String) -> Void = { [weak self] stage in self?.reached(stage, job: id) }
            let parameters = request.parameters ?? ComparisonRequest()
            var options = try parameters.comparisonOptions()
            options.stageProgress = { [weak self] fraction in self?.advanced(fraction, job: id) }
            let outcome =
                try run.inputsArePhotographs()
                ? try {
                    try parameters.checkPhotographOptions()
                    return try run.comparePhotographs(parameters.photographSettings, progress: progress)
                }()
                : try run.compareScans(options: options, progress: progress)
            publish(try store.finishJob(id, status: .succeeded, error: nil, findingID: outcome.finding?.id))
            logger.info("job \(id) succeeded")
        } catch let error as SurveyDiffError where error.code == .cancelled {
            let reason = lock.withLock { stopped } ? "the server stopped while this job ran; run it again" : nil
            finish(id, status: reason == nil ? .cancelled : .failed, error: reason ?? "cancelled while it ran")
        } catch {
            finish(id, status: .failed, error: "\(error)")
        }
    }

    private func finish(_ id: String, status: Job.Status, error: String) {
        do {
            publish(try store.finishJob(id, status: status, error: error, findingID: nil))
            logger.info("job \(id) \(status.rawValue): \(error)")
        } catch {
            logger.error("job \(id) could not be marked \(status.rawValue): \(error)")
        }
    }

    private func reached(_ stage: String, job id: String) {
        lock.withLock { stageFractions[id] = nil }
        do {
            try store.recordJobStage(id, stage: stage)
            publish(try store.job(id))
        } catch {
            logger.warning("job \(id): stage not recorded: \(error)")
        }
    }

    /// The distance stage of a running job has measured `fraction` of its points: its
    /// followers hear of it each time the job's percentage moves.
    private func advanced(_ fraction: Double, job id: String) {
        let moved: Bool = lock.withLock {
            guard running.contains(id) else { return false }
            let old = stageFractions[id] ?? 0
            stageFractions[id] = fraction
            return Int(fraction * 100) != Int(old * 100)
        }
        guard moved, let job = try? store.job(id), job.status == .running else { return }
        publish(job)
    }

    /// How far a comparison is when a stage starts, by the stages' typical shares of its time,
    /// and within the distance stage (M3C2, C2C or C2M) by `fraction`, the share of its points
    /// measured, up to where the next stage starts. The marks rise in the order the stages run,
    /// so the job's stored stage (and that fraction while it runs) is all it takes.
    static func percent(ofStage stage: String?, fraction: Double? = nil) -> Int {
        guard let stage else { return 0 }
        let marks: [(String, Int)] = [
            ("reading inputs", 2), ("orienting normals", 15), ("indexing the before epoch", 25), ("aligning", 35),
            ("indexing the after epoch", 45), ("indexing the before mesh", 50), ("M3C2", 50),
            ("indexing the core points", 80), ("C2C", 55), ("C2M", 55), ("comparing the photographs", 30),
            ("grouping", 85),
            ("putting", 88), ("writing outputs", 90), ("recording the finding", 97),
        ]
        let distanceStagesEnd: [(String, Int)] = [("M3C2", 80), ("C2C", 85), ("C2M", 85)]
        let start = marks.first { stage.hasPrefix($0.0) }?.1 ?? 0
        guard let fraction, let end = distanceStagesEnd.first(where: { stage.hasPrefix($0.0) })?.1 else {
            return start
        }
        return start + Int(Double(end - start) * min(1, max(0, fraction)))
    }
}

private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
