import Foundation
import GRDB
import HeritageStore

/// Comparison jobs on PostgreSQL, shared by several servers. A runner claims the oldest queued
/// job with `FOR UPDATE SKIP LOCKED`, so two runners asking at once get different jobs, and
/// holds a session-level advisory lock on it (its lease) until it finishes the job or its
/// connection ends. A server that starts fails only the running jobs whose lease nobody holds:
/// those of servers that stopped, never those of a server still running them.
extension PostgresRegistry {
    /// The first key of a job's lease; the second is the job's seq.
    static let jobLeaseKey: Int64 = 7_242_100

    /// Queues a job for a site (`job.create`), as the archive does.
    @discardableResult
    public func addJob(
        id: String = RecordID.make(), site reference: String, request: String, rerunOf: String? = nil, actor: String,
        time: String = Timestamp.now()
    ) async throws -> Job {
        try await transaction {
            try await self.lockAudit()
            guard let (site, _) = try await self.storedSite(reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            let job = Job(
                id: id, siteID: site.id, request: request, requestedBy: actor, requestedAt: time, rerunOf: rerunOf)
            let seq = (try await self.integer("SELECT coalesce(max(seq), 0) + 1 AS value FROM job")) ?? 1
            try await self.run(
                """
                INSERT INTO job (seq, id, kind, siteId, request, requestedBy, requestedAt, status, rerunOf)
                VALUES ($1, $2, 'comparison', $3, $4, $5, $6, 'queued', $7)
                """, [seq, job.id, job.siteID, job.request, actor, time, rerunOf])
            try await self.appendEvent(
                actor: actor, action: "job.create", entityType: "job", entityID: job.id, entitySeq: seq,
                oldValue: nil, newValue: try RecordAudit.json(job), time: time)
            return job
        }
    }

    /// The job with this id (or its first characters).
    public func job(_ reference: String) async throws -> Job {
        let id = try await resolveID(table: "job", reference: reference, noun: "job")
        guard let row = try await rows("SELECT * FROM job WHERE id = $1", [id]).first else {
            throw HeritageStoreError(.notFound, "no job with id '\(reference)'")
        }
        return try Job(row: row)
    }

    /// Jobs, newest first, optionally of one status or site.
    public func jobs(status: Job.Status? = nil, site: String? = nil, limit: Int = 100, offset: Int = 0) async throws
        -> [Job]
    {
        var siteID: String?
        if let site {
            guard let (found, _) = try await storedSite(site) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(site)'")
            }
            siteID = found.id
        }
        return try await rows(
            """
            SELECT * FROM job WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR siteId = $2)
            ORDER BY seq DESC LIMIT $3 OFFSET $4
            """, [status?.rawValue, siteID, max(0, min(limit, 1000)), max(0, offset)]
        ).map(Job.init(row:))
    }

    /// How many jobs have this status.
    public func jobCount(status: Job.Status) async throws -> Int {
        Int(try await integer("SELECT count(*) AS value FROM job WHERE status = $1", [status.rawValue]) ?? 0)
    }

    /// Marks a queued job running under this connection's lease, or returns nil when it is no
    /// longer queued (cancelled, or claimed by another runner).
    public func startJob(_ id: String) async throws -> Job? {
        try await claim("SELECT seq AS value FROM job WHERE id = $1 AND status = 'queued' FOR UPDATE SKIP LOCKED", [id])
    }

    /// Marks the oldest queued job that no other runner is claiming running under this
    /// connection's lease, and returns it; nil when there is none.
    public func claimNextJob() async throws -> Job? {
        try await claim(
            "SELECT seq AS value FROM job WHERE status = 'queued' ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED")
    }

    /// Records the stage a running job has reached.
    public func recordJobStage(_ id: String, stage: String) async throws {
        try await run("UPDATE job SET stage = $1 WHERE id = $2 AND status = 'running'", [stage, id])
    }

    /// Ends a job: succeeded with its finding, failed with the reason, or cancelled. Lets go of
    /// its lease if this connection holds it.
    @discardableResult
    public func finishJob(_ id: String, status: Job.Status, error: String? = nil, findingID: String? = nil)
        async throws -> Job
    {
        precondition(status.isFinished, "a job finishes as succeeded, failed or cancelled")
        let seq = try await integer(
            """
            UPDATE job SET status = $1, error = $2, findingId = $3, finishedAt = $4
            WHERE id = $5 AND status IN ('queued', 'running') RETURNING seq AS value
            """, [status.rawValue, error, findingID, Timestamp.now(), id])
        if let seq, try await leasesHeld().contains(seq) {
            try await run("SELECT pg_advisory_unlock($1::int, $2::int) AS value", [Self.jobLeaseKey, seq])
        }
        return try await job(id)
    }

    /// Cancels a queued or running job (`job.cancel`), as the archive does.
    @discardableResult
    public func cancelJob(_ reference: String, actor: String, time: String = Timestamp.now()) async throws -> Job {
        try await transaction {
            try await self.lockAudit()
            let id = try await self.resolveID(table: "job", reference: reference, noun: "job")
            guard let row = try await self.rows("SELECT * FROM job WHERE id = $1 FOR UPDATE", [id]).first else {
                throw HeritageStoreError(.notFound, "no job with id '\(reference)'")
            }
            let job = try Job(row: row)
            guard !job.status.isFinished else { throw Job.finishedAlready(job) }
            if job.status == .queued {
                try await self.run(
                    "UPDATE job SET status = 'cancelled', error = $1, finishedAt = $2 WHERE id = $3",
                    [Job.cancelledBeforeStart(by: actor), time, id])
            }
            try await self.appendEvent(
                actor: actor, action: "job.cancel", entityType: "job", entityID: id, entitySeq: row["seq"],
                oldValue: try RecordAudit.json(job), newValue: nil, time: time)
            return try await self.job(id)
        }
    }

    /// Marks failed, with `reason`, the running jobs whose lease no connection holds (their
    /// servers stopped); returns them, and the queued jobs, oldest first.
    public func recoverJobs(reason: String) async throws -> (failed: [Job], queued: [Job]) {
        try await transaction {
            let own = try await self.leasesHeld()
            var failed: [Job] = []
            for row in try await self.rows("SELECT * FROM job WHERE status = 'running' ORDER BY seq FOR UPDATE") {
                let seq: Int64 = row["seq"]
                // This connection's own jobs are alive; another's lease taken here means its
                // holder is gone (taken for the moment, and let go of again at once).
                guard !own.contains(seq),
                    try await self.rows(
                        "SELECT pg_try_advisory_lock($1::int, $2::int) AS value", [Self.jobLeaseKey, seq]
                    ).first?["value"] == true
                else { continue }
                try await self.run("SELECT pg_advisory_unlock($1::int, $2::int) AS value", [Self.jobLeaseKey, seq])
                try await self.run(
                    "UPDATE job SET status = 'failed', error = $1, finishedAt = $2 WHERE seq = $3",
                    [reason, Timestamp.now(), seq])
                failed.append(try Job(row: row))
            }
            let queued = try await self.rows("SELECT * FROM job WHERE status = 'queued' ORDER BY seq").map(
                Job.init(row:))
            return (failed, queued)
        }
    }

    /// Marks the job `select` finds (its `seq`, row locked) running and takes its lease, in one
    /// transaction: others see the job running only once its lease is held. The lease is taken
    /// with a try: a lease still held on a queued job (a claim whose commit failed) makes this
    /// claim fail rather than wait. If the transaction fails, the lease is let go of.
    private func claim(_ select: String, _ values: [(any PostgresValue)?] = []) async throws -> Job? {
        var leased: Int64?
        do {
            return try await transaction {
                guard let seq = try await self.integer(select, values) else { return nil }
                guard
                    let row = try await self.rows(
                        "UPDATE job SET status = 'running', startedAt = $1 WHERE seq = $2 RETURNING *",
                        [Timestamp.now(), seq]
                    ).first
                else { throw HeritageStoreError(.integrity, "job \(seq) went missing while it was claimed") }
                guard
                    try await self.rows(
                        "SELECT pg_try_advisory_lock($1::int, $2::int) AS value", [Self.jobLeaseKey, seq]
                    ).first?["value"] == true
                else {
                    throw HeritageStoreError(
                        .conflict, "job \(seq) is queued but its lease is held by another connection; not claimed")
                }
                leased = seq
                return try Job(row: row)
            }
        } catch {
            if let leased {
                try? await run("SELECT pg_advisory_unlock($1::int, $2::int) AS value", [Self.jobLeaseKey, leased])
            }
            throw error
        }
    }

    /// The seqs of the jobs whose leases this connection holds.
    private func leasesHeld() async throws -> Set<Int64> {
        Set(
            try await rows(
                """
                SELECT objid::bigint AS value FROM pg_locks
                WHERE locktype = 'advisory' AND classid::bigint = $1 AND objsubid = 2 AND pid = pg_backend_pid()
                    AND granted
                """, [Self.jobLeaseKey]
            ).map { $0["value"] as Int64 })
    }
}
