import Crypto
import Foundation
import HeritageStore
import Hummingbird

/// What every page needs to know of its request: the language it is shown in, who is signed in,
/// and the token its forms carry.
struct WebRequest {
    var language: WebLanguage
    var account: Account?
    /// The token a signed-in page's forms carry (``FormTokens``).
    var formToken: String?
    /// The path, for the language links and for returning after sign-in.
    var path: String
    /// The language was chosen by `?lang=`: remember it in a cookie.
    var chosenNow: Bool

    subscript(_ key: UIText) -> String { language[key] }
}

/// Tokens that tie a form to the session it was shown to (CSRF): an HMAC of the session's
/// secret under a key this process draws at start, so no one who cannot read the session cookie
/// can make one, and none outlives the process (a form shown before a restart is shown again).
struct FormTokens: Sendable {
    private let keyBytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    func token(forSession secret: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(secret.utf8), using: key)).hexString
    }

    func check(_ token: String?, session secret: String) -> Bool {
        guard let token, let given = Data(hexString: token) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data(secret.utf8), using: key)
    }
}

extension Data {
    /// Bytes from hexadecimal text; nil when it is not.
    init?(hexString text: String) {
        guard text.utf8.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}

/// The frame of every page: language and direction, the navigation, the language menu and
/// sign-out, then the page's own content in `<main>`. No script and no inline style: the
/// server's Content-Security-Policy allows neither.
enum WebPage {
    static let languageCookie = "heritage_lang"

    static func render(
        _ title: String, _ request: WebRequest, status: HTTPResponse.Status = .ok, scripts: [String] = [],
        styles: [String] = [], refreshWithoutScript: Int? = nil, _ body: (inout HTMLWriter) -> Void
    ) -> Response {
        respond(
            document(
                title, request, scripts: scripts, styles: styles, refreshWithoutScript: refreshWithoutScript, body),
            request, status: status)
    }

    /// The whole page as text. `scripts` are modules of ``WebScripts`` the page loads (the
    /// page works without them); `styles` more style sheets of this server (a library's);
    /// `refreshWithoutScript` reloads it every so many seconds when script is off (a page that
    /// follows something as it changes).
    static func document(
        _ title: String, _ request: WebRequest, scripts: [String] = [], styles: [String] = [],
        refreshWithoutScript: Int? = nil, _ body: (inout HTMLWriter) -> Void
    ) -> String {
        var html = HTMLWriter()
        html.raw("<!doctype html>")
        html.open("html", ["lang": request.language.rawValue, "dir": request.language.direction])
        html.raw("<head><meta charset=\"utf-8\">")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        html.element("title", "\(title) · \(request[.appName])")
        for style in styles where style.hasPrefix("/vendor/") {
            html.open("link", ["rel": "stylesheet", "href": style])
        }
        html.raw("<link rel=\"stylesheet\" href=\"/static/app.css\">")
        for script in scripts where WebScripts.modules[script] != nil {
            html.element("script", "", ["type": "module", "src": "/static/\(script)"])
        }
        if let seconds = refreshWithoutScript {
            html.raw("<noscript>")
            html.open("meta", ["http-equiv": "refresh", "content": "\(seconds)"])
            html.raw("</noscript>")
        }
        html.raw("</head><body>")
        html.element("a", request[.skipToContent], ["class": "skip", "href": "#main"])
        html.raw("<header>")
        html.element("a", request[.appName], ["class": "brand", "href": "/sites"])
        if let account = request.account {
            html.element("nav", ["aria-label": request[.appName]]) { html in
                html.element("a", request[.navMap], ["href": "/"])
                html.element("a", request[.navSites], ["href": "/sites"])
                if account.role >= .surveyor { html.element("a", request[.navProposals], ["href": "/proposals"]) }
                if account.role >= .reviewer {
                    html.element("a", request[.navReview], ["href": "/review"])
                    html.element("a", request[.navAudit], ["href": "/audit"])
                }
                if account.role >= .admin { html.element("a", request[.navUsers], ["href": "/admin/users"]) }
            }
        }
        html.element("nav", ["aria-label": request[.language], "class": "languages"]) { html in
            for language in WebLanguage.allCases {
                html.element(
                    "a", language.ownName,
                    [
                        "href": "\(request.path)?lang=\(language.rawValue)", "lang": language.rawValue,
                        "hreflang": language.rawValue, "aria-current": language == request.language ? "true" : nil,
                    ])
            }
        }
        if let account = request.account, let token = request.formToken {
            html.element("form", ["method": "post", "action": "/logout", "class": "signout"]) { html in
                html.element("span", "\(request[.signedInAs]) ")
                html.element("a", account.name, ["href": "/account", "title": request[.navAccount]])
                html.open("input", ["type": "hidden", "name": "csrf", "value": token])
                html.element("button", request[.navSignOut], ["type": "submit"])
            }
        }
        html.raw("</header>")
        html.element("main", ["id": "main"]) { html in
            html.element("h1", title)
            body(&html)
        }
        html.raw("</body></html>")
        return html.text
    }

    /// A page's text as the answer, remembering a language chosen now.
    static func respond(_ text: String, _ request: WebRequest, status: HTTPResponse.Status = .ok) -> Response {
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
        if request.chosenNow {
            response.setCookie(
                Cookie(
                    name: languageCookie, value: request.language.rawValue, maxAge: 365 * 86_400, path: "/",
                    sameSite: .lax))
        }
        return response
    }

    /// 303 to `location`.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

/// A form body (`application/x-www-form-urlencoded`), at most `limit` bytes: each field's
/// values in the order sent (checkboxes send one name several times).
func formValues(_ request: Request, limit: Int = 64 << 10) async throws -> [String: [String]] {
    let buffer = try await request.body.collect(upTo: limit)
    var fields: [String: [String]] = [:]
    for pair in String(buffer: buffer).split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ text: Substring) -> String {
            text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
        }
        guard let name = parts.first else { continue }
        fields[decode(name), default: []].append(parts.count > 1 ? decode(parts[1]) : "")
    }
    return fields
}

/// A form body's fields, the last value of each.
func formFields(_ request: Request, limit: Int = 16 << 10) async throws -> [String: String] {
    try await formValues(request, limit: limit).compactMapValues(\.last)
}
