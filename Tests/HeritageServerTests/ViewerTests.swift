import Foundation
import HTTPTypes
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import ScanImport
import SurveyDiff
import Testing

@testable import HeritageOperations
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
        fixture.jobs.jobQueued()
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
            // Proposed as the site's condition: the form drafted from it, the finding its evidence.
            let surveyor = try await WebPageTests().signIn(client, "surveyor")
            let form = try await client.execute(
                uri: "/sites/PUB-1/assess?finding=\(finding.id.prefix(8))", method: .get, headers: [.cookie: surveyor]
            ) { String(buffer: $0.body) }
            #expect(form.contains(#"name="finding" value="\#(finding.id)""#))
            #expect(form.contains(#"<option value="scan-comparison" selected="selected">"#))
            let token = try #require(form.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)
            var headers = WebPageTests.formHeaders
            headers[.cookie] = surveyor
            let fields = form.matches(of: /name="(date|damageExtent)" [^>]*value="([^"]*)"/).map { "\($0.1)=\($0.2)" }
            try await client.execute(
                uri: "/sites/PUB-1/assess", method: .post, headers: headers,
                body: ByteBuffer(
                    string: "csrf=\(token)&finding=\(finding.id)&overallCondition=poor&certainty=high"
                        + "&activity=scan-comparison&date=2026-05-02&" + fields.joined(separator: "&"))
            ) { #expect($0.status == .seeOther, "\(String(buffer: $0.body).prefix(3000))") }
            let proposal = try #require(
                try fixture.store.proposals(
                    status: .pending, site: "PUB-1", proposedBy: "surveyor", limit: 5, offset: 0
                )
                .first { $0.kind == .conditionCreate })
            #expect(proposal.evidence.first == finding.id)
            #expect(proposal.assessment?.notes?.hasPrefix("From finding \(finding.id)") == true)
        }
    }
}

/// Two photographs compared: the page stacks them with a slider, offers the change overlay,
/// and lists the changed regions; without clearance, a restricted site's photographs that a
/// world file places are not shown.
@Suite struct PhotoComparisonPageTests {
    /// A facade photographed twice, a dark patch painted on the second; returns the finding.
    func comparedFacade(_ fixture: ServerFixture, site: String) async throws -> Finding {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var ids: [String] = []
        for damaged in [false, true] {
            var pixels = [UInt8](repeating: 0, count: 96 * 64 * 3)
            for y in 0..<64 {
                for x in 0..<96 {
                    let index = (y * 96 + x) * 3
                    let patch = damaged && (30..<60).contains(x) && (20..<44).contains(y)
                    pixels[index] = patch ? 20 : UInt8(120 + (x + y) % 40)
                    pixels[index + 1] = patch ? 20 : UInt8(110 + (x * 3 + y) % 30)
                    pixels[index + 2] = patch ? 20 : 100
                }
            }
            let file = folder.appending(path: damaged ? "facade-2026.png" : "facade-2019.png")
            try Data(try ImageDecoder.encodePNG(DecodedImage(width: 96, height: 64, channels: 3, pixels: pixels)))
                .write(to: file)
            let imported = try fixture.store.importFiles(
                FileImportRequest(site: site, files: [.init(path: file.path)]), actor: "surveyor")
            ids.append("\(imported[0].assetID)@1")
        }
        let job = try fixture.store.addJob(
            site: site, request: #"{"before": "\#(ids[0])", "after": "\#(ids[1])"}"#, actor: "surveyor")
        let views = try fixture.jobs.follow(job.id)
        fixture.jobs.jobQueued()
        for await _ in views {}
        let done = try fixture.store.job(job.id)
        let id = try #require(done.findingID, "\(done.error ?? "")")
        return try fixture.store.finding(id)
    }

    @Test func thePhotographsAreSwipedAndTheChangesShown() async throws {
        let fixture = try ServerFixture()
        let finding = try await comparedFacade(fixture, site: "PUB-1")
        #expect(finding.method == .photo && finding.regionCount >= 1)
        try await fixture.application().test(.router) { client in
            let viewer = try await WebPageTests().signIn(client, "viewer")
            let html = try await client.execute(
                uri: "/findings/\(finding.id)", method: .get, headers: [.cookie: viewer]
            ) {
                response -> String in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            #expect(html.contains(#"<script type="module" src="/static/photo.js"></script>"#))
            #expect(html.contains(#"id="swipe-position""#) && html.contains(#"id="show-changes""#))
            #expect(html.contains("facade-2019.png") && html.contains("facade-2026.png"))
            #expect(html.contains("Change mask") && html.contains("<td>1</td>"))
            for source in html.matches(of: /src="(\/api\/files\/[^"]+)"/).map({ String($0.1) }) {
                try await client.execute(uri: source, method: .get, headers: [.cookie: viewer]) {
                    #expect($0.status == .ok && $0.headers[.contentType] == "image/png", "\(source)")
                }
            }
            let sitePage = try await client.execute(uri: "/sites/PUB-1", method: .get, headers: [.cookie: viewer]) {
                String(buffer: $0.body)
            }
            #expect(sitePage.contains(#"href="/findings/\#(finding.id)""#) && sitePage.contains(">Photographs<"))
            try await client.execute(uri: "/static/photo.js", method: .get) {
                #expect(String(buffer: $0.body).contains("--split"))
            }
        }
    }
}

/// The viewer's sampler and colouring, which run in chunks on every core, against the one-point-
/// at-a-time rule they stand for.
@Suite struct ViewerSamplingTests {
    func randomCloud(_ count: Int) -> ComparisonViewer.Cloud {
        var generator = SeededGenerator(seed: 7)
        var positions: [Double] = []
        var colours: [UInt8] = []
        var finite = 0
        for index in 0..<count {
            let broken = index % 97 == 5
            for _ in 0..<3 { positions.append(broken ? .nan : Double.random(in: -50...50, using: &generator) + 1000) }
            finite += broken ? 0 : 1
            for _ in 0..<3 { colours.append(UInt8.random(in: 0...255, using: &generator)) }
        }
        return ComparisonViewer.Cloud(
            positions: positions, colours: colours, finiteCount: finite, lower: SIMD3(repeating: 950),
            upper: SIMD3(repeating: 1050), range: nil)
    }

    @Test func theSampleIsThePointsTheRuleKeepsInIndexOrder() throws {
        let cloud = randomCloud(300_000)
        let origin = SIMD3<Double>(1000, 1000, 1000)
        for (lower, upper, budget) in [
            (SIMD3<Double>(990, 985, 950), SIMD3<Double>(1010, 1020, 1050), 7_000),
            (SIMD3<Double>(repeating: -.infinity), SIMD3<Double>(repeating: .infinity), 25_000),
            (SIMD3<Double>(repeating: -.infinity), SIMD3<Double>(repeating: .infinity), 1_000_000),
        ] {
            let counting = lower.x.isFinite
            let bytes = ComparisonViewer.sample(
                cloud, lower: lower, upper: upper, counting: counting, budget: budget, origin: origin
            ) { inBox, kept in "in box \(inBox) kept \(kept)\n" }
            // The rule, one point at a time.
            let count = cloud.positions.count / 3
            func inside(_ index: Int) -> Bool {
                let p = SIMD3(
                    cloud.positions[3 * index], cloud.positions[3 * index + 1], cloud.positions[3 * index + 2])
                return p.x.isFinite && p.y.isFinite && p.z.isFinite && all(p .>= lower) && all(p .<= upper)
            }
            let inBox = (0..<count).filter(inside).count
            let threshold =
                inBox <= budget ? UInt64.max : UInt64(Double(UInt64.max) * (Double(budget) / Double(inBox)))
            var expected = Data("in box \(inBox) kept ".utf8)
            var records = Data()
            var kept = 0
            for index in 0..<count where inside(index) && ComparisonViewer.mix(UInt64(index)) <= threshold {
                for axis in 0..<3 {
                    var value = Float(cloud.positions[3 * index + axis] - origin[axis]).bitPattern.littleEndian
                    withUnsafeBytes(of: &value) { records.append(contentsOf: $0) }
                }
                records.append(contentsOf: cloud.colours[(3 * index)..<(3 * index + 3)])
                kept += 1
            }
            expected.append(contentsOf: "\(kept)\n".utf8)
            expected.append(records)
            #expect(bytes == expected, "budget \(budget): \(inBox) in the box, \(kept) kept")
            #expect(kept > 0 && kept <= Int(Double(budget) * 1.05) + 50)
        }
    }

    @Test func coloursAreWithinOneLevelOfTheHeatMapsAndNoDataIsGrey() {
        var generator = SeededGenerator(seed: 3)
        var distance = (0..<200_000).map { _ in Float.random(in: -0.2...0.2, using: &generator) }
        distance += [.nan, .infinity, -.infinity, 0, 5, -5, 0.05, -0.05]
        var colours = [UInt8](repeating: 0, count: distance.count * 3)
        ComparisonViewer.colour(distance, range: 0.05, into: &colours)
        var worst = 0
        for (index, value) in distance.enumerated() {
            let expected = value.isFinite ? HeatMap.color(Double(value), range: 0.05) : HeatMap.noDataColor
            for channel in 0..<3 {
                worst = max(worst, abs(Int(colours[3 * index + channel]) - Int(expected[channel])))
            }
        }
        #expect(worst <= 1, "a channel is \(worst) levels off")
        let last = distance.count - 8
        #expect(
            colours[(3 * last)..<(3 * last + 3)].elementsEqual([
                HeatMap.noDataColor.x, HeatMap.noDataColor.y, HeatMap.noDataColor.z,
            ]))
    }
}
