import Foundation
import HTTPTypes
import HeritageOperations
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeritageServer

/// The 3D viewer's data: a comparison's scene (origin, bounds, scale, epochs, regions) and even
/// samples of its points within a budget, of the whole or of a box; and its page.
@Suite struct ViewerTests {
    /// The fixture with a wall compared on PUB-1 (a pit dug between the scans); returns the finding.
    func comparedWall(_ fixture: ServerFixture) async throws -> Finding {
        let jobs = JobTests()
        let asset = try jobs.wall(fixture)
        let job = try fixture.store.addJob(site: "PUB-1", request: String(buffer: jobs.body(asset)), actor: "surveyor")
        let views = try fixture.jobs.follow(job.id)
        fixture.jobs.enqueue(job.id)
        for await _ in views {}
        let id = try #require(try fixture.store.job(job.id).findingID)
        return try fixture.store.finding(id)
    }

    /// The vertex count, the header's counts and the records of a sample.
    func sample(_ bytes: Data) throws -> (kept: Int, inBox: Int, points: [SIMD3<Float>], colours: [SIMD3<UInt8>]) {
        let end = try #require(bytes.range(of: Data("end_header\n".utf8)))
        let header = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        let kept = Int(try #require(header.firstMatch(of: /element vertex (\d+)/)?.1)) ?? -1
        let inBox = Int(try #require(header.firstMatch(of: /points in box (\d+)/)?.1)) ?? -1
        let body = bytes[end.upperBound...]
        #expect(body.count == kept * 15)
        var points: [SIMD3<Float>] = []
        var colours: [SIMD3<UInt8>] = []
        let base = body.startIndex
        for index in 0..<kept {
            func float(_ offset: Int) -> Float {
                let start = base + index * 15 + offset
                return Float(
                    bitPattern: body[start..<(start + 4)].enumerated().reduce(UInt32(0)) {
                        $0 | UInt32($1.element) << (8 * UInt32($1.offset))
                    })
            }
            points.append(SIMD3(float(0), float(4), float(8)))
            let colour = base + index * 15 + 12
            colours.append(SIMD3(body[colour], body[colour + 1], body[colour + 2]))
        }
        return (kept, inBox, points, colours)
    }

    @Test func aComparisonIsShownAsItsSceneAndSamplesOfItsPoints() async throws {
        let fixture = try ServerFixture()
        let finding = try await comparedWall(fixture)
        try await fixture.application().test(.router) { client in
            let viewer = try await client.signIn("viewer")
            let scene = try await client.execute(
                uri: "/api/findings/\(finding.id)/scene", method: .get, headers: [.cookie: viewer]
            ) { response -> ComparisonScene in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return try JSONDecoder().decode(ComparisonScene.self, from: Data(buffer: response.body))
            }
            #expect(scene.epochs.map(\.name) == ["changes", "before", "after"])
            #expect(scene.regions.count == 1 && scene.regions[0].kind == "loss" && scene.range > 0)
            #expect(scene.regions[0].volume.map { $0 > 0 } == true)
            // The region lies within the measured points' bounds, both relative to the origin.
            for axis in 0..<3 {
                #expect(scene.lower[axis] <= scene.regions[0].centroid[axis])
                #expect(scene.regions[0].centroid[axis] <= scene.upper[axis])
            }
            func points(_ query: String) async throws -> (HTTPResponse.Status, Data) {
                try await client.execute(
                    uri: "/api/findings/\(finding.id)/points?\(query)", method: .get, headers: [.cookie: viewer]
                ) { ($0.status, Data(buffer: $0.body)) }
            }
            // The whole, under a budget larger than it: every measured point.
            let (status, all) = try await points("budget=5000000")
            #expect(status == .ok)
            let whole = try sample(all)
            #expect(whole.kept == whole.inBox && whole.kept == finding.measuredCount + finding.noDataCount)
            // Loss is drawn in the heat maps' reds: some points are more red than blue.
            #expect(whole.colours.contains { $0.x > 200 && $0.z < 120 })
            // A budget: an even sample of about that many.
            let small = try sample(try await points("budget=500").1)
            #expect(small.inBox == whole.kept && abs(small.kept - 500) < 100, "\(small.kept)")
            // A box around the region: only points in it, all of them when they fit the budget.
            let region = scene.regions[0]
            let box = (region.lower + region.upper).map { String($0) }.joined(separator: ",")
            let part = try sample(try await points("budget=5000000&box=\(box)").1)
            #expect(part.kept > 0 && part.kept < whole.kept && part.kept == part.inBox)
            let slack: Float = 1e-3
            #expect(
                part.points.allSatisfy { point in
                    (0..<3).allSatisfy {
                        point[$0] >= Float(region.lower[$0]) - slack && point[$0] <= Float(region.upper[$0]) + slack
                    }
                })
            // The epochs, in their own colours.
            let before = try sample(try await points("epoch=before&budget=100000").1)
            #expect(before.kept > 0 && before.colours.allSatisfy { $0 == SIMD3(214, 201, 178) })
            // Refused with the reason.
            #expect(try await points("epoch=during").0 == .badRequest)
            #expect(try await points("budget=0").0 == .badRequest)
            #expect(try await points("box=1,2,3").0 == .badRequest)

            // The page: the legend and the regions, each with a button to fly to it.
            let html = try await client.execute(
                uri: "/findings/\(finding.id)", method: .get, headers: [.cookie: viewer]
            ) {
                String(buffer: $0.body)
            }
            #expect(html.contains(#"<script type="module" src="/static/viewer.js"></script>"#))
            #expect(html.contains(#"data-region="0""#) && html.contains(#"id="epoch-before""#))
            #expect(html.contains("units³") && html.contains("Fly to: Region 1"))
            let sitePage = try await client.execute(uri: "/sites/PUB-1", method: .get, headers: [.cookie: viewer]) {
                String(buffer: $0.body)
            }
            #expect(sitePage.contains(#"href="/findings/\#(finding.id)""#))
            try await client.execute(uri: "/static/viewer.js", method: .get) {
                #expect(String(buffer: $0.body).contains("OrbitControls"))
            }
        }
    }
}
