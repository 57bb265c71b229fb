import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// Sign-in, sign-out, who am I; and for admins, the accounts and the archive's check.
struct AuthRoutes {
    let store: HeritageArchive
    let pool: BlockingPool
    let configuration: ServerConfiguration
    let throttle: SignInThrottle

    init(store: HeritageArchive, pool: BlockingPool, configuration: ServerConfiguration) {
        self.store = store
        self.pool = pool
        self.configuration = configuration
        throttle = SignInThrottle(firstDelay: configuration.firstSignInDelay)
    }

    struct Credentials: Decodable {
        var username: String
        var password: String
    }

    /// What the API says of an account (never its hash).
    struct AccountView: ResponseEncodable, Sendable {
        var name: String
        var role: AccountRole
        var restrictedAccess: Bool
        init(_ account: Account) {
            (name, role, restrictedAccess) = (account.name, account.role, account.restrictedAccess)
        }
    }

    func add(to router: Router<HeritageRequestContext>) {
        router.post("/api/login") { request, context in try await login(request, context) }
        router.post("/api/logout") { request, context -> Response in
            if let secret = request.cookies[AuthenticationMiddleware.cookieName]?.value {
                try await pool.run { try store.closeSession(secret) }
            }
            var response = Response(status: .noContent)
            response.setCookie(sessionCookie(value: "", maxAge: 0))
            return response
        }
        router.get("/api/me") { _, context in AccountView(try context.requireAccount()) }
        router.get("/api/verify") { _, context -> VerificationView in
            _ = try context.require(.admin)
            let report = try await pool.run { try store.verify() }
            return VerificationView(isValid: report.isValid, problems: report.problems, report: report)
        }
        router.get("/api/accounts") { _, context -> [AccountView] in
            _ = try context.require(.admin)
            return try await pool.run { try store.accounts() }.map(AccountView.init)
        }
    }

    func login(_ request: Request, _ context: HeritageRequestContext) async throws -> Response {
        let credentials = try await request.decode(as: Credentials.self, context: context)
        if let wait = await throttle.wait(for: credentials.username) {
            throw APIError(
                .tooManyRequests, "too many failed sign-ins for this name; try again in \(wait) s",
                headers: [.retryAfter: "\(wait)"])
        }
        let account = try await pool.run {
            try store.signIn(name: credentials.username, password: credentials.password)
        }
        guard let account else {
            await throttle.failed(credentials.username)
            context.logger.notice("failed sign-in", metadata: ["name": "\(credentials.username)"])
            throw APIError(.unauthorized, "wrong name or password")
        }
        await throttle.succeeded(credentials.username)
        let lifetime = configuration.sessionLifetime
        let secret = try await pool.run { try store.openSession(for: account, lifetime: lifetime) }
        var response = try AccountView(account).response(from: request, context: context)
        response.setCookie(sessionCookie(value: secret, maxAge: Int(lifetime)))
        return response
    }

    /// The session cookie: not readable by scripts, not sent cross-site, Secure under TLS.
    func sessionCookie(value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: AuthenticationMiddleware.cookieName, value: value, maxAge: maxAge, path: "/",
            secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }
}

/// The archive's check as the API answers it: the verdict and each problem first, then the
/// counts and findings in full.
struct VerificationView: ResponseEncodable {
    var isValid: Bool
    var problems: [String]
    var report: VerificationReport
}
