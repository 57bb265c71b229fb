import Foundation

/// Where comparison jobs are queued and tracked: the archive, or a PostgreSQL registry shared by
/// several servers. A queued job is claimed by exactly one runner (``claimNextJob()``); on
/// PostgreSQL a running job stays its runner's while that runner's connection lives, so a
/// server that starts fails only the jobs of servers that stopped (``recoverJobs(reason:)``).
public protocol JobStore: Sendable {
    /// Queues a job for a site (`job.create`); `rerunOf` names a failed or cancelled job it
    /// runs again.
    @discardableResult
    func addJob(id: String, site reference: String, request: String, rerunOf: String?, actor: String, time: String)
        throws -> Job
    /// The job with this id (or its first characters).
    func job(_ reference: String) throws -> Job
    /// Jobs, newest first, optionally of one status or site.
    func jobs(status: Job.Status?, site: String?, limit: Int, offset: Int) throws -> [Job]
    /// How many jobs have this status.
    func jobCount(status: Job.Status) throws -> Int
    /// Marks a queued job running for this runner, or returns nil when it is no longer queued
    /// (cancelled, or claimed by another runner).
    func startJob(_ id: String) throws -> Job?
    /// Marks the oldest queued job running for this runner and returns it; nil when none is
    /// queued. However many runners ask at once, each job goes to one of them.
    func claimNextJob() throws -> Job?
    /// Records the stage a running job has reached.
    func recordJobStage(_ id: String, stage: String) throws
    /// Ends a job: succeeded with its finding, failed with the reason, or cancelled.
    @discardableResult
    func finishJob(_ id: String, status: Job.Status, error: String?, findingID: String?) throws -> Job
    /// Cancels a queued or running job (`job.cancel`). A queued job ends at once; a running one
    /// is only marked, and ends when its runner next looks. `conflict` when it has finished.
    @discardableResult
    func cancelJob(_ reference: String, actor: String, time: String) throws -> Job
    /// At a runner's start: jobs left running by a runner that stopped are marked failed with
    /// `reason`; returns them, and the queued jobs, oldest first.
    func recoverJobs(reason: String) throws -> (failed: [Job], queued: [Job])
}

extension JobStore {
    /// Queues a job, now.
    @discardableResult
    public func addJob(
        id: String = RecordID.make(), site reference: String, request: String, rerunOf: String? = nil, actor: String
    ) throws -> Job {
        try addJob(id: id, site: reference, request: request, rerunOf: rerunOf, actor: actor, time: Timestamp.now())
    }

    /// Cancels a job, now.
    @discardableResult
    public func cancelJob(_ reference: String, actor: String) throws -> Job {
        try cancelJob(reference, actor: actor, time: Timestamp.now())
    }
}

extension Job {
    package static func finishedAlready(_ job: Job) -> HeritageStoreError {
        HeritageStoreError(.conflict, "job \(job.id.prefix(8)) has \(job.status.rawValue) already")
    }

    package static func cancelledBeforeStart(by actor: String) -> String {
        "cancelled by \(actor) before it started"
    }
}

extension HeritageArchive: JobStore {}
