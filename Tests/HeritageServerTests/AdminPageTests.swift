import Foundation
import HTTPTypes
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeritageServer

/// An administrator manages accounts from `/admin/users`: adds one with a first password,
/// changes a role, a clearance, disables one; never their own role, state or clearance.
@Suite struct AdminPageTests {
    let pages = WebPageTests()

    func post(_ client: some TestClientProtocol, _ uri: String, _ cookie: String, _ body: String) async throws -> (
        HTTPResponse.Status, String, String?
    ) {
        try await WebWorkTests().post(client, uri, cookie, body)
    }

    @Test func anAdministratorAddsChangesAndDisablesAccounts() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let admin = try await pages.signIn(client, "admin")
            let html = try await client.execute(uri: "/admin/users", method: .get, headers: [.cookie: admin]) {
                response -> String in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            for name in ["viewer", "surveyor", "reviewer", "admin", "cleared"] { #expect(html.contains(">\(name)<")) }
            let token = try #require(html.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1).description
            // A short password, then two that differ: each refused at its field.
            let (short, shortPage, _) = try await post(
                client, "/admin/users", admin, "csrf=\(token)&name=omar&role=surveyor&password=short&repeat=short")
            #expect(short == .badRequest && shortPage.contains(#"id="password-error""#), "\(shortPage)")
            let (differ, differPage, _) = try await post(
                client, "/admin/users", admin,
                "csrf=\(token)&name=omar&role=surveyor&password=long+enough+one&repeat=long+enough+two")
            #expect(differ == .badRequest && differPage.contains(#"id="repeat-error""#))
            #expect(try fixture.store.account(named: "omar") == nil)
            let (added, _, location) = try await post(
                client, "/admin/users", admin,
                "csrf=\(token)&name=omar&role=surveyor&clearance=yes&password=long+enough+one&repeat=long+enough+one")
            #expect(added == .seeOther && location == "/admin/users?done=omar")
            let omar = try #require(try fixture.store.account(named: "omar"))
            #expect(omar.role == .surveyor && omar.restrictedAccess && !omar.disabled)
            #expect(try fixture.store.signIn(name: "omar", password: "long enough one") != nil)
            // A row changed: the viewer becomes a surveyor, cleared; then disabled.
            let (changed, _, _) = try await post(
                client, "/admin/users/viewer", admin, "csrf=\(token)&role=surveyor&clearance=yes&state=enabled")
            #expect(changed == .seeOther)
            let viewer = try #require(try fixture.store.account(named: "viewer"))
            #expect(viewer.role == .surveyor && viewer.restrictedAccess)
            _ = try await post(client, "/admin/users/viewer", admin, "csrf=\(token)&role=surveyor&state=disabled")
            #expect(try fixture.store.account(named: "viewer")?.disabled == true)
            #expect(try fixture.store.auditEvents().last?.actor == "admin")
            // Not their own account.
            let (own, ownPage, _) = try await post(
                client, "/admin/users/admin", admin, "csrf=\(token)&role=reviewer&state=enabled")
            #expect(own == .badRequest && ownPage.contains("your own account"))
            #expect(try fixture.store.account(named: "admin")?.role == .admin)
            // Not for reviewers.
            let reviewer = try await pages.signIn(client, "reviewer")
            try await client.execute(uri: "/admin/users", method: .get, headers: [.cookie: reviewer]) {
                #expect($0.status == .forbidden)
            }
        }
    }
}
