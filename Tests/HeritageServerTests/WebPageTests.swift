import Foundation
import HTTPTypes
import HeritageOperations
import HeritageServer
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeritageServer

/// The pages people read in a browser: signed in through a form with a token, in English,
/// Arabic (right to left) or Ukrainian, with every text escaped and no script anywhere.
@Suite struct WebPageTests {
    /// The `heritage_form` cookie and the token in the sign-in form, which must match.
    func loginForm(_ client: some TestClientProtocol, headers: HTTPFields = [:]) async throws -> (
        cookie: String, token: String, html: String
    ) {
        try await client.execute(uri: "/login", method: .get, headers: headers) { response in
            #expect(response.status == .ok)
            let html = String(buffer: response.body)
            let cookie = try #require(response.headers[.setCookie]).prefix { $0 != ";" }
            let token = try #require(html.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)
            return (String(cookie), String(token), html)
        }
    }

    func form(_ fields: [String: String]) -> ByteBuffer {
        var components = URLComponents()
        components.queryItems = fields.map { URLQueryItem(name: $0.key, value: $0.value) }
        return ByteBuffer(string: components.percentEncodedQuery ?? "")
    }

    static let formHeaders: HTTPFields = [
        .contentType: "application/x-www-form-urlencoded", .origin: "http://localhost",
    ]

    /// Signs in through the form; returns the session cookie.
    func signIn(_ client: some TestClientProtocol, _ name: String, next: String = "") async throws -> String {
        let (cookie, token, _) = try await loginForm(client)
        var headers = Self.formHeaders
        headers[.cookie] = cookie
        return try await client.execute(
            uri: "/login", method: .post, headers: headers,
            body: form(["username": name, "password": ServerFixture.password, "csrf": token, "next": next])
        ) { response in
            #expect(response.status == .seeOther)
            return try #require(response.headers[.setCookie]).prefix { $0 != ";" }.description
        }
    }

    @Test func aViewerSignsInThroughTheFormAndReadsTheSites() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            // Anonymous: to the sign-in page, which comes back.
            try await client.execute(uri: "/sites/PUB-1", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login?next=%2Fsites%2FPUB%2D1")
            }
            let (cookie, token, html) = try await loginForm(client)
            #expect(html.contains(#"<label for="username">"#) && html.contains(#"<label for="password">"#))
            #expect(cookie.hasPrefix("heritage_form="))
            var headers = Self.formHeaders
            headers[.cookie] = cookie
            // A wrong password: 401, the form again, its error tied to the fields.
            try await client.execute(
                uri: "/login", method: .post, headers: headers,
                body: form(["username": "viewer", "password": "nope", "csrf": token])
            ) { response in
                #expect(response.status == .unauthorized)
                let text = String(buffer: response.body)
                #expect(text.contains(#"id="signin-error""#) && text.contains(#"aria-describedby="signin-error""#))
                #expect(text.contains("Wrong name or password."))
            }
            // Without the form's token (a page elsewhere posting to it): refused.
            try await client.execute(
                uri: "/login", method: .post, headers: Self.formHeaders,
                body: form(["username": "viewer", "password": ServerFixture.password, "csrf": token])
            ) { #expect($0.status == .forbidden) }
            // A next that leaves the site is not followed.
            try await client.execute(
                uri: "/login", method: .post, headers: headers,
                body: form([
                    "username": "viewer", "password": ServerFixture.password, "csrf": token,
                    "next": "//evil.example/",
                ])
            ) { #expect($0.headers[.location] == "/sites") }

            let session = try await signIn(client, "viewer", next: "/sites/PUB-1")
            try await client.execute(uri: "/sites", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#"href="/sites/PUB-1""#) && text.contains(#"href="/sites/RES-1""#))
                #expect(text.contains("generalised to its 0.1° cell"))
                #expect(!text.contains(ServerFixture.secretLatitude.prefix(7)))
            }
            try await client.execute(uri: "/sites?kind=mosque", method: .get, headers: [.cookie: session]) {
                #expect(String(buffer: $0.body).contains("No site matches."))
            }
            try await client.execute(uri: "/sites/PUB-1", method: .get, headers: [.cookie: session]) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"<span lang="sr-Cyrl" dir="auto">Стари мост</span>"#))
                #expect(text.contains(#"href="/api/sites/PUB-1/report.zip""#))
            }
            // Refusals come as pages, not as the API's JSON.
            try await client.execute(uri: "/sites/NOPE", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("There is no such page."))
            }
            try await client.execute(uri: "/sites?kind=nope", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("unknown site kind &#39;nope&#39;"))
            }
            // Sign-out needs the page's token.
            try await client.execute(
                uri: "/logout", method: .post, headers: [.cookie: session, .origin: "http://localhost"],
                body: form(["csrf": "00"])
            ) { #expect($0.status == .forbidden) }
            let pageToken = try await client.execute(uri: "/sites", method: .get, headers: [.cookie: session]) {
                try #require(String(buffer: $0.body).firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1).description
            }
            var signOut = Self.formHeaders
            signOut[.cookie] = session
            try await client.execute(uri: "/logout", method: .post, headers: signOut, body: form(["csrf": pageToken])) {
                #expect($0.status == .seeOther && $0.headers[.location] == "/login")
            }
            try await client.execute(uri: "/sites", method: .get, headers: [.cookie: session]) {
                #expect($0.status == .seeOther)
            }
        }
    }

    /// A reviewer sees the pending edit beside the record (restricted positions generalised),
    /// cannot reject it without a reason (the error at the field), and rejects it with one.
    @Test func aReviewerDecidesAProposalFromThePage() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let viewer = try await signIn(client, "viewer")
            try await client.execute(uri: "/review", method: .get, headers: [.cookie: viewer]) {
                #expect($0.status == .forbidden)
            }
            let reviewer = try await signIn(client, "reviewer")
            let token = try await client.execute(uri: "/review", method: .get, headers: [.cookie: reviewer]) {
                response -> String in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("Edit of a site: RES-1") && text.contains("<code>community</code>"))
                #expect(text.contains("Assyrian") && text.contains(#"href="/review""#))
                #expect(!text.contains(ServerFixture.secretLatitude) && !text.contains(ServerFixture.secretLongitude))
                return try #require(text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1).description
            }
            var headers = Self.formHeaders
            headers[.cookie] = reviewer
            let uri = "/review/\(ServerFixture.proposalID)"
            try await client.execute(
                uri: uri, method: .post, headers: headers, body: form(["csrf": token, "decision": "reject"])
            ) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(text.contains("a rejection needs its reason"))
                #expect(text.contains(#"aria-describedby="error-\#(ServerFixture.proposalID)""#))
            }
            try await client.execute(
                uri: uri, method: .post, headers: headers,
                body: form(["csrf": token, "decision": "reject", "reason": "No source for the community."])
            ) { #expect($0.status == .seeOther) }
            let decided = try fixture.store.proposal(ServerFixture.proposalID)
            #expect(decided.status == .rejected && decided.decidedBy == "reviewer")
            #expect(decided.reason == "No source for the community.")
            try await client.execute(uri: "/review", method: .get, headers: [.cookie: reviewer]) {
                #expect(String(buffer: $0.body).contains("No proposal is waiting."))
            }
        }
    }

    /// The audit log as a page: the chain's state, events filtered by actor, restricted values
    /// withheld from a reviewer without clearance.
    @Test func aReviewerReadsTheAuditLog() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let reviewer = try await signIn(client, "reviewer")
            try await client.execute(uri: "/audit", method: .get, headers: [.cookie: reviewer]) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains("The hash chain is intact through event"))
                #expect(text.contains("site.create") && text.contains("values withheld"))
                #expect(!text.contains(ServerFixture.secretLatitude))
            }
            try await client.execute(uri: "/audit?actor=surveyor", method: .get, headers: [.cookie: reviewer]) {
                response in
                let text = String(buffer: response.body)
                let actors = text.matches(of: /<td><span dir="auto">([^<]*)<\/span><\/td>/).map { String($0.1) }
                #expect(!actors.isEmpty && actors.allSatisfy { $0 == "surveyor" }, "\(actors)")
            }
            let surveyor = try await signIn(client, "surveyor")
            try await client.execute(uri: "/audit", method: .get, headers: [.cookie: surveyor]) {
                #expect($0.status == .forbidden)
            }
        }
    }

    /// A surveyor proposes an assessment from the site page's form: a refused field comes back
    /// marked with its message and the answers kept; a complete form becomes a pending proposal.
    @Test func aSurveyorProposesAnAssessmentFromTheForm() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let surveyor = try await signIn(client, "surveyor")
            try await client.execute(uri: "/sites/PUB-1", method: .get, headers: [.cookie: surveyor]) {
                #expect(String(buffer: $0.body).contains(#"href="/sites/PUB-1/assess""#))
            }
            let token = try await client.execute(uri: "/sites/PUB-1/assess", method: .get, headers: [.cookie: surveyor])
            {
                response -> String in
                let text = String(buffer: response.body)
                #expect(text.contains(#"<label for="overallCondition">"#) && text.contains("Severe damage"))
                return try #require(text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1).description
            }
            var headers = Self.formHeaders
            headers[.cookie] = surveyor
            let missingDate = "csrf=\(token)&overallCondition=very-bad&certainty=high&effects=burning&notes=Roof+gone"
            try await client.execute(
                uri: "/sites/PUB-1/assess", method: .post, headers: headers, body: ByteBuffer(string: missingDate)
            ) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(text.contains(#"id="date-error""#) && text.contains(#"aria-describedby="date-error""#))
                #expect(text.contains(#"<option value="very-bad" selected="selected">"#))
                #expect(text.contains(#"value="burning" checked="checked""#) && text.contains("Roof gone"))
            }
            try await client.execute(
                uri: "/sites/PUB-1/assess", method: .post, headers: headers,
                body: ByteBuffer(
                    string: missingDate + "&date=2026-05-02&activity=field-visit&effects=collapse-structural-damage")
            ) { response in
                let text = String(buffer: response.body)
                let errors = text.matches(of: /class="error"[^>]*>([^<]*)</).map { String($0.1) }
                #expect(
                    response.status == .seeOther && response.headers[.location] == "/sites/PUB-1",
                    "\(response.status) \(errors)")
            }
            let proposal = try #require(
                try fixture.store.proposals(status: .pending, site: "PUB-1", proposedBy: nil, limit: 5, offset: 0).first
            )
            #expect(proposal.kind == .conditionCreate && proposal.proposedBy == "surveyor")
            #expect(proposal.assessment?.overallCondition == .veryBad && proposal.assessment?.date == "2026-05-02")
            #expect(proposal.assessment?.effects.count == 2 && proposal.assessment?.notes == "Roof gone")
            let viewer = try await signIn(client, "viewer")
            try await client.execute(uri: "/sites/PUB-1/assess", method: .get, headers: [.cookie: viewer]) {
                #expect($0.status == .forbidden)
            }
        }
    }

    /// A surveyor records a survey from the form; an end before the start comes back at its field.
    @Test func aSurveyorRecordsASurveyFromTheForm() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let surveyor = try await signIn(client, "surveyor")
            let token = try await client.execute(uri: "/sites/PUB-1/survey", method: .get, headers: [.cookie: surveyor])
            {
                response -> String in
                let text = String(buffer: response.body)
                #expect(text.contains(#"<label for="startDate">"#) && text.contains("Terrestrial laser scan"))
                return try #require(text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1).description
            }
            var headers = Self.formHeaders
            headers[.cookie] = surveyor
            try await client.execute(
                uri: "/sites/PUB-1/survey", method: .post, headers: headers,
                body: form(["csrf": token, "method": "photogrammetry", "team": "Lena, Omar"])
            ) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(text.contains(#"aria-describedby="startDate-error""#) && text.contains("Lena, Omar"))
            }
            try await client.execute(
                uri: "/sites/PUB-1/survey", method: .post, headers: headers,
                body: form([
                    "csrf": token, "method": "photogrammetry", "team": "Lena, Omar", "startDate": "2026-05-03",
                    "notes": "North face",
                ])
            ) { #expect($0.status == .seeOther && $0.headers[.location] == "/sites/PUB-1") }
            let survey = try #require(try fixture.store.surveys(ofSite: "PUB-1").last)
            #expect(
                survey.team == ["Lena", "Omar"] && survey.method == .photogrammetry && survey.notes == "North face")
            #expect(try fixture.store.auditEvents().last { $0.action.hasPrefix("survey") }?.actor == "surveyor")
        }
    }

    /// The account page: a password changed only with the current one and the new one twice;
    /// a token issued, shown once, that then works as a bearer token.
    @Test func anAccountChangesItsPasswordAndIssuesAToken() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let viewer = try await signIn(client, "viewer")
            let token = try await client.execute(uri: "/account", method: .get, headers: [.cookie: viewer]) {
                response -> String in
                let text = String(buffer: response.body)
                #expect(text.contains("shown generalised (not cleared)") && text.contains(#"<label for="current">"#))
                return try #require(text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1).description
            }
            var headers = Self.formHeaders
            headers[.cookie] = viewer
            let fresh = "a new long passphrase"
            try await client.execute(
                uri: "/account/password", method: .post, headers: headers,
                body: form(["csrf": token, "current": "not it", "new": fresh, "repeat": fresh])
            ) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(
                    text.contains("This is not the current password.")
                        && text.contains(#"aria-describedby="current-error""#))
            }
            try await client.execute(
                uri: "/account/password", method: .post, headers: headers,
                body: form(["csrf": token, "current": ServerFixture.password, "new": fresh, "repeat": fresh + "!"])
            ) { #expect(String(buffer: $0.body).contains("The two new passwords differ.")) }
            try await client.execute(
                uri: "/account/password", method: .post, headers: headers,
                body: form(["csrf": token, "current": ServerFixture.password, "new": fresh, "repeat": fresh])
            ) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("The password is changed."))
            }
            #expect(try fixture.store.signIn(name: "viewer", password: fresh) != nil)
            #expect(try fixture.store.signIn(name: "viewer", password: ServerFixture.password) == nil)

            let issued = try await client.execute(
                uri: "/account/token", method: .post, headers: headers,
                body: form(["csrf": token, "label": "QGIS script"])
            ) { response -> String in
                try #require(
                    String(buffer: response.body).firstMatch(of: /<code class="token">(hrt_[0-9a-f]+)<\/code>/)?.1
                )
                .description
            }
            try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "Bearer \(issued)"]) {
                #expect($0.status == .ok && String(buffer: $0.body).contains("viewer"))
            }
        }
    }

    @Test func arabicIsLaidOutRightToLeftAndTheChoiceIsRemembered() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await signIn(client, "viewer")
            try await client.execute(uri: "/sites/PUB-1?lang=ar", method: .get, headers: [.cookie: session]) {
                response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"<html lang="ar" dir="rtl">"#))
                #expect(text.contains("الأسماء") && text.contains("تسجيل الخروج"))
                // Its vocabulary too (PUB-1 is a bridge and on the World Heritage List), and what
                // the listing and the Rome Statute mean, in Arabic.
                #expect(
                    text.contains("<dd dir=\"auto\">جسر</dd>") && text.contains("التراث العالمي لليونسكو"), "\(text)")
                #expect(text.contains(#"<p class="legal">مدرج في قائمة التراث العالمي"#))
                #expect(text.contains("نظام روما الأساسي") && !text.contains("Rome Statute"))
                #expect(response.headers[.setCookie]?.hasPrefix("heritage_lang=ar") == true)
            }
            try await client.execute(
                uri: "/login", method: .get, headers: [.acceptLanguage: "uk-UA,uk;q=0.9,en;q=0.5"]
            ) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"<html lang="uk" dir="ltr">"#) && text.contains("Пароль"))
            }
        }
    }

    @Test func englishAndArabicAreComplete() {
        for key in UIText.allCases {
            #expect(UIText.english[key]?.isEmpty == false, "English lacks \(key)")
            #expect(UIText.arabic[key]?.isEmpty == false, "Arabic lacks \(key)")
        }
        #expect(!UIText.ukrainian.isEmpty)
        // The vocabularies too: every term the pages show has its Arabic label.
        for (vocabulary, slugs) in VocabularyText.shown {
            for slug in slugs {
                #expect(
                    VocabularyText.arabic["\(vocabulary)/\(slug)"]?.isEmpty == false,
                    "Arabic lacks \(vocabulary) \(slug)")
            }
        }
        #expect(
            WebLanguage.ar.term(SiteKind.cemetery) == "مقبرة" && WebLanguage.en.term(SiteKind.cemetery) == "Cemetery")
        #expect(Set(OverallCondition.allCases.compactMap { VocabularyText.conditionMeanings[.ar]?[$0] }).count == 6)
        // What each designation means in law: every one in Arabic and Ukrainian, each its own text.
        for texts in [LegalText.arabic, LegalText.ukrainian] {
            #expect(Set(DesignationType.allCases.compactMap { texts[$0] }).count == DesignationType.allCases.count)
        }
        #expect(LegalText.meaning(of: .hagueEnhanced, in: .ar).contains("المادة 15"))
        #expect(WebLanguage.choose(query: nil, cookie: nil, acceptLanguage: "fr, ar;q=0.8") == .ar)
        #expect(WebLanguage.choose(query: "xx", cookie: "uk", acceptLanguage: "ar") == .uk)
    }

    /// `<script>` planted in every text field a page shows: no page carries it as markup, and
    /// no page carries a script or an inline style at all (the CSP would refuse them anyway).
    @Test func plantedMarkupIsShownAsTextOnEveryPage() async throws {
        let fixture = try ServerFixture()
        let planted = #"<script>alert("x")</script>"#
        var site = makeSite(code: "XSS-1")
        site.names = [
            SiteName(language: "en", name: planted, isPrimary: true), SiteName(language: "ar", name: planted),
        ]
        site.community = planted
        site.period = planted
        site.description = planted
        site.designations = [Designation(type: .worldHeritage, reference: planted, date: "2001")]
        let stored = try fixture.store.addSite(site, actor: "setup")
        _ = try fixture.store.addSurvey(
            Survey(
                siteID: stored.id, startDate: "2026-05-01", team: [planted], method: .photogrammetry, notes: planted),
            actor: "surveyor")
        _ = try fixture.store.addAssessment(
            ConditionAssessment(
                siteID: stored.id, assessor: planted, date: "2026-05-02", activity: .fieldVisit,
                overallCondition: .poor, certainty: .high, notes: planted),
            actor: "surveyor")
        let file = fixture.folder.appending(path: "stone.obj")
        try Data("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n".utf8).write(to: file)
        var upload = FileImportRequest(site: "XSS-1", files: [.init(path: file.path, name: "\(planted).obj")])
        upload.title = planted
        _ = try fixture.store.importFiles(upload, actor: "surveyor")
        // A second scan, so that the comparison form lists both.
        upload.files = [.init(path: file.path, name: "second \(planted).obj")]
        try Data("v 0 0 0\nv 2 0 0\nv 0 2 0\nf 1 2 3\n".utf8).write(to: file)
        _ = try fixture.store.importFiles(upload, actor: "surveyor")
        // A proposal with the planted text, for the surveyor's list of proposals.
        var edited = try fixture.store.requireSite("XSS-1")
        edited.period = planted + " (edited)"
        _ = try fixture.store.propose(
            Proposal(kind: .siteUpdate, siteID: stored.id, site: edited, note: planted, proposedBy: ""),
            actor: "surveyor")
        try await fixture.application().test(.router) { client in
            let session = try await signIn(client, "surveyor")
            for uri in [
                "/sites", "/sites?q=\(planted.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                "/sites/XSS-1", "/sites/XSS-1?lang=ar", "/login", "/sites/XSS-1/edit", "/sites/XSS-1/upload",
                "/sites/XSS-1/compare", "/sites/XSS-1/survey", "/sites/XSS-1/assess", "/proposals",
            ] {
                try await client.execute(uri: uri, method: .get, headers: [.cookie: session]) { response in
                    let text = String(buffer: response.body)
                    #expect(response.status == (uri == "/login" ? .seeOther : .ok), "\(uri)")
                    // The only scripts are the app's own modules, loaded from its origin.
                    let scripts = text.lowercased().matches(of: /<script[^>]*>/).map { String($0.0) }
                    #expect(
                        scripts.allSatisfy { $0.hasPrefix(#"<script type="module" src="/static/"#) },
                        "\(uri): \(scripts)")
                    #expect(!text.contains(" style="), "\(uri)")
                    #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                    // (The survey and assessment forms show the site by its code alone.)
                    if uri.hasPrefix("/sites/") && !uri.hasSuffix("/survey") && !uri.hasSuffix("/assess")
                        || uri == "/proposals"
                    {
                        #expect(text.contains("&lt;script&gt;"), "\(uri)")
                    }
                }
            }
        }
    }
}
