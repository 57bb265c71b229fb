import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// The pages people read in a browser, rendered on the server: sign-in and sign-out, the site
/// list with its filters, and a site's page. They need no script. Without clearance, restricted
/// sites are shown as the API shows them (their generalised cell), and a page is searched for
/// their positions before it is sent.
public struct WebRoutes: Sendable {
    let store: HeritageArchive
    let pool: BlockingPool
    let configuration: ServerConfiguration
    let sites: SiteRoutes
    let auth: AuthRoutes
    let audit: AuditRoutes
    let tokens = FormTokens()
    static let formCookie = "heritage_form"
    /// The pages' routes, as the OpenAPI document would write them: they are HTML for people,
    /// not part of the API it describes.
    public static let pages: Set<String> = [
        "GET /", "GET /static/app.css", "GET /login", "POST /login", "POST /logout", "GET /sites",
        "GET /sites/{code}", "GET /review", "POST /review/{id}", "GET /audit", "GET /sites/{code}/assess",
        "POST /sites/{code}/assess", "GET /sites/{code}/survey", "POST /sites/{code}/survey",
    ]

    func add(to router: Router<HeritageRequestContext>) {
        router.get("/") { _, _ in WebPage.redirect("/sites") }
        router.get("/static/app.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: WebStyles.css)))
        }
        router.get("/login") { request, context in
            let page = web(request, context)
            if context.account != nil { return WebPage.redirect("/sites") }
            return loginPage(page, request: request)
        }
        router.post("/login") { request, context in try await signIn(request, context) }
        router.post("/logout") { request, context -> Response in
            let fields = try await formFields(request)
            guard let secret = request.cookies[AuthenticationMiddleware.cookieName]?.value, !secret.isEmpty,
                context.account != nil
            else { return WebPage.redirect("/login") }
            guard tokens.check(fields["csrf"], session: secret) else {
                throw APIError(.forbidden, "this form has expired: reload the page and sign out again")
            }
            try await pool.run { try store.closeSession(secret) }
            var response = WebPage.redirect("/login")
            response.setCookie(auth.sessionCookie(value: "", maxAge: 0))
            return response
        }
        router.get("/sites") { request, context in
            let page = web(request, context)
            guard context.account != nil else { return signInFirst(page) }
            let list = try await sites.list(request.uri.queryParameters, includeRestricted: context.mayReadRestricted)
            return WebPage.render(page[.sitesTitle], page) { html in
                SiteListView(request: page, query: request.uri.queryParameters, list: list).write(&html)
            }
        }
        addReview(to: router)
        addAudit(to: router)
        addAssessmentForm(to: router)
        addSurveyForm(to: router)
        router.get("/sites/{code}") { request, context in
            let page = web(request, context)
            guard context.account != nil else { return signInFirst(page) }
            let code = try context.parameters.require("code")
            let includeRestricted = context.mayReadRestricted
            let text = try await pool.run { () throws -> String in
                let (site, release) = try SitePage.assemble(code, from: store, includeRestricted: includeRestricted)
                let html = WebPage.document(site.site.primaryName, page) { html in
                    SiteView(request: page, page: site).write(&html)
                }
                return try release.checked(html, of: release.site)
            }
            return WebPage.respond(text, page)
        }
    }

    /// `/review`: the pending proposals, for reviewers; `POST /review/{id}` decides one.
    func addReview(to router: Router<HeritageRequestContext>) {
        router.get("/review") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .reviewer) != nil else { return refusal(page, context) }
            return try await reviewPage(page, includeRestricted: context.mayReadRestricted)
        }
        router.post("/review/{id}") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .reviewer) else {
                return refusal(page, context)
            }
            let id = try context.parameters.require("id")
            let fields = try await formFields(request)
            guard tokens.check(fields["csrf"], session: secret) else {
                return try await reviewPage(
                    page, includeRestricted: context.mayReadRestricted, failure: (id, page[.formExpired]),
                    status: .forbidden)
            }
            let approve = fields["decision"] == "approve"
            let reason = fields["reason"]
            do {
                _ = try await pool.run {
                    try store.decide(proposal: id, approve: approve, reason: reason, actor: account.name)
                }
            } catch let error as HeritageStoreError {
                let status: HTTPResponse.Status =
                    switch error.code {
                    case .notFound: .notFound
                    case .invalidInput: .badRequest
                    case .notPermitted: .forbidden
                    default: .conflict
                    }
                return try await reviewPage(
                    page, includeRestricted: context.mayReadRestricted, failure: (id, error.message), status: status)
            }
            return WebPage.redirect("/review")
        }
    }

    func reviewPage(
        _ page: WebRequest, includeRestricted: Bool, failure: (id: String, message: String)? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let items = try await pool.run {
            try store.proposals(status: .pending, site: nil, proposedBy: nil, limit: 50, offset: 0).map { proposal in
                ReviewView.Item(
                    proposal: try store.released(proposal, includeRestricted: includeRestricted),
                    current: try store.site(proposal.siteID).map {
                        try store.release(ofSite: $0.id, includeRestricted: includeRestricted).releasedSite
                    })
            }
        }
        return WebPage.render(page[.reviewTitle], page, status: status) { html in
            ReviewView(request: page, items: items, failure: failure).write(&html)
        }
    }

    /// `/audit` (reviewers): the audit log a page at a time, newest first, filtered by entity,
    /// actor or action, with the chain's state.
    func addAudit(to router: Router<HeritageRequestContext>) {
        router.get("/audit") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .reviewer) != nil else {
                return refusal(page, context, title: page[.auditTitle])
            }
            let query = request.uri.queryParameters
            let events = try await audit.page(query, includeRestricted: context.mayReadRestricted)
            return WebPage.render(page[.auditTitle], page) { html in
                AuditView(request: page, query: query, page: events).write(&html)
            }
        }
    }

    /// `/sites/{code}/assess` (surveyors): a condition assessment proposed from a form.
    func addAssessmentForm(to router: Router<HeritageRequestContext>) {
        router.get("/sites/{code}/assess") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .surveyor) != nil else {
                return refusal(page, context, title: page[.assessTitle])
            }
            let code = try context.parameters.require("code")
            let site = try await pool.run { try store.requireSite(code) }
            return WebPage.render("\(page[.assessTitle]): \(site.code)", page) { html in
                AssessmentFormView(request: page, site: site).write(&html)
            }
        }
        router.post("/sites/{code}/assess") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .surveyor) else {
                return refusal(page, context, title: page[.assessTitle])
            }
            let code = try context.parameters.require("code")
            let site = try await pool.run { try store.requireSite(code) }
            let values = try await formValues(request)
            func first(_ name: String) -> String? { values[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }
            var errors: [String: String] = [:]
            func check<Term: VocabularyTerm>(_ name: String, _ type: Term.Type, required: Bool = false) {
                guard let value = first(name) else {
                    if required { errors[name] = page[.required] }
                    return
                }
                do { _ = try Term.parse(value) } catch { errors[name] = "\(error)" }
            }
            check("overallCondition", OverallCondition.self, required: true)
            check("certainty", Certainty.self, required: true)
            check("activity", AssessmentActivity.self, required: true)
            check("damageExtent", DamageExtent.self)
            check("causeCategory", DisturbanceCategory.self)
            check("causeType", DisturbanceType.self)
            if first("date") == nil { errors["date"] = page[.required] }
            for effect in values["effects"] ?? [] where (try? DisturbanceEffect.parse(effect)) == nil {
                errors["effects"] = "unknown effect '\(effect)'"
            }
            if !tokens.check(first("csrf"), session: secret) { errors["form"] = page[.formExpired] }
            if errors.isEmpty {
                let input = ProposalRoutes.AssessmentInput(
                    overallCondition: first("overallCondition") ?? "", certainty: first("certainty") ?? "",
                    date: first("date"), activity: first("activity"), damageExtent: first("damageExtent"),
                    causeCategory: first("causeCategory"), causeType: first("causeType"), effects: values["effects"],
                    notes: first("notes"), note: first("note"))
                do {
                    try await pool.run {
                        let draft = try ProposalRoutes.assessmentProposal(
                            input, site: site.id, account: account, store: store)
                        _ = try store.propose(draft, actor: account.name)
                    }
                    return WebPage.redirect("/sites/\(pathSegment(site.code))")
                } catch let error as HeritageStoreError {
                    // At the field the message names, else at the top of the form.
                    let field = ["date", "activity", "certainty", "effects"].first { error.message.contains($0) }
                    errors[field ?? "form"] = error.message
                }
            }
            let status: HTTPResponse.Status = errors["form"] == page[.formExpired] ? .forbidden : .badRequest
            return WebPage.render("\(page[.assessTitle]): \(site.code)", page, status: status) { html in
                if let message = errors["form"] { html.element("p", message, ["class": "error", "role": "alert"]) }
                AssessmentFormView(request: page, site: site, values: values, errors: errors).write(&html)
            }
        }
    }

    /// `/sites/{code}/survey` (surveyors): records a survey, in the surveyor's name.
    func addSurveyForm(to router: Router<HeritageRequestContext>) {
        router.get("/sites/{code}/survey") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .surveyor) != nil else {
                return refusal(page, context, title: page[.surveyTitle])
            }
            let code = try context.parameters.require("code")
            let site = try await pool.run { try store.requireSite(code) }
            return WebPage.render("\(page[.surveyTitle]): \(site.code)", page) { html in
                SurveyFormView(request: page, site: site).write(&html)
            }
        }
        router.post("/sites/{code}/survey") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .surveyor) else {
                return refusal(page, context, title: page[.surveyTitle])
            }
            let code = try context.parameters.require("code")
            let site = try await pool.run { try store.requireSite(code) }
            let values = try await formValues(request)
            func first(_ name: String) -> String? { values[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }
            var errors: [String: String] = [:]
            if first("startDate") == nil { errors["startDate"] = page[.required] }
            var method: SurveyMethod?
            if let text = first("method") {
                do { method = try SurveyMethod.parse(text) } catch { errors["method"] = "\(error)" }
            } else {
                errors["method"] = page[.required]
            }
            if !tokens.check(first("csrf"), session: secret) { errors["form"] = page[.formExpired] }
            if errors.isEmpty, let method, let start = first("startDate") {
                let team = (first("team") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                let draft = Survey(
                    siteID: site.id, startDate: start, endDate: first("endDate"), team: team, method: method,
                    notes: first("notes"))
                do {
                    _ = try await pool.run { try store.addSurvey(draft, actor: account.name) }
                    return WebPage.redirect("/sites/\(pathSegment(site.code))")
                } catch let error as HeritageStoreError {
                    let field = ["endDate", "startDate", "date"].first { error.message.contains($0) }
                    errors[field.map { $0 == "date" ? "startDate" : $0 } ?? "form"] = error.message
                }
            }
            let status: HTTPResponse.Status = errors["form"] == page[.formExpired] ? .forbidden : .badRequest
            return WebPage.render("\(page[.surveyTitle]): \(site.code)", page, status: status) { html in
                if let message = errors["form"] { html.element("p", message, ["class": "error", "role": "alert"]) }
                SurveyFormView(request: page, site: site, values: values, errors: errors).write(&html)
            }
        }
    }

    /// The signed-in account if it has at least `role`, with its session's secret (which its
    /// forms' tokens are made from); nil otherwise.
    func signedIn(_ request: Request, _ context: HeritageRequestContext, as role: AccountRole) -> (Account, String)? {
        guard let account = context.account, account.role >= role,
            let secret = request.cookies[AuthenticationMiddleware.cookieName]?.value
        else { return nil }
        return (account, secret)
    }

    /// Why a page is not shown: to sign in first (303), or 403 as a page.
    func refusal(_ page: WebRequest, _ context: HeritageRequestContext, title: String? = nil) -> Response {
        guard context.account != nil else { return signInFirst(page) }
        return WebPage.render(title ?? page[.reviewTitle], page, status: .forbidden) { html in
            html.element("p", page[.notForYourRole])
        }
    }

    /// What a page needs of its request.
    func web(_ request: Request, _ context: HeritageRequestContext) -> WebRequest {
        let query = request.uri.queryParameters.get("lang")
        let language = WebLanguage.choose(
            query: query, cookie: request.cookies[WebPage.languageCookie]?.value,
            acceptLanguage: request.headers[.acceptLanguage])
        let secret = request.cookies[AuthenticationMiddleware.cookieName]?.value
        return WebRequest(
            language: language, account: context.account,
            formToken: context.account != nil ? secret.map(tokens.token(forSession:)) : nil, path: request.uri.path,
            chosenNow: query != nil && WebLanguage(rawValue: query ?? "") != nil)
    }

    /// 303 to the sign-in page, which comes back here.
    func signInFirst(_ page: WebRequest) -> Response {
        let next = page.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/sites"
        return WebPage.redirect("/login?next=\(next)")
    }

    /// The sign-in form; its token is the value of a cookie set with it (a double submit: a
    /// page elsewhere can neither read the cookie nor set it).
    func loginPage(
        _ page: WebRequest, request: Request, error: String? = nil, name: String = "",
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let token = (0..<16).map { _ in UInt8.random(in: 0...255) }.hexString
        let next = request.uri.queryParameters.get("next") ?? ""
        var response = WebPage.render(page[.signInTitle], page, status: status) { html in
            if let error { html.element("p", error, ["id": "signin-error", "class": "error", "role": "alert"]) }
            html.element("form", ["method": "post", "action": "/login", "class": "stack"]) { html in
                html.open("input", ["type": "hidden", "name": "csrf", "value": token])
                html.open("input", ["type": "hidden", "name": "next", "value": next])
                html.element("label", page[.username], ["for": "username"])
                html.open(
                    "input",
                    [
                        "id": "username", "name": "username", "autocomplete": "username", "required": "required",
                        "value": name, "aria-invalid": error == nil ? nil : "true",
                        "aria-describedby": error == nil ? nil : "signin-error",
                    ])
                html.element("label", page[.password], ["for": "password"])
                html.open(
                    "input",
                    [
                        "id": "password", "name": "password", "type": "password", "autocomplete": "current-password",
                        "required": "required", "aria-invalid": error == nil ? nil : "true",
                        "aria-describedby": error == nil ? nil : "signin-error",
                    ])
                html.element("button", page[.signIn], ["type": "submit"])
            }
        }
        response.setCookie(
            Cookie(
                name: Self.formCookie, value: token, maxAge: 3600, path: "/login", secure: configuration.secureCookies,
                httpOnly: true, sameSite: .strict))
        return response
    }

    func signIn(_ request: Request, _ context: HeritageRequestContext) async throws -> Response {
        let page = web(request, context)
        let fields = try await formFields(request)
        let name = fields["username"] ?? ""
        guard let expected = request.cookies[Self.formCookie]?.value, !expected.isEmpty,
            fields["csrf"] == expected
        else {
            return loginPage(page, request: request, error: page[.formExpired], name: name, status: .forbidden)
        }
        if await auth.throttle.wait(for: name) != nil {
            return loginPage(
                page, request: request, error: page[.signInThrottled], name: name, status: .tooManyRequests)
        }
        let password = fields["password"] ?? ""
        guard let account = try await pool.run({ try store.signIn(name: name, password: password) }) else {
            await auth.throttle.failed(name)
            context.logger.notice("failed sign-in", metadata: ["name": "\(name)"])
            return loginPage(page, request: request, error: page[.signInFailed], name: name, status: .unauthorized)
        }
        await auth.throttle.succeeded(name)
        let lifetime = configuration.sessionLifetime
        let secret = try await pool.run { try store.openSession(for: account, lifetime: lifetime) }
        // Only a path of this site: never a redirect elsewhere.
        let next = fields["next"] ?? ""
        var response = WebPage.redirect(
            next.hasPrefix("/") && !next.hasPrefix("//") && !next.contains("\\") ? next : "/sites")
        response.setCookie(auth.sessionCookie(value: secret, maxAge: Int(lifetime)))
        return response
    }
}
