import Foundation
import HTTPTypes
import HeritageOperations
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeritageServer

/// Comparisons as background jobs: checked when asked, followed live, stored as `heritage
/// diff --site` stores them, cancelled, and run again after a stop cut them off.
@Suite(.serialized) struct JobTests {
    static let parameters =
        #"{"normalRadius": [0.06], "cylinderRadius": 0.03, "cylinderHalfLength": 0.1, "registrationError": 0.001, "coreSpacing": 0.01}"#

    /// The fixture with a wall scanned twice on PUB-1 (v1 whole, v2 with a pit); returns the asset id.
    func wall(_ fixture: ServerFixture) throws -> String {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var request = FileImportRequest(
            site: "PUB-1",
            files: [.init(path: try writeWallScan("wall.ply", pit: false, seed: 1, in: folder).path)])
        request.units = "m"
        let asset = try fixture.store.importFiles(request, actor: "surveyor")[0].assetID
        request.files = [.init(path: try writeWallScan("wall-after.ply", pit: true, seed: 2, in: folder).path)]
        request.asset = asset
        _ = try fixture.store.importFiles(request, actor: "surveyor")
        return asset
    }

    func headers(_ cookie: String) -> HTTPFields {
        [.cookie: cookie, .origin: "http://localhost", .contentType: "application/json"]
    }

    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    func body(_ asset: String, _ before: Int = 1, _ after: Int = 2) -> ByteBuffer {
        ByteBuffer(
            string:
                #"{"before": "\#(asset)@\#(before)", "after": "\#(asset)@\#(after)", "parameters": \#(Self.parameters)}"#
        )
    }

    @Test func aComparisonJobRunsIsFollowedLiveAndRecordsTheFindingAsTheRequester() async throws {
        let fixture = try ServerFixture()
        let asset = try wall(fixture)
        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            let viewer = try await client.signIn("viewer")
            try await client.execute(
                uri: "/api/sites/PUB-1/comparisons", method: .post, headers: headers(viewer), body: body(asset)
            ) { #expect($0.status == .forbidden) }
            // Refused when asked, not queued to fail later.
            try await client.execute(
                uri: "/api/sites/PUB-1/comparisons", method: .post, headers: headers(surveyor), body: body(asset, 2, 2)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("same version"))
            }
            try await client.execute(
                uri: "/api/sites/RES-1/comparisons", method: .post, headers: headers(surveyor), body: body(asset)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("another site"))
            }
            try await client.execute(
                uri: "/api/sites/PUB-1/comparisons", method: .post, headers: headers(surveyor),
                body: ByteBuffer(
                    string: #"{"before": "\#(asset)@1", "after": "\#(asset)@2", "parameters": {"method": "m4c2"}}"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("method must be m3c2, c2c, c2m or photo"))
            }
            #expect(try fixture.store.jobs(status: nil, site: "PUB-1", limit: 100, offset: 0).isEmpty)

            let id = try await client.execute(
                uri: "/api/sites/PUB-1/comparisons", method: .post, headers: headers(surveyor), body: body(asset)
            ) { response -> String in
                #expect(response.status == .accepted, "\(String(buffer: response.body))")
                let job = try #require(try object(response.body)["job"] as? [String: Any])
                #expect(job["requestedBy"] as? String == "surveyor")
                return try #require(job["id"] as? String)
            }
            // The events stream ends when the job does. How much of the job it sees depends on
            // how far the job got before the request came: the test below follows one from the start.
            try await client.execute(uri: "/api/jobs/\(id)/events", method: .get, headers: headers(surveyor)) {
                response in
                #expect(response.headers[.contentType] == "text/event-stream")
                let text = String(buffer: response.body)
                #expect(text.hasSuffix("\n\n") && text.contains("event: succeeded"), "\(text.suffix(1000))")
                let percents = text.split(separator: "\n").filter { $0.hasPrefix("data: ") }.compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any])?["percent"]
                        as? Int
                }
                #expect(percents == percents.sorted() && percents.last == 100, "\(percents)")
            }
            let findingID = try await client.execute(uri: "/api/jobs/\(id)", method: .get, headers: headers(surveyor)) {
                response -> String in
                let view = try object(response.body)
                let job = try #require(view["job"] as? [String: Any])
                #expect(job["status"] as? String == "succeeded" && view["percent"] as? Int == 100)
                return try #require(job["findingID"] as? String)
            }
            let finding = try fixture.store.finding(findingID)
            #expect(try fixture.store.auditEvents(entityID: finding.id).first?.actor == "surveyor")
            #expect(finding.recordedBy == "surveyor" && finding.method == .m3c2)
            #expect(finding.regionCount == 1 && finding.lossVolume > 0 && finding.gainVolume == 0)
        }
        #expect(try fixture.store.verify().isValid)
    }

    /// A follower from before the job starts hears every stage, and a percentage that never goes
    /// back and moves within M3C2 as its points are measured.
    @Test(.timeLimit(.minutes(2))) func aFollowerHearsEveryStageAndThePercentageMovesWithinM3C2() async throws {
        let fixture = try ServerFixture()
        let asset = try wall(fixture)
        let job = try fixture.store.addJob(site: "PUB-1", request: String(buffer: body(asset)), actor: "surveyor")
        let views = try fixture.jobs.follow(job.id)
        fixture.jobs.jobQueued()
        var seen: [JobView] = []
        for await view in views { seen.append(view) }
        let percents = seen.map(\.percent)
        #expect(percents == percents.sorted() && percents.last == 100, "\(percents)")
        #expect(seen.last?.job.status == .succeeded)
        let withinM3C2 = seen.filter { $0.job.stage?.hasPrefix("M3C2") == true }.map(\.percent)
        #expect(withinM3C2.contains { $0 > 50 && $0 < 80 }, "\(withinM3C2)")
        #expect(seen.contains { $0.job.stage?.hasPrefix("grouping") == true })
    }

    /// Two runners on one store, as two servers would be, each woken once for three jobs queued
    /// in the store: the runners take the jobs from the store's queue, and each job runs once.
    @Test(.timeLimit(.minutes(3))) func runnersSharingAStoreRunEachJobOnce() async throws {
        let fixture = try ServerFixture()
        let asset = try wall(fixture)
        let request = String(buffer: body(asset))
        let jobs = try (0..<3).map { _ in
            try fixture.store.addJob(site: "PUB-1", request: request, actor: "surveyor")
        }
        let other = JobRunner(store: fixture.store)
        fixture.jobs.jobQueued()
        other.jobQueued()
        while try !jobs.allSatisfy({ try fixture.store.job($0.id).status.isFinished }) {
            try await Task.sleep(for: .milliseconds(100))
        }
        for job in jobs {
            let ended = try fixture.store.job(job.id)
            #expect(ended.status == .succeeded, "\(ended.error ?? "")")
        }
        let findings = try fixture.store.findings(ofSite: "PUB-1")
        #expect(findings.count == 3, "a job ran twice, or one not at all")
        #expect(try fixture.store.jobCount(status: .queued) == 0 && fixture.store.jobCount(status: .running) == 0)
        try await other.shutdown()
    }

    @Test func aJobCancelledEndsCancelledWithNoFinding() async throws {
        let fixture = try ServerFixture()
        let asset = try wall(fixture)
        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            let id = try await client.execute(
                uri: "/api/sites/PUB-1/comparisons", method: .post, headers: headers(surveyor), body: body(asset)
            ) { response -> String in
                try #require(try object(response.body)["job"] as? [String: Any])["id"] as? String ?? ""
            }
            // Queued or already running: either way it ends cancelled, between two stages.
            try await client.execute(uri: "/api/jobs/\(id)/cancel", method: .post, headers: headers(surveyor)) {
                #expect($0.status == .ok, "\(String(buffer: $0.body))")
            }
            try await client.execute(uri: "/api/jobs/\(id)/events", method: .get, headers: headers(surveyor)) {
                response in
                #expect(String(buffer: response.body).contains("event: cancelled"))
            }
            try await client.execute(uri: "/api/jobs/\(id)/cancel", method: .post, headers: headers(surveyor)) {
                #expect($0.status == .conflict)
            }
        }
        #expect(try fixture.store.findings(ofSite: "PUB-1").isEmpty)
        #expect(try fixture.store.auditEvents().contains { $0.action == "job.cancel" && $0.actor == "surveyor" })
    }

    @Test func aJobCutOffByAStopIsMarkedFailedAndRunsAgain() async throws {
        let fixture = try ServerFixture()
        let asset = try wall(fixture)
        let request = String(buffer: body(asset))
        // A server stopped while this job ran, and another left one queued.
        let cut = try fixture.store.addJob(site: "PUB-1", request: request, actor: "surveyor")
        _ = try fixture.store.startJob(cut.id)
        let waiting = try fixture.store.addJob(site: "PUB-1", request: request, actor: "surveyor")
        try fixture.jobs.recover()
        let failed = try fixture.store.job(cut.id)
        #expect(failed.status == .failed && failed.error?.contains("server stopped") == true)

        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            // The queued one runs on its own.
            try await client.execute(uri: "/api/jobs/\(waiting.id)/events", method: .get, headers: headers(surveyor)) {
                #expect(String(buffer: $0.body).contains("event: succeeded"))
            }
            let rerun = try await client.execute(
                uri: "/api/jobs/\(cut.id)/rerun", method: .post, headers: headers(surveyor)
            ) { response -> String in
                #expect(response.status == .accepted, "\(String(buffer: response.body))")
                let job = try #require(try object(response.body)["job"] as? [String: Any])
                #expect(job["rerunOf"] as? String == cut.id)
                return try #require(job["id"] as? String)
            }
            try await client.execute(uri: "/api/jobs/\(rerun)/events", method: .get, headers: headers(surveyor)) {
                #expect(String(buffer: $0.body).contains("event: succeeded"))
            }
            try await client.execute(uri: "/api/jobs/\(waiting.id)/rerun", method: .post, headers: headers(surveyor)) {
                #expect($0.status == .conflict)  // it succeeded: nothing to run again
            }
        }
        #expect(try fixture.store.findings(ofSite: "PUB-1").count == 2)
    }

    /// Someone following a job that waits in the queue hears of its cancellation: the stream
    /// ends, it does not wait for a job that will never run.
    @Test(.timeLimit(.minutes(1))) func aFollowerOfAQueuedJobHearsItIsCancelled() async throws {
        let fixture = try ServerFixture()
        let asset = try wall(fixture)
        // Stored but never handed to the runner: it waits in the queue.
        let job = try fixture.store.addJob(site: "PUB-1", request: String(buffer: body(asset)), actor: "surveyor")
        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            async let events = client.execute(
                uri: "/api/jobs/\(job.id)/events", method: .get, headers: headers(surveyor)
            ) { String(buffer: $0.body) }
            try await Task.sleep(for: .milliseconds(300))
            try await client.execute(uri: "/api/jobs/\(job.id)/cancel", method: .post, headers: headers(surveyor)) {
                #expect($0.status == .ok)
            }
            let text = try await events
            #expect(text.contains("event: cancelled"), "\(text)")
        }
    }
}
