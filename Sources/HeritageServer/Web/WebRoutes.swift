import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// The pages people use in a browser, rendered on the server: sign-in and sign-out, the site
/// list with its filters and a site's page (here), the reviewers' pages (`+Review`) and the
/// surveyors' forms (`+Forms`). They need no script. Without clearance, restricted sites are
/// shown as the API shows them (their generalised cell), and a site's page is searched for
/// their positions before it is sent. A refusal is answered as a page, not as JSON.
public struct WebRoutes: Sendable {
    let store: HeritageArchive
    let pool: BlockingPool
    let configuration: ServerConfiguration
    let sites: SiteRoutes
    let auth: AuthRoutes
    let audit: AuditRoutes
    let uploads: UploadRoutes
    let jobs: JobRoutes
    let viewer: ViewerRoutes
    let tokens = FormTokens()
    static let formCookie = "heritage_form"
    /// The pages' routes, as the OpenAPI document would write them: they are HTML for people,
    /// not part of the API it describes.
    public static let pages: Set<String> = [
        "GET /", "GET /static/app.css", "GET /static/countries.geojson", "GET /login", "POST /login", "POST /logout",
        "GET /sites",
        "GET /sites/{code}", "GET /review", "POST /review/{id}", "GET /audit", "GET /sites/{code}/assess",
        "POST /sites/{code}/assess", "GET /sites/{code}/survey", "POST /sites/{code}/survey", "GET /account",
        "POST /account/password", "POST /account/token", "GET /static/{script}", "GET /sites/new",
        "POST /sites/new", "GET /sites/{code}/edit", "POST /sites/{code}/edit", "GET /proposals",
        "GET /sites/{code}/upload", "POST /sites/{code}/upload", "GET /sites/{code}/compare",
        "POST /sites/{code}/compare", "GET /jobs/{id}", "POST /jobs/{id}/cancel", "GET /findings/{id}",
        "GET /admin/users", "POST /admin/users",
        "POST /admin/users/{name}",
    ]

    /// The offline map's country outlines (Natural Earth 1:110m, public domain), read once.
    static let countryOutlines: Data? = Bundle.module.url(forResource: "countries-110m", withExtension: "geojson")
        .flatMap { try? Data(contentsOf: $0) }

    func add(to parent: Router<HeritageRequestContext>) {
        // The pages' own group: their refusals are answered as pages.
        let router = parent.group().add(middleware: PageErrorMiddleware(pages: self))
        router.get("/") { request, context in
            let page = web(request, context)
            guard context.account != nil else { return signInFirst(page) }
            return WebPage.render(
                page[.mapTitle], page, scripts: ["map.js"], styles: ["/vendor/leaflet/leaflet.css"]
            ) { html in
                MapView(request: page, query: request.uri.queryParameters, configuration: configuration).write(&html)
            }
        }
        router.get("/static/countries.geojson") { _, _ in
            guard let outlines = Self.countryOutlines else {
                throw APIError(.notFound, "the outlines are not installed")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/geo+json", .cacheControl: "max-age=86400"],
                body: .init(byteBuffer: ByteBuffer(bytes: outlines)))
        }
        router.get("/static/app.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: WebStyles.css)))
        }
        router.get("/static/{script}") { _, context in
            let name = try context.parameters.require("script")
            guard let script = WebScripts.modules[name] else { throw APIError(.notFound, "no such script") }
            return Response(
                status: .ok,
                headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: script)))
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
        addForms(to: router)
        addAccount(to: router)
        addSiteForms(to: router)
        addUpload(to: router)
        addComparisons(to: router)
        addAdmin(to: router)
        router.get("/findings/{id}") { request, context in
            let page = web(request, context)
            guard context.account != nil else { return signInFirst(page) }
            let id = try context.parameters.require("id")
            let cleared = context.mayReadRestricted
            let budget = try request.uri.queryParameters.number(
                "budget", default: 2_000_000, in: 1_000...ViewerRoutes.maximumBudget)
            let text = try await pool.run { () throws -> String in
                let photographs = try store.finding(id)
                if photographs.method == .photo {
                    let release = try store.release(ofSite: photographs.siteID, includeRestricted: cleared)
                    let images = try PhotoComparisonView.images(of: photographs, store: store, release: release)
                    let view = PhotoComparisonView(
                        request: page, finding: release.released(photographs), siteCode: release.site.code,
                        before: images.before, after: images.after, mask: images.mask, overlay: images.overlay,
                        regions: images.regions)
                    let html = WebPage.document(
                        "\(page[.photoComparisonTitle]): \(release.site.code)", page, scripts: ["photo.js"]
                    ) { view.write(&$0) }
                    return try release.checked(html, of: release.site)
                }
                let (finding, release, site) = try viewer.released(id, includeRestricted: cleared)
                let scene = try viewer.viewer.scene(of: finding)
                let html = WebPage.document(
                    "\(page[.viewerTitle]): \(site.code)", page, scripts: ["viewer.js"]
                ) { html in
                    ViewerView(
                        request: page, scene: scene, siteCode: site.code, recordedAt: finding.recordedAt, budget: budget
                    ).write(&html)
                }
                return try release.checked(html, of: site)
            }
            return WebPage.respond(text, page)
        }
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

    /// A refusal as a page: its status, and its message in the page's frame.
    func errorPage(_ page: WebRequest, status: HTTPResponse.Status, message: String) -> Response {
        WebPage.render(
            status == .notFound ? page[.pageNotFound] : "\(status.code) \(status.reasonPhrase)", page, status: status
        ) {
            html in
            html.element("p", message, ["class": "error", "role": "alert"])
            html.element("p") { $0.element("a", page[.navSites], ["href": "/sites"]) }
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

/// Answers a page's refusals (the store's, the API's, Hummingbird's own) as a page in the
/// reader's language rather than as the API's JSON.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = HeritageRequestContext
    let pages: WebRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HeritageStoreError {
            return pages.errorPage(
                pages.web(request, context), status: ErrorMiddleware.status(of: error.code), message: error.message)
        } catch let error as APIError {
            return pages.errorPage(pages.web(request, context), status: error.status, message: error.message)
        } catch let error as HTTPError {
            return pages.errorPage(
                pages.web(request, context), status: error.status, message: error.body ?? error.status.reasonPhrase)
        }
    }
}
