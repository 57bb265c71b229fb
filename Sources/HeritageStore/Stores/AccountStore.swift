import Foundation

/// Where accounts, API tokens and sessions are kept: the archive (``HeritageArchive``) or a
/// PostgreSQL registry. Both apply the same rules, give the same messages and write the same
/// audit events, so the commands and the server take either.
public protocol AccountStore: Sendable {
    /// Adds an account (`account.create`). `passwordHash` is a bcrypt hash made by the caller.
    @discardableResult
    func addAccount(_ draft: Account, passwordHash: String, actor: String, time: String) throws -> Account
    /// Every account, by name.
    func accounts() throws -> [Account]
    /// The account named `name` (any case), or nil.
    func account(named name: String) throws -> Account?
    /// The account and its password hash, for checking a sign-in.
    func credentials(of name: String) throws -> (Account, passwordHash: String)?
    /// Changes an account (`account.update`, `account.disable` or `account.password`).
    @discardableResult
    func updateAccount(
        named name: String, role: AccountRole?, restrictedAccess: Bool?, disabled: Bool?, passwordHash: String?,
        actor: String, time: String
    ) throws -> Account
    /// Issues an API token (`account.token`); returns the token, shown once.
    func issueToken(for name: String, label: String, actor: String, time: String) throws -> String
    /// The enabled account an API token belongs to, or nil.
    func account(forToken token: String) throws -> Account?
    /// Opens a session lasting `lifetime` seconds; returns its secret.
    func openSession(for account: Account, lifetime: TimeInterval) throws -> String
    /// The enabled account a live session belongs to, or nil.
    func account(forSession secret: String) throws -> Account?
    /// Ends a session.
    func closeSession(_ secret: String) throws
}

extension AccountStore {
    /// Adds an account, now.
    @discardableResult
    public func addAccount(_ draft: Account, passwordHash: String, actor: String) throws -> Account {
        try addAccount(draft, passwordHash: passwordHash, actor: actor, time: Timestamp.now())
    }

    /// Changes an account, now; what is not given stays as it is.
    @discardableResult
    public func updateAccount(
        named name: String, role: AccountRole? = nil, restrictedAccess: Bool? = nil, disabled: Bool? = nil,
        passwordHash: String? = nil, actor: String
    ) throws -> Account {
        try updateAccount(
            named: name, role: role, restrictedAccess: restrictedAccess, disabled: disabled,
            passwordHash: passwordHash, actor: actor, time: Timestamp.now())
    }

    /// Issues an API token, now.
    public func issueToken(for name: String, label: String, actor: String) throws -> String {
        try issueToken(for: name, label: label, actor: actor, time: Timestamp.now())
    }
}

extension HeritageArchive: AccountStore {}
