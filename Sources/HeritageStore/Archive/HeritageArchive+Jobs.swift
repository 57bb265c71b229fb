import Foundation
import GRDB

extension HeritageArchive {
    /// Queues a job for a site (`job.create`, by `actor`); `rerunOf` names a failed or
    /// cancelled job it runs again.
    @discardableResult
    public func addJob(
        id: String, site reference: String, request: String, rerunOf: String?, actor: String, time: String
    ) throws -> Job {
        try write { db in
            guard let site = try Site.fetch(db, reference: reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            let job = Job(
                id: id, siteID: site.id, request: request, requestedBy: actor, requestedAt: time, rerunOf: rerunOf)
            try db.execute(
                sql: """
                    INSERT INTO job (id, kind, siteId, request, requestedBy, requestedAt, status, rerunOf)
                    VALUES (?, 'comparison', ?, ?, ?, ?, 'queued', ?)
                    """,
                arguments: [job.id, job.siteID, job.request, actor, time, rerunOf])
            try AuditLog.append(
                db, actor: actor, action: "job.create", entityType: "job", entityID: job.id,
                entitySeq: db.lastInsertedRowID, oldValue: nil, newValue: try JSONText.encode(job), time: time)
            return job
        }
    }

    /// The job with this id (or its first characters).
    public func job(_ reference: String) throws -> Job {
        try read { db in try job(db, reference: reference) }
    }

    /// Jobs, newest first, optionally of one status or site.
    public func jobs(status: Job.Status?, site: String?, limit: Int, offset: Int) throws -> [Job] {
        try read { db in
            var filter = SQLFilter()
            filter.add("status = ?", status?.rawValue)
            if let site {
                guard let found = try Site.fetch(db, reference: site) else {
                    throw HeritageStoreError(.notFound, "no site with code or id '\(site)'")
                }
                filter.add("siteId = ?", found.id)
            }
            return try Row.fetchAll(
                db, sql: "SELECT * FROM job \(filter.clause) ORDER BY seq DESC LIMIT ? OFFSET ?",
                arguments: filter.arguments(then: [max(0, min(limit, 1000)), max(0, offset)])
            ).map(Job.init(row:))
        }
    }

    /// How many jobs have this status.
    public func jobCount(status: Job.Status) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM job WHERE status = ?", arguments: [status.rawValue]) ?? 0
        }
    }

    /// Marks a queued job running, or returns nil when it is no longer queued (cancelled meanwhile).
    public func startJob(_ id: String) throws -> Job? {
        try write { db in
            try db.execute(
                sql: "UPDATE job SET status = 'running', startedAt = ? WHERE id = ? AND status = 'queued'",
                arguments: [Timestamp.now(), id])
            guard db.changesCount == 1 else { return nil }
            return try job(db, reference: id)
        }
    }

    /// Marks the oldest queued job running and returns it; nil when none is queued. (One
    /// writer at a time: no two callers get the same job.)
    public func claimNextJob() throws -> Job? {
        try write { db in
            guard
                let id = try String.fetchOne(
                    db, sql: "SELECT id FROM job WHERE status = 'queued' ORDER BY seq LIMIT 1")
            else { return nil }
            try db.execute(
                sql: "UPDATE job SET status = 'running', startedAt = ? WHERE id = ?", arguments: [Timestamp.now(), id])
            return try job(db, reference: id)
        }
    }

    /// Records the stage a running job has reached.
    public func recordJobStage(_ id: String, stage: String) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE job SET stage = ? WHERE id = ? AND status = 'running'", arguments: [stage, id])
        }
    }

    /// Ends a job: succeeded with its finding, failed with the reason, or cancelled.
    @discardableResult
    public func finishJob(_ id: String, status: Job.Status, error: String?, findingID: String?) throws -> Job {
        precondition(status.isFinished, "a job finishes as succeeded, failed or cancelled")
        return try write { db in
            try db.execute(
                sql: """
                    UPDATE job SET status = ?, error = ?, findingId = ?, finishedAt = ?
                    WHERE id = ? AND status IN ('queued', 'running')
                    """,
                arguments: [status.rawValue, error, findingID, Timestamp.now(), id])
            return try job(db, reference: id)
        }
    }

    /// Cancels a queued or running job (`job.cancel`, by `actor`). A queued job ends at once;
    /// a running one is only marked here, and ends when its runner next looks.
    ///
    /// - Returns: the job as it stands.
    /// - Throws: `conflict` when it has finished already.
    @discardableResult
    public func cancelJob(_ reference: String, actor: String, time: String) throws -> Job {
        try write { db in
            let job = try job(db, reference: reference)
            guard !job.status.isFinished else { throw Job.finishedAlready(job) }
            if job.status == .queued {
                try db.execute(
                    sql: "UPDATE job SET status = 'cancelled', error = ?, finishedAt = ? WHERE id = ?",
                    arguments: [Job.cancelledBeforeStart(by: actor), time, job.id])
            }
            let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM job WHERE id = ?", arguments: [job.id])
            try AuditLog.append(
                db, actor: actor, action: "job.cancel", entityType: "job", entityID: job.id, entitySeq: seq,
                oldValue: try JSONText.encode(job), newValue: nil, time: time)
            return try self.job(db, reference: job.id)
        }
    }

    /// At a server's start: jobs left running by a server that stopped are marked failed, with
    /// the reason, to be run again on request. Returns the queued jobs, oldest first, to run.
    public func recoverJobs(reason: String) throws -> (failed: [Job], queued: [Job]) {
        try write { db in
            let running = try Row.fetchAll(db, sql: "SELECT * FROM job WHERE status = 'running' ORDER BY seq")
                .map(Job.init(row:))
            try db.execute(
                sql: "UPDATE job SET status = 'failed', error = ?, finishedAt = ? WHERE status = 'running'",
                arguments: [reason, Timestamp.now()])
            let queued = try Row.fetchAll(db, sql: "SELECT * FROM job WHERE status = 'queued' ORDER BY seq")
                .map(Job.init(row:))
            return (running, queued)
        }
    }

    func job(_ db: Database, reference: String) throws -> Job {
        let id = try resolveID(db, table: "job", reference: reference, noun: "job")
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]) else {
            throw HeritageStoreError(.notFound, "no job with id '\(reference)'")
        }
        return try Job(row: row)
    }
}
