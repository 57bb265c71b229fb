import Foundation
import HTTPTypes
import HeritageOperations
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import ScanImport
import Testing

@testable import HeritageServer

/// The surveyors' pages that change things: a site proposed or edited from a form, files
/// uploaded from the page, a comparison launched and followed. Each goes through the same
/// operations as the API, with the page's token, and refusals shown at their fields.
@Suite struct WebWorkTests {
    let pages = WebPageTests()

    func token(_ html: String) throws -> String {
        try #require(html.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1).description
    }

    func get(_ client: some TestClientProtocol, _ uri: String, _ cookie: String) async throws -> (
        HTTPResponse.Status, String
    ) {
        try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) {
            ($0.status, String(buffer: $0.body))
        }
    }

    func post(_ client: some TestClientProtocol, _ uri: String, _ cookie: String, _ body: String) async throws -> (
        HTTPResponse.Status, String, String?
    ) {
        var headers = WebPageTests.formHeaders
        headers[.cookie] = cookie
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            ($0.status, String(buffer: $0.body), $0.headers[.location])
        }
    }

    func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    @Test func aSurveyorProposesANewSiteFromTheFormAndSeesItWaitForReview() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let surveyor = try await pages.signIn(client, "surveyor")
            let (status, html) = try await get(client, "/sites/new", surveyor)
            #expect(status == .ok)
            for field in ["code", "kind", "nameText-0", "nameLanguage-0", "latitude", "longitude", "sensitivity"] {
                #expect(html.contains(#"<label for="\#(field)">"#), "\(field)")
            }
            let token = try token(html)
            // No name, a latitude out of range, a designation date that is no date: each at its field.
            let bad =
                "csrf=\(token)&code=ARM-0042&kind=church&nameText=&nameLanguage=&latitude=95&longitude=44.5"
                + "&sensitivity=public&designationType=world-heritage&designationReference=23"
                + "&designationDate=19x"
            let (refused, page, _) = try await post(client, "/sites/new", surveyor, bad)
            #expect(refused == .badRequest)
            #expect(page.contains(#"aria-describedby="nameText-0-error""#), "\(page)")
            #expect(page.contains(#"value="ARM-0042""#) && page.contains(#"value="95""#))
            let (stillRefused, second, _) = try await post(
                client, "/sites/new", surveyor,
                bad.replacingOccurrences(
                    of: "nameText=&nameLanguage=", with: "nameText=Surb+Astvatsatsin&nameLanguage=hy"))
            #expect(stillRefused == .badRequest)
            #expect(second.contains(#"id="latitude-error""#), "\(second)")
            // Two names in two scripts (an empty row ignored), a designation, a note.
            let good =
                "csrf=\(token)&code=ARM-0042&kind=church"
                + "&nameText=\(encoded("Սուրբ Աստվածածին"))&nameLanguage=hy"
                + "&nameText=\(encoded("Holy Mother of God"))&nameLanguage=en&nameText=&nameLanguage="
                + "&latitude=40.1772&longitude=44.5035&precisionMetres=25&locationCertainty=high"
                + "&sensitivity=public&country=am&period=\(encoded("13th century"))"
                + "&designationType=national-register&designationReference=2.1.45&designationDate=2002"
                + "&designationType=&designationReference=&designationDate="
                + "&note=\(encoded("Seen on the 2026 visit"))"
            let (sent, _, location) = try await post(client, "/sites/new", surveyor, good)
            #expect(sent == .seeOther)
            let proposal = try #require(
                try fixture.store.proposals(status: .pending, site: nil, proposedBy: "surveyor", limit: 10, offset: 0)
                    .first { $0.kind == .siteCreate })
            #expect(location == "/proposals?sent=\(proposal.id)")
            let site = try #require(proposal.site)
            #expect(site.code == "ARM-0042" && site.kind == .church && site.country == "AM")
            #expect(site.names.map(\.name) == ["Սուրբ Աստվածածին", "Holy Mother of God"])
            #expect(site.names.first?.isPrimary == true && site.names.map(\.language) == ["hy", "en"])
            #expect(site.location.latitude == 40.1772 && site.location.precisionMetres == 25)
            #expect(site.designations == [Designation(type: .nationalRegister, reference: "2.1.45", date: "2002")])
            #expect(proposal.note == "Seen on the 2026 visit")
            #expect(try fixture.store.site("ARM-0042") == nil)  // not in the register until approved
            let (_, list) = try await get(client, location ?? "", surveyor)
            #expect(
                list.contains("Sent for review") && list.contains("ARM-0042") && list.contains("Waiting for review"))
            // The same code again: refused at the code field once it is in the register.
            _ = try fixture.store.decide(proposal: proposal.id, approve: true, reason: nil, actor: "reviewer")
            let (again, repeated, _) = try await post(client, "/sites/new", surveyor, good)
            #expect(again == .badRequest && repeated.contains(#"id="code-error""#), "\(repeated)")
            let viewer = try await pages.signIn(client, "viewer")
            #expect(try await get(client, "/sites/new", viewer).0 == .forbidden)
        }
    }

    /// An edit by a surveyor without clearance of a restricted site: the form neither shows nor
    /// takes its position or its sensitivity, and the proposal keeps both as stored.
    @Test func anUnclearedEditOfARestrictedSiteKeepsItsPositionAndSensitivity() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let surveyor = try await pages.signIn(client, "surveyor")
            let (status, html) = try await get(client, "/sites/RES-1/edit", surveyor)
            #expect(status == .ok)
            #expect(!html.contains(ServerFixture.secretLatitude) && !html.contains(ServerFixture.secretLongitude))
            #expect(!html.contains(#"id="latitude""#) && html.contains("not cleared"))
            let token = try token(html)
            let (sent, page, _) = try await post(
                client, "/sites/RES-1/edit", surveyor,
                "csrf=\(token)&kind=church&nameText=Mar+Elian&nameLanguage=en&sensitivity=public"
                    + "&latitude=1&longitude=2&period=Byzantine")
            #expect(sent == .seeOther, "\(page)")
            let proposal = try #require(
                try fixture.store.proposals(status: .pending, site: "RES-1", proposedBy: nil, limit: 10, offset: 0)
                    .first { $0.site?.period == "Byzantine" })
            let stored = try fixture.store.requireSite("RES-1")
            #expect(proposal.kind == .siteUpdate && proposal.site?.location == stored.location)
            #expect(proposal.site?.sensitivity == .restricted)
            // A public site's edit shows its position and takes a new one.
            let (_, publicPage) = try await get(client, "/sites/PUB-1/edit", surveyor)
            #expect(publicPage.contains(#"id="latitude""#) && publicPage.contains("34.5505"))
        }
    }

    @Test func filesUploadedFromThePageWithoutScriptAreStoredOrRefusedWhole() async throws {
        let fixture = try ServerFixture()
        let boundary = "----heritagePageBoundary"
        try await fixture.application().test(.router) { client in
            let surveyor = try await pages.signIn(client, "surveyor")
            let (status, html) = try await get(client, "/sites/PUB-1/upload", surveyor)
            #expect(status == .ok)
            #expect(html.contains(#"capture="environment""#) && html.contains(#"multiple="multiple""#))
            #expect(html.contains(#"<script type="module" src="/static/upload.js"></script>"#))
            let token = try token(html)
            func send(_ parts: [(String, String?, Data)]) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(
                    uri: "/sites/PUB-1/upload", method: .post,
                    headers: [
                        .cookie: surveyor, .origin: "http://localhost",
                        .contentType: "multipart/form-data; boundary=\(boundary)",
                    ], body: UploadTests.form(parts, boundary: boundary)
                ) { ($0.status, String(buffer: $0.body)) }
            }
            let broken = Data("ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nend_header\n1\n".utf8)
            // A file the reader refuses: the page names it and why; neither file is kept.
            let (refused, page) = try await send([
                ("csrf", nil, Data(token.utf8)), ("files", "good.ply", UploadTests.ply),
                ("files", "short <b>.ply", broken), ("photo", "", Data()),
            ])
            #expect(refused == .unprocessableContent)
            #expect(page.contains("short &lt;b&gt;.ply") && page.contains(#"role="alert""#), "\(page)")
            #expect(try fixture.store.assets(ofSite: "PUB-1").isEmpty)
            // Without the page's token: refused, nothing kept.
            let (forged, _) = try await send([("csrf", nil, Data("00".utf8)), ("files", "good.ply", UploadTests.ply)])
            #expect(forged == .forbidden)
            #expect(try fixture.store.assets(ofSite: "PUB-1").isEmpty)
            // An empty photo field (no picture taken) is no file.
            let (stored, done) = try await send([
                ("csrf", nil, Data(token.utf8)), ("files", "good.ply", UploadTests.ply), ("photo", "", Data()),
            ])
            #expect(stored == .ok && done.contains("good.ply → @1"), "\(done)")
            let assets = try fixture.store.assets(ofSite: "PUB-1")
            #expect(assets.count == 1 && assets.first?.versions.first?.fileName == "good.ply")
            #expect(try fixture.store.auditEvents().last?.actor == "surveyor")
            #expect(UploadTests.incomingFiles(fixture).isEmpty)
        }
    }

    @Test func aComparisonLaunchedFromThePageIsFollowedToItsFinding() async throws {
        let fixture = try ServerFixture()
        let asset = try JobTests().wall(fixture)
        try await fixture.application().test(.router) { client in
            let surveyor = try await pages.signIn(client, "surveyor")
            let (status, html) = try await get(client, "/sites/PUB-1/compare", surveyor)
            #expect(status == .ok)
            #expect(html.contains(#"value="\#(asset)@1""#) && html.contains(#"value="\#(asset)@2""#))
            #expect(html.contains(#"aria-describedby="cylinderRadius-hint""#) && html.contains("default: 5 s"))
            let token = try token(html)
            let parameters = "&normalRadius=0.06&cylinderRadius=0.03&cylinderHalfLength=0.1&coreSpacing=0.01"
            // The same version twice, and a radius that is no number: refused at their fields.
            let (refused, page, _) = try await post(
                client, "/sites/PUB-1/compare", surveyor,
                "csrf=\(token)&before=\(asset)@2&after=\(asset)@2&cylinderRadius=wide")
            #expect(refused == .badRequest && page.contains(#"id="cylinderRadius-error""#), "\(page)")
            let (sameRefused, samePage, _) = try await post(
                client, "/sites/PUB-1/compare", surveyor, "csrf=\(token)&before=\(asset)@2&after=\(asset)@2")
            #expect(sameRefused == .badRequest && samePage.contains(#"id="after-error""#), "\(samePage)")
            #expect(try fixture.store.jobs(status: nil, site: "PUB-1", limit: 100, offset: 0).isEmpty)
            let (sent, _, location) = try await post(
                client, "/sites/PUB-1/compare", surveyor,
                "csrf=\(token)&before=\(asset)@1&after=\(asset)@2&method=m3c2&align=none&registrationError=0.001"
                    + parameters)
            #expect(sent == .seeOther)
            let job = try #require(try fixture.store.jobs(status: nil, site: "PUB-1", limit: 100, offset: 0).first)
            #expect(location == "/jobs/\(job.id)" && job.requestedBy == "surveyor")
            let (_, running) = try await get(client, "/jobs/\(job.id)", surveyor)
            #expect(running.contains(#"id="job-progress""#) && running.contains("PUB-1"))
            // Until the job ends, the page follows it: by script, or by reloading without.
            if !(try fixture.store.job(job.id).status.isFinished) {
                #expect(running.contains(#"src="/static/job.js""#))
                #expect(running.contains(#"<noscript><meta http-equiv="refresh" content="3"></noscript>"#))
            }
            for await _ in try fixture.jobs.follow(job.id) {}
            let (_, finished) = try await get(client, "/jobs/\(job.id)", surveyor)
            #expect(finished.contains("Finished") && finished.contains(#"value="100""#), "\(finished)")
            #expect(!finished.contains("job.js") && !finished.contains("refresh"))
            #expect(finished.contains(#"href="/sites/PUB-1#findings""#))
            let finding = try #require(try fixture.store.findings(ofSite: "PUB-1").first)
            #expect(finding.recordedBy == "surveyor" && finding.regionCount == 1)
            let (_, script) = try await get(client, "/static/job.js", surveyor)
            #expect(script.contains("EventSource"))
        }
    }

    /// A queued job cancelled from its page ends cancelled, by the one who asked.
    @Test func aJobIsCancelledFromItsPage() async throws {
        let fixture = try ServerFixture()
        let asset = try JobTests().wall(fixture)
        let job = try fixture.store.addJob(
            site: "PUB-1", request: String(buffer: JobTests().body(asset)), actor: "surveyor")
        try await fixture.application().test(.router) { client in
            let surveyor = try await pages.signIn(client, "surveyor")
            let (_, page) = try await get(client, "/jobs/\(job.id)", surveyor)
            #expect(page.contains(#"action="/jobs/\#(job.id)/cancel""#) && page.contains("Waiting"))
            let (status, _, location) = try await post(
                client, "/jobs/\(job.id)/cancel", surveyor, "csrf=\(try token(page))")
            #expect(status == .seeOther && location == "/jobs/\(job.id)")
            #expect(try fixture.store.job(job.id).status == .cancelled)
            let (_, after) = try await get(client, "/jobs/\(job.id)", surveyor)
            #expect(after.contains("Cancelled") && !after.contains("/cancel\""))
        }
    }
}

/// The site page checks each photograph's GPS against the site's position.
@Suite struct GPSCheckTests {
    @Test func aPhotographTakenElsewhereIsFlaggedAndARestrictedOneIsNotChecked() async throws {
        let fixture = try ServerFixture()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pixels = [UInt8](repeating: 90, count: 16 * 12 * 3)
        let far = folder.appending(path: "elsewhere.jpg")
        try Data(
            try ImageDecoder.encodeJPEG(
                DecodedImage(width: 16, height: 12, channels: 3, pixels: pixels),
                exif: ExifWriter.app1(
                    ExifWriter.Tags(
                        make: "Canon", model: "EOS R6", dateTimeOriginal: "2026:05:02 10:11:12", latitude: 40.1,
                        longitude: 44.5, altitude: 990)))
        ).write(to: far)
        _ = try fixture.store.importFiles(
            FileImportRequest(site: "PUB-1", files: [.init(path: far.path)]), actor: "surveyor")
        try await fixture.application().test(.router) { client in
            let viewer = try await WebPageTests().signIn(client, "viewer")
            let cleared = try await WebPageTests().signIn(client, "cleared")
            func page(_ uri: String, _ cookie: String) async throws -> String {
                try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            }
            let publicPage = try await page("/sites/PUB-1", viewer)
            #expect(publicPage.contains("⚠ ") && publicPage.contains("km from the site: check where it was taken"))
            #expect(publicPage.contains("Canon EOS R6"))
            let exact = try await page("/sites/RES-1", cleared)
            #expect(exact.contains("✓ 0 m from the site"), "\(exact)")
            let generalised = try await page("/sites/RES-1", viewer)
            #expect(generalised.contains("generalised: not checked") && !generalised.contains("✓ "))
        }
    }
}
