import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Comparisons as jobs: `POST /api/sites/{code}/comparisons` checks the request at once (the
/// versions, the options) and answers 202 with a queued job; the job runs in the background,
/// its stage and percentage read from `GET /api/jobs/{id}` or followed live as Server-Sent
/// Events; it can be cancelled, and a failed or cancelled one run again. Results are stored as
/// `heritage diff --site` stores them, attributed to whoever asked.
struct JobRoutes {
    let store: HeritageArchive
    let pool: BlockingPool
    let runner: JobRunner

    struct JobList: ResponseEncodable {
        var jobs: [JobView]
        var count: Int
    }

    func add(to router: Router<HeritageRequestContext>) {
        router.post("/api/sites/{code}/comparisons") { request, context -> Response in
            let account = try context.require(.surveyor)
            let code = try context.parameters.require("code")
            let asked = try await request.decode(as: ComparisonJobRequest.self, context: context)
            let job = try await launch(asked, site: code, account: account)
            return try accepted(runner.view(job), request: request, context: context)
        }
        router.get("/api/jobs") { request, context -> JobList in
            _ = try context.require(.surveyor)
            let query = request.uri.queryParameters
            let status = try query.get("status").map(Job.Status.parse)
            let site = query.get("site")
            let limit = try query.number("limit", default: 100, in: 1...1_000)
            let offset = try query.number("offset", default: 0, in: 0...10_000_000)
            let jobs = try await pool.run { try store.jobs(status: status, site: site, limit: limit, offset: offset) }
            return JobList(jobs: jobs.map(runner.view), count: jobs.count)
        }
        router.get("/api/jobs/{id}") { _, context -> JobView in
            _ = try context.require(.surveyor)
            let id = try context.parameters.require("id")
            return runner.view(try await pool.run { try store.job(id) })
        }
        router.get("/api/jobs/{id}/events") { _, context -> Response in
            _ = try context.require(.surveyor)
            let reference = try context.parameters.require("id")
            let views = try await pool.run { try runner.follow(try store.job(reference).id) }
            let encoder = context.responseEncoder
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    // A stopping server ends the stream rather than wait for a job that may not
                    // finish before it stops.
                    try await withGracefulShutdownHandler {
                        for await view in views {
                            let data = String(decoding: try encoder.encode(view), as: UTF8.self)
                            let event = view.job.status.isFinished ? view.job.status.rawValue : "progress"
                            try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(data)\n\n"))
                        }
                    } onGracefulShutdown: {
                        runner.endFollowing()
                    }
                    try await writer.finish(nil)
                })
        }
        router.post("/api/jobs/{id}/cancel") { _, context -> JobView in
            let account = try context.require(.surveyor)
            return runner.view(try await cancel(try context.parameters.require("id"), account: account))
        }
        router.post("/api/jobs/{id}/rerun") { request, context -> Response in
            let account = try context.require(.surveyor)
            let id = try context.parameters.require("id")
            let job = try await pool.run { () throws -> Job in
                let earlier = try store.job(id)
                try requireOwnerOrReviewer(earlier, account)
                guard [.failed, .cancelled].contains(earlier.status) else {
                    throw APIError(
                        .conflict,
                        "job \(earlier.id.prefix(8)) is \(earlier.status.rawValue): only a failed or "
                            + "cancelled job is run again")
                }
                let asked = try JSONDecoder().decode(ComparisonJobRequest.self, from: Data(earlier.request.utf8))
                try check(asked, site: earlier.siteID)
                return try store.addJob(
                    site: earlier.siteID, request: earlier.request, rerunOf: earlier.id, actor: account.name)
            }
            runner.jobQueued()
            return try accepted(runner.view(job), request: request, context: context)
        }
    }

    /// Checks a comparison asked of a site (``check(_:site:)``), stores it as a job in
    /// `account`'s name and queues it; for the API and the page's form.
    func launch(_ asked: ComparisonJobRequest, site code: String, account: Account) async throws -> Job {
        let job = try await pool.run { () throws -> Job in
            try check(asked, site: code)
            let text = String(decoding: try JSONEncoder().encode(asked), as: UTF8.self)
            return try store.addJob(site: code, request: text, actor: account.name)
        }
        runner.jobQueued()
        return job
    }

    /// Cancels a job (its requester or a reviewer): a queued one ends now, a running one at its
    /// next stage; for the API and the job's page.
    func cancel(_ id: String, account: Account) async throws -> Job {
        let job = try await pool.run { () throws -> Job in
            try requireOwnerOrReviewer(try store.job(id), account)
            return try store.cancelJob(id, actor: account.name)
        }
        runner.requestCancel(job.id)
        // A queued job ended here: its followers hear of it now (a running one's, when it stops).
        if job.status.isFinished { runner.publish(job) }
        return job
    }

    /// Refuses, before anything is queued, what the job would fail on at once: versions of
    /// another site, the same version twice, a scan beside a photograph, options out of range.
    private func check(_ asked: ComparisonJobRequest, site: String) throws {
        let run = ComparisonRun(
            before: asked.before, after: asked.after, recording: .init(store: store, site: site, actor: ""))
        try run.checkVersions()
        let parameters = asked.parameters ?? ComparisonRequest()
        if try run.inputsArePhotographs() {
            try parameters.checkPhotographOptions()
        } else {
            _ = try parameters.comparisonOptions()
        }
    }

    private func requireOwnerOrReviewer(_ job: Job, _ account: Account) throws {
        guard account.role >= .reviewer || job.requestedBy.lowercased() == account.name.lowercased() else {
            throw APIError(.forbidden, "job \(job.id.prefix(8)) is \(job.requestedBy)'s; a reviewer may act on it")
        }
    }

    private func accepted(_ view: JobView, request: Request, context: HeritageRequestContext) throws -> Response {
        var response = try view.response(from: request, context: context)
        response.status = .accepted
        response.headers[.location] = "/api/jobs/\(view.job.id)"
        return response
    }
}

extension JobView: ResponseEncodable {}
