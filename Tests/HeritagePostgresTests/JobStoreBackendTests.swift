import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

@testable import HeritagePostgres

/// Jobs are queued, claimed, ended and cancelled the same way on both backends; on PostgreSQL
/// several servers share the queue, each job going to exactly one of them.
@Suite(.serialized)
struct JobStoreBackendTests {
    static let request = #"{"after":"bbbb","before":"aaaa"}"#

    @Test(arguments: StoreBackend.available)
    func jobsAreClaimedOldestFirstAndEndOnce(_ backend: StoreBackend) async throws {
        try await backend.withEmptyStore { backendStore in
            let store = backendStore.store
            try store.addSite(makeSite(code: "A"), actor: "ana")
            try store.addSite(makeSite(code: "B", latitude: 35.2), actor: "ana")
            let first = try store.addJob(site: "a", request: Self.request, actor: "ana")
            let second = try store.addJob(site: "B", request: Self.request, actor: "ben")
            let third = try store.addJob(site: "A", request: Self.request, actor: "ana")
            #expect(first.siteID == (try store.requireSite("A")).id && first.status == .queued)
            #expect(try store.job(String(second.id.prefix(6))) == second)
            #expect(try store.jobs(status: .queued, site: "A", limit: 10, offset: 0).map(\.id) == [third.id, first.id])
            #expect(try store.jobs(status: nil, site: nil, limit: 1, offset: 1).map(\.id) == [second.id])
            let missing = #expect(throws: HeritageStoreError.self) {
                try store.addJob(site: "C", request: Self.request, actor: "ana")
            }
            #expect(missing?.message == "no site with code or id 'C'")
            // Claimed oldest first; a claimed job is not started again.
            let claimed = try #require(try store.claimNextJob())
            #expect(claimed.id == first.id && claimed.status == .running && claimed.startedAt != nil)
            #expect(try store.startJob(first.id) == nil)
            try store.recordJobStage(first.id, stage: "aligning")
            #expect(try store.job(first.id).stage == "aligning")
            let failed = try store.finishJob(first.id, status: .failed, error: "no such versions", findingID: nil)
            #expect(failed.status == .failed && failed.error == "no such versions" && failed.finishedAt != nil)
            // A queued job cancelled ends at once; a finished one cannot be cancelled.
            let cancelled = try store.cancelJob(String(second.id.prefix(8)), actor: "ben")
            #expect(cancelled.status == .cancelled && cancelled.error == "cancelled by ben before it started")
            let again = #expect(throws: HeritageStoreError.self) { try store.cancelJob(first.id, actor: "ana") }
            #expect(again?.message == "job \(first.id.prefix(8)) has failed already")
            #expect(try store.startJob(third.id)?.status == .running)
            #expect(try store.claimNextJob() == nil)
            let actions = try backendStore.events().map(\.action).filter { $0.hasPrefix("job.") }
            #expect(actions == ["job.create", "job.create", "job.create", "job.cancel"])
            #expect(try backendStore.verify() == [])
        }
    }

    /// Two servers of 5 runners each claim from 120 queued jobs at once until none is left:
    /// every job is claimed, by exactly one runner.
    @Test(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipReason))
    func eachJobGoesToExactlyOneRunner() async throws {
        try await PostgresTestServer.withDatabase { location in
            try await PostgresTestServer.with(location) { registry in
                try await registry.migrate()
                try await registry.addSite(makeSite(code: "A"), actor: "ana")
                for _ in 0..<120 { try await registry.addJob(site: "A", request: Self.request, actor: "ana") }
            }
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await PostgresTestServer.with(location) { runner in
                            var mine: [String] = []
                            while let job = try await runner.claimNextJob() {
                                mine.append(job.id)
                                try await runner.finishJob(job.id, status: .failed, error: "test")
                            }
                            return mine
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == 120 && Set(all).count == 120)
            #expect(claims.filter { !$0.isEmpty }.count > 1, "one runner took every job: the claims did not overlap")
            let left = try await PostgresTestServer.with(location) {
                try await $0.integer("SELECT count(*) AS value FROM job WHERE status <> 'failed'")
            }
            #expect(left == 0)
        }
    }

    /// A server that starts fails the running jobs of a server that stopped, never those of a
    /// server still running them.
    @Test(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipReason))
    func recoveryFailsOnlyTheJobsOfStoppedServers() async throws {
        try await PostgresTestServer.withDatabase { location in
            let (first, second, third) = try await PostgresTestServer.with(location) { registry in
                try await registry.migrate()
                try await registry.addSite(makeSite(code: "A"), actor: "ana")
                return (
                    try await registry.addJob(site: "A", request: Self.request, actor: "ana"),
                    try await registry.addJob(site: "A", request: Self.request, actor: "ana"),
                    try await registry.addJob(site: "A", request: Self.request, actor: "ana")
                )
            }
            let alive = try await PostgresRegistry.connect(location)
            let stopping = try await PostgresRegistry.connect(location)
            let starting = try await PostgresRegistry.connect(location)
            #expect(try await alive.claimNextJob()?.id == first.id)
            #expect(try await stopping.startJob(second.id)?.id == second.id)
            // Both servers run: nothing is failed.
            var (failed, queued) = try await starting.recoverJobs(reason: "stopped")
            #expect(failed.isEmpty && queued.map(\.id) == [third.id])
            // One stops: its job is failed, with the reason; the other's runs on.
            await stopping.close()
            (failed, queued) = try await starting.recoverJobs(reason: "the server stopped while this job ran")
            #expect(failed.map(\.id) == [second.id])
            #expect(try await starting.job(second.id).error == "the server stopped while this job ran")
            #expect(try await starting.job(first.id).status == .running)
            // A job finished lets go of its lease; the runner's own jobs are never its to fail.
            #expect(try await alive.recoverJobs(reason: "x").failed.isEmpty)
            let leases = """
                SELECT count(*) AS value FROM pg_locks
                WHERE locktype = 'advisory' AND classid::bigint = 7242100 AND pid = pg_backend_pid()
                """
            #expect(try await alive.integer(leases) == 1)
            try await alive.finishJob(first.id, status: .failed, error: "done")
            #expect(try await alive.integer(leases) == 0)
            await alive.close()
            await starting.close()
        }
    }

    /// The same jobs queued and cancelled on an archive and on a registry copied from it, at
    /// the same times: the same events, byte for byte.
    @Test(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipReason))
    func theSameJobEventsHashTheSameOnBothBackends() async throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "A"), actor: "ana")
        let events = try await expectSameEventsOnBoth(temp) { store in
            try store.addJob(
                id: "dddd4444-0000-4000-8000-000000000004", site: "A", request: Self.request, rerunOf: nil,
                actor: "ana", time: "2026-12-04T22:00:00.000Z")
            try store.cancelJob("dddd4444", actor: "ben", time: "2026-12-04T22:01:00.000Z")
        } then: { archive, registry in
            let local = try archive.job("dddd4444")
            #expect(try registry.job("dddd4444") == local)
        }
        #expect(events.suffix(2).map(\.action) == ["job.create", "job.cancel"])
    }
}
