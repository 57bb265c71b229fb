import Foundation
import HTTPTypes
import HeritageServer
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route for every kind of caller: the status each gets, and the restricted site's exact
/// position in no byte of any answer to a caller without clearance. A route the router serves
/// that this table does not list fails the test, so a new route cannot skip it.
@Suite struct RouteRoleTableTests {
    enum Caller: String, CaseIterable {
        case anonymous, viewer, surveyor, reviewer, admin
        /// A viewer with the clearance for restricted positions.
        case cleared
        var role: AccountRole? {
            switch self {
            case .anonymous: nil
            case .viewer, .cleared: .viewer
            case .surveyor: .surveyor
            case .reviewer: .reviewer
            case .admin: .admin
            }
        }
    }

    struct Route {
        var method: HTTPRequest.Method
        /// The router's pattern, as OpenAPI writes it.
        var pattern: String
        /// A concrete request: path and query.
        var uri: String
        var body: String? = nil
        /// The lowest role that may; nil when anyone may.
        var needs: AccountRole?
        /// What a caller who may gets.
        var allowed: HTTPResponse.Status = .ok
        /// What an anonymous caller gets when it differs (pages send them to sign in: 303).
        var anonymous: HTTPResponse.Status? = nil
    }

    static let routes: [Route] = [
        Route(method: .get, pattern: "/api/health", uri: "/api/health", needs: nil),
        Route(method: .get, pattern: "/openapi.json", uri: "/openapi.json", needs: nil),
        Route(
            method: .post, pattern: "/api/login", uri: "/api/login", body: #"{"username": "x", "password": "y"}"#,
            needs: nil, allowed: .unauthorized),
        Route(method: .get, pattern: "/api/me", uri: "/api/me", needs: .viewer),
        Route(method: .get, pattern: "/api/accounts", uri: "/api/accounts", needs: .admin),
        Route(method: .get, pattern: "/api/verify", uri: "/api/verify", needs: .admin),
        Route(method: .get, pattern: "/api/sites", uri: "/api/sites?near=34.24,37.23&radiusKm=30", needs: .viewer),
        Route(method: .get, pattern: "/api/sites.geojson", uri: "/api/sites.geojson", needs: .viewer),
        Route(method: .get, pattern: "/api/sites/{code}", uri: "/api/sites/RES-1", needs: .viewer),
        Route(method: .get, pattern: "/api/sites/{code}/assets", uri: "/api/sites/RES-1/assets", needs: .viewer),
        Route(
            method: .get, pattern: "/api/sites/{code}/findings", uri: "/api/sites/RES-1/findings?limit=5",
            needs: .viewer),
        Route(
            method: .post, pattern: "/api/sites/{code}/surveys", uri: "/api/sites/RES-1/surveys",
            body: #"{"startDate": "2026-05-14", "method": "photogrammetry"}"#, needs: .surveyor, allowed: .created),
        Route(
            method: .post, pattern: "/api/sites/{code}/assets", uri: "/api/sites/RES-1/assets?filename=wall.obj",
            body: "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n", needs: .surveyor, allowed: .created),
        // Resumable uploads: one opened; another's id is nobody's; a part without its offset.
        Route(
            method: .post, pattern: "/api/sites/{code}/uploads",
            uri: "/api/sites/RES-1/uploads?filename=wall.obj&size=9",
            needs: .surveyor, allowed: .created),
        Route(
            method: .get, pattern: "/api/uploads/{id}", uri: "/api/uploads/ffffffff", needs: .surveyor,
            allowed: .notFound),
        Route(
            method: .patch, pattern: "/api/uploads/{id}", uri: "/api/uploads/ffffffff", body: "v 0 0 0\n",
            needs: .surveyor, allowed: .badRequest),
        Route(
            method: .delete, pattern: "/api/uploads/{id}", uri: "/api/uploads/ffffffff", needs: .surveyor,
            allowed: .notFound),
        Route(
            method: .post, pattern: "/api/sites", uri: "/api/sites",
            body: #"{"code": "NEW-CALLER", "names": [{"language": "en", "name": "Chapel"}], "kind": "church", "#
                + #""location": {"latitude": 34.236111, "longitude": 37.225432}, "sensitivity": "restricted"}"#,
            needs: .surveyor, allowed: .accepted),
        Route(
            method: .patch, pattern: "/api/sites/{code}", uri: "/api/sites/RES-1", body: #"{"period": "CALLER era"}"#,
            needs: .surveyor, allowed: .accepted),
        Route(
            method: .post, pattern: "/api/sites/{code}/assessments", uri: "/api/sites/RES-1/assessments",
            body:
                #"{"overallCondition": "poor", "certainty": "high", "date": "2026-05-14", "activity": "field-visit"}"#,
            needs: .surveyor, allowed: .accepted),
        Route(method: .get, pattern: "/api/proposals", uri: "/api/proposals", needs: .surveyor),
        Route(
            method: .get, pattern: "/api/proposals/{id}", uri: "/api/proposals/\(ServerFixture.proposalID)",
            needs: .surveyor),
        // Deciding is tried on a proposal that is not there: the role is checked first.
        Route(
            method: .post, pattern: "/api/proposals/{id}/approve", uri: "/api/proposals/ffffffff/approve",
            body: "{}", needs: .reviewer, allowed: .notFound),
        Route(
            method: .post, pattern: "/api/proposals/{id}/reject", uri: "/api/proposals/ffffffff/reject",
            body: #"{"reason": "not there"}"#, needs: .reviewer, allowed: .notFound),
        // Comparisons of versions the site does not have: the role is checked first.
        Route(
            method: .post, pattern: "/api/sites/{code}/comparisons", uri: "/api/sites/RES-1/comparisons",
            body: #"{"before": "nope@1", "after": "nope@2"}"#, needs: .surveyor, allowed: .notFound),
        Route(method: .get, pattern: "/api/jobs", uri: "/api/jobs", needs: .surveyor),
        Route(method: .get, pattern: "/api/jobs/{id}", uri: "/api/jobs/\(ServerFixture.jobID)", needs: .surveyor),
        Route(
            method: .get, pattern: "/api/jobs/{id}/events", uri: "/api/jobs/\(ServerFixture.jobID)/events",
            needs: .surveyor),
        // The fixture's job has failed: it cannot be cancelled, and its versions are not there to run again.
        Route(
            method: .post, pattern: "/api/jobs/{id}/cancel", uri: "/api/jobs/\(ServerFixture.jobID)/cancel",
            needs: .surveyor, allowed: .conflict),
        Route(
            method: .post, pattern: "/api/jobs/{id}/rerun", uri: "/api/jobs/\(ServerFixture.jobID)/rerun",
            needs: .surveyor, allowed: .notFound),
        // PHOTO: the fixture's photograph of the restricted site, GPS in its EXIF.
        Route(method: .get, pattern: "/api/files/{version}", uri: "/api/files/PHOTO", needs: .viewer),
        Route(
            method: .get, pattern: "/api/files/{version}/thumbnail", uri: "/api/files/PHOTO/thumbnail", needs: .viewer),
        Route(method: .get, pattern: "/api/sites.csv", uri: "/api/sites.csv", needs: .viewer),
        Route(method: .get, pattern: "/admin/users", uri: "/admin/users", needs: .admin, anonymous: .seeOther),
        // Without the page's token: refused.
        Route(
            method: .post, pattern: "/admin/users", uri: "/admin/users",
            body: "csrf=00&name=x&role=viewer&password=long+enough+pw&repeat=long+enough+pw", needs: .admin,
            allowed: .forbidden, anonymous: .seeOther),
        Route(
            method: .post, pattern: "/admin/users/{name}", uri: "/admin/users/viewer",
            body: "csrf=00&role=admin&state=enabled", needs: .admin, allowed: .forbidden, anonymous: .seeOther),
        Route(
            method: .get, pattern: "/api/findings/{id}/scene", uri: "/api/findings/ffffffff/scene", needs: .viewer,
            allowed: .notFound),
        Route(
            method: .get, pattern: "/api/findings/{id}/points", uri: "/api/findings/ffffffff/points", needs: .viewer,
            allowed: .notFound),
        Route(
            method: .get, pattern: "/findings/{id}", uri: "/findings/ffffffff", needs: .viewer, allowed: .notFound,
            anonymous: .seeOther),
        // A box around the restricted site: without clearance, its cell; never its position.
        Route(
            method: .get, pattern: "/api/map", uri: "/api/map?bbox=34.2,37.2,34.3,37.3&zoom=14", needs: .viewer),
        Route(method: .get, pattern: "/api/audit", uri: "/api/audit?limit=500", needs: .reviewer),
        Route(method: .get, pattern: "/metrics", uri: "/metrics", needs: .admin),
        Route(
            method: .get, pattern: "/api/sites/{code}/report.zip", uri: "/api/sites/RES-1/report.zip", needs: .viewer),
        // The table's server has no signing key: packages are unavailable (EvidenceTests signs one).
        Route(
            method: .get, pattern: "/api/sites/{code}/package.zip", uri: "/api/sites/RES-1/package.zip", needs: .viewer,
            allowed: .serviceUnavailable),
        // The pages: anonymous callers are sent to sign in.
        Route(method: .get, pattern: "/", uri: "/", needs: .viewer, anonymous: .seeOther),
        Route(method: .get, pattern: "/static/countries.geojson", uri: "/static/countries.geojson", needs: nil),
        Route(method: .get, pattern: "/static/app.css", uri: "/static/app.css", needs: nil),
        Route(method: .get, pattern: "/login", uri: "/login", needs: nil, allowed: .seeOther, anonymous: .ok),
        // Without the sign-in form's token and cookie: refused, whoever asks.
        Route(
            method: .post, pattern: "/login", uri: "/login", body: "username=x&password=y", needs: nil,
            allowed: .forbidden),
        Route(method: .get, pattern: "/sites", uri: "/sites", needs: .viewer, anonymous: .seeOther),
        Route(method: .get, pattern: "/sites/{code}", uri: "/sites/RES-1", needs: .viewer, anonymous: .seeOther),
        Route(method: .get, pattern: "/review", uri: "/review", needs: .reviewer, anonymous: .seeOther),
        Route(method: .get, pattern: "/account", uri: "/account", needs: .viewer, anonymous: .seeOther),
        // Without the page's token: refused.
        Route(
            method: .post, pattern: "/account/password", uri: "/account/password",
            body: "csrf=00&current=x&new=yyyyyyyyyyyy&repeat=yyyyyyyyyyyy", needs: .viewer, allowed: .forbidden,
            anonymous: .seeOther),
        Route(
            method: .post, pattern: "/account/token", uri: "/account/token", body: "csrf=00&label=x", needs: .viewer,
            allowed: .forbidden, anonymous: .seeOther),
        Route(
            method: .get, pattern: "/sites/{code}/survey", uri: "/sites/RES-1/survey", needs: .surveyor,
            anonymous: .seeOther),
        // Without the page's token: refused.
        Route(
            method: .post, pattern: "/sites/{code}/survey", uri: "/sites/RES-1/survey",
            body: "csrf=00&startDate=2026-05-01&method=photogrammetry", needs: .surveyor, allowed: .forbidden,
            anonymous: .seeOther),
        Route(
            method: .get, pattern: "/sites/{code}/assess", uri: "/sites/RES-1/assess", needs: .surveyor,
            anonymous: .seeOther),
        // Without the page's token: refused.
        Route(
            method: .post, pattern: "/sites/{code}/assess", uri: "/sites/RES-1/assess",
            body: "csrf=00&overallCondition=poor&certainty=high&date=2026-05-01", needs: .surveyor,
            allowed: .forbidden, anonymous: .seeOther),
        Route(method: .get, pattern: "/audit", uri: "/audit?limit=500", needs: .reviewer, anonymous: .seeOther),
        // Without the page's token: refused.
        Route(
            method: .post, pattern: "/review/{id}", uri: "/review/ffffffff", body: "csrf=00&decision=approve",
            needs: .reviewer, allowed: .forbidden, anonymous: .seeOther),
        // Without the page's token: refused, and the session stays.
        Route(
            method: .post, pattern: "/logout", uri: "/logout", body: "csrf=00", needs: .viewer, allowed: .forbidden,
            anonymous: .seeOther),
        Route(method: .get, pattern: "/static/{script}", uri: "/static/upload.js", needs: nil),
        Route(method: .get, pattern: "/sites/new", uri: "/sites/new", needs: .surveyor, anonymous: .seeOther),
        // Without the page's token: refused.
        Route(
            method: .post, pattern: "/sites/new", uri: "/sites/new",
            body: "csrf=00&code=NEW-1&kind=church&nameText=x&nameLanguage=en&latitude=1&longitude=1&sensitivity=public",
            needs: .surveyor, allowed: .forbidden, anonymous: .seeOther),
        Route(
            method: .get, pattern: "/sites/{code}/edit", uri: "/sites/RES-1/edit", needs: .surveyor,
            anonymous: .seeOther),
        // Without the page's token: refused.
        Route(
            method: .post, pattern: "/sites/{code}/edit", uri: "/sites/RES-1/edit",
            body: "csrf=00&kind=church&nameText=x&nameLanguage=en&sensitivity=public", needs: .surveyor,
            allowed: .forbidden, anonymous: .seeOther),
        Route(method: .get, pattern: "/proposals", uri: "/proposals", needs: .surveyor, anonymous: .seeOther),
        Route(
            method: .get, pattern: "/sites/{code}/upload", uri: "/sites/RES-1/upload", needs: .surveyor,
            anonymous: .seeOther),
        // Not a multipart form: refused.
        Route(
            method: .post, pattern: "/sites/{code}/upload", uri: "/sites/RES-1/upload", body: "csrf=00",
            needs: .surveyor, allowed: .badRequest, anonymous: .seeOther),
        Route(
            method: .get, pattern: "/sites/{code}/compare", uri: "/sites/RES-1/compare", needs: .surveyor,
            anonymous: .seeOther),
        // Without the page's token: refused.
        Route(
            method: .post, pattern: "/sites/{code}/compare", uri: "/sites/RES-1/compare", body: "csrf=00",
            needs: .surveyor, allowed: .forbidden, anonymous: .seeOther),
        Route(
            method: .get, pattern: "/jobs/{id}", uri: "/jobs/\(ServerFixture.jobID)", needs: .surveyor,
            anonymous: .seeOther),
        // Without the page's token: refused.
        Route(
            method: .post, pattern: "/jobs/{id}/cancel", uri: "/jobs/\(ServerFixture.jobID)/cancel", body: "csrf=00",
            needs: .surveyor, allowed: .forbidden, anonymous: .seeOther),
        // Last: it ends the caller's session.
        Route(method: .post, pattern: "/api/logout", uri: "/api/logout", needs: nil, allowed: .noContent),
    ]

    @Test func everyRouteForEveryCaller() async throws {
        let fixture = try ServerFixture()
        let router = HeritageServer.router(
            store: fixture.store, pool: fixture.pool, jobs: fixture.jobs, configuration: ServerConfiguration())
        let served = servedRoutes(router)
        let listed = Set(Self.routes.map { "\($0.method.rawValue) \($0.pattern)" })
        #expect(
            served == listed, "not in the table: \(served.subtracting(listed)); gone: \(listed.subtracting(served))")

        try await fixture.application().test(.router) { client in
            for caller in Caller.allCases {
                let cookie: String? =
                    caller == .anonymous
                    ? nil : try await client.signIn(caller == .cleared ? "cleared" : caller.rawValue)
                for route in Self.routes {
                    var headers: HTTPFields = [.origin: "http://localhost"]
                    if let cookie { headers[.cookie] = cookie }
                    if route.body?.hasPrefix("{") == true { headers[.contentType] = "application/json" }
                    // Each upload distinct: the same bytes again would be "already stored" (200).
                    // A failed sign-in per name: six for one name would be throttled (429).
                    let body = route.body.map {
                        $0.replacingOccurrences(of: #""username": "x""#, with: #""username": "x-\#(caller)""#)
                            .replacingOccurrences(of: "CALLER", with: caller.rawValue)
                            + (route.pattern.hasSuffix("assets") ? "# \(caller)\n" : "")
                    }
                    let status: HTTPResponse.Status
                    if let needs = route.needs {
                        if let role = caller.role {
                            status = role >= needs ? route.allowed : .forbidden
                        } else {
                            status = route.anonymous ?? .unauthorized
                        }
                    } else {
                        status = caller.role == nil ? route.anonymous ?? route.allowed : route.allowed
                    }
                    try await client.execute(
                        uri: route.uri.replacingOccurrences(of: "PHOTO", with: fixture.photoVersionID),
                        method: route.method, headers: headers,
                        body: body.map { ByteBuffer(string: $0) }
                    ) { response in
                        let text = String(buffer: response.body)
                        #expect(response.status == status, "\(caller) \(route.method) \(route.uri): \(text)")
                        if caller != .cleared {
                            #expect(
                                !text.contains(ServerFixture.secretLatitude)
                                    && !text.contains(ServerFixture.secretLongitude),
                                "\(caller) \(route.method) \(route.uri) leaks the position")
                        }
                    }
                }
            }
        }
    }
}
