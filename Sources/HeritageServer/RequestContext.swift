import Foundation
import HeritageStore
import Hummingbird

/// Each request's context: who is signed in (by session cookie or bearer token), and how.
public struct HeritageRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated account, nil for anonymous requests.
    public var account: Account?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// JSON bodies beyond this are refused with 413 before they are read on.
    public var maxUploadSize: Int { 1 << 20 }

    /// Answers are stable JSON, as the CLI prints it: sorted keys, slashes unescaped.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The signed-in account, or 401.
    func requireAccount() throws -> Account {
        guard let account else {
            throw APIError(.unauthorized, "sign in first (POST /api/login) or send a bearer token")
        }
        return account
    }

    /// The signed-in account if its role is at least `role`; 401 when anonymous, 403 when not.
    func require(_ role: AccountRole) throws -> Account {
        let account = try requireAccount()
        guard account.role >= role else {
            throw APIError(
                .forbidden, "this needs the \(role.rawValue) role; \(account.name) is a \(account.role.rawValue)")
        }
        return account
    }

    /// Whether restricted sites' exact positions may be shown to this request.
    var mayReadRestricted: Bool { account?.restrictedAccess == true }
}
