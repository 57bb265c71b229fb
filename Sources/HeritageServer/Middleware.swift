import Foundation
import HTTPTypes
import HeritageStore
import Hummingbird

/// Headers every response carries: no inline script or framing, no type sniffing, no
/// referrer beyond the origin, and the request's id (as the log has it) for support.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = HeritageRequestContext
    /// Another origin images may come from (the map's tile server).
    var imageOrigin: String? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:"
            + (imageOrigin.map { " \($0)" } ?? "") + "; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xRequestID] = context.id
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

extension HTTPField.Name {
    static let xRequestID = named("X-Request-Id")
    static let xContentTypeOptions = named("X-Content-Type-Options")
    static let referrerPolicy = named("Referrer-Policy")

    /// A field name written here (always valid).
    static func named(_ text: String) -> Self {
        guard let name = Self(text) else { preconditionFailure("'\(text)' is not a field name") }
        return name
    }
}

/// Finds who is asking: a bearer token (scripts) or the session cookie (browsers). A bearer
/// token that names nobody is answered 401 at once rather than treated as anonymous; a session
/// cookie that has expired or ended leaves the request anonymous.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = HeritageRequestContext
    static let cookieName = "heritage_session"
    let store: HeritageArchive
    let pool: BlockingPool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError(.unauthorized, "Authorization takes a bearer token: Authorization: Bearer TOKEN")
            }
            let token = String(parts[1])
            guard let account = try await pool.run({ try store.account(forToken: token) }) else {
                throw APIError(.unauthorized, "the bearer token is unknown, revoked or its account disabled")
            }
            context.account = account
        } else if let secret = request.cookies[Self.cookieName]?.value, !secret.isEmpty {
            if let account = try await pool.run({ try store.account(forSession: secret) }) {
                context.account = account
            }
        }
        if let account = context.account { context.logger[metadataKey: "account"] = "\(account.name)" }
        return try await next(request, context)
    }
}

/// Cross-site request forgery: a browser sends the session cookie with any request, so an
/// unsafe method under a cookie must come from this origin (its Origin, or failing that its
/// Referer, names this host). Bearer tokens are not sent by browsers on their own.
struct SameOriginMiddleware: RouterMiddleware {
    typealias Context = HeritageRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let safe: Set<HTTPRequest.Method> = [.get, .head, .options]
        let cookie = request.cookies[AuthenticationMiddleware.cookieName] != nil
        if !safe.contains(request.method), cookie, request.headers[.authorization] == nil {
            let host = request.head.authority ?? ""
            let source = request.headers[.origin] ?? request.headers[.referer]
            guard let source, let url = URL(string: source), let sourceHost = url.host(percentEncoded: false),
                sourceHost + (url.port.map { ":\($0)" } ?? "") == host
            else {
                throw APIError(
                    .forbidden, "a request that changes something must come from this site's own pages (Origin check)")
            }
        }
        return try await next(request, context)
    }
}
