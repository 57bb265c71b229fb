import Foundation
import GRDB
import HeritageStore

/// Accounts, API tokens and sessions on PostgreSQL, with the archive's rules, messages and
/// audit events (`account.create`, `account.update`, `account.disable`, `account.password`,
/// `account.token`), byte for byte. Names are compared without regard to case.
extension PostgresRegistry {
    /// Adds an account. `passwordHash` is a bcrypt hash made by the caller.
    @discardableResult
    public func addAccount(_ draft: Account, passwordHash: String, actor: String, time: String = Timestamp.now())
        async throws -> Account
    {
        let account = try draft.validated()
        try await transaction {
            try await self.lockAudit()
            if try await self.storedAccount(named: account.name) != nil { throw Account.nameTaken(account.name) }
            let seq = (try await self.integer("SELECT coalesce(max(seq), 0) + 1 AS value FROM account")) ?? 1
            try await self.run(
                """
                INSERT INTO account (seq, id, name, role, restrictedAccess, disabled, passwordHash, createdAt, updatedAt)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                """,
                [
                    seq, account.id, account.name, account.role.rawValue, account.restrictedAccess ? 1 : 0,
                    account.disabled ? 1 : 0, passwordHash, time,
                ])
            try await self.appendEvent(
                actor: actor, action: "account.create", entityType: "account", entityID: account.id, entitySeq: seq,
                oldValue: nil, newValue: try RecordAudit.json(account), time: time)
        }
        return account
    }

    /// Every account, by name.
    public func accounts() async throws -> [Account] {
        try await rows("SELECT * FROM account ORDER BY lower(name) COLLATE \"C\"").map(Account.init(row:))
    }

    /// The account named `name` (any case), or nil.
    public func account(named name: String) async throws -> Account? {
        try await storedAccount(named: name).map { try Account(row: $0) }
    }

    /// The account and its password hash, for checking a sign-in.
    public func credentials(of name: String) async throws -> (Account, passwordHash: String)? {
        try await storedAccount(named: name).map { (try Account(row: $0), $0["passwordHash"]) }
    }

    /// Changes an account's role, clearance, disabled state or password hash, audited as the
    /// archive audits it (the hash never is). Disabling ends its sessions at once.
    @discardableResult
    public func updateAccount(
        named name: String, role: AccountRole? = nil, restrictedAccess: Bool? = nil, disabled: Bool? = nil,
        passwordHash: String? = nil, actor: String, time: String = Timestamp.now()
    ) async throws -> Account {
        try await transaction {
            try await self.lockAudit()
            guard let row = try await self.storedAccount(named: name, forUpdate: true) else {
                throw Account.noSuchAccount(name)
            }
            let seq: Int64 = row["seq"]
            let old = try Account(row: row)
            let new = old.changed(role: role, restrictedAccess: restrictedAccess, disabled: disabled)
            try await self.run(
                """
                UPDATE account SET role = $1, restrictedAccess = $2, disabled = $3,
                    passwordHash = coalesce($4, passwordHash), updatedAt = $5
                WHERE seq = $6
                """,
                [
                    new.role.rawValue, new.restrictedAccess ? 1 : 0, new.disabled ? 1 : 0, passwordHash, time, seq,
                ])
            if new.disabled { try await self.run("DELETE FROM accountSession WHERE accountSeq = $1", [seq]) }
            try await self.appendEvent(
                actor: actor, action: Account.auditAction(from: old, to: new, passwordChanged: passwordHash != nil),
                entityType: "account", entityID: old.id, entitySeq: seq, oldValue: try RecordAudit.json(old),
                newValue: try RecordAudit.json(new), time: time)
            return new
        }
    }

    /// Issues an API token (`account.token`, which records the account, never the token).
    /// Returns the token, shown once and kept only as its hash.
    public func issueToken(for name: String, label: String, actor: String, time: String = Timestamp.now())
        async throws -> String
    {
        let token = AccountSecret.newToken()
        try await transaction {
            try await self.lockAudit()
            guard let row = try await self.storedAccount(named: name, forUpdate: true) else {
                throw Account.noSuchAccount(name)
            }
            let account = try Account(row: row)
            guard !account.disabled else { throw Account.disabledForToken(account.name) }
            let seq: Int64 = row["seq"]
            try await self.run(
                "INSERT INTO accountToken (sha256, accountSeq, label, createdAt) VALUES ($1, $2, $3, $4)",
                [AccountSecret.hash(token), seq, label, time])
            try await self.appendEvent(
                actor: actor, action: "account.token", entityType: "account", entityID: account.id, entitySeq: seq,
                oldValue: nil, newValue: try RecordAudit.json(account), time: time)
        }
        return token
    }

    /// The enabled account an API token belongs to, or nil.
    public func account(forToken token: String) async throws -> Account? {
        try await rows(
            """
            SELECT a.* FROM accountToken t JOIN account a ON a.seq = t.accountSeq
            WHERE t.sha256 = $1 AND a.disabled = 0
            """, [AccountSecret.hash(token)]
        ).first.map(Account.init(row:))
    }

    /// Opens a session for an enabled account, lasting `lifetime` seconds, and sweeps expired
    /// ones. Returns its secret, kept only as its hash. Sessions change no record: not audited.
    public func openSession(for account: Account, lifetime: TimeInterval) async throws -> String {
        let secret = AccountSecret.newSession()
        let now = Date()
        try await transaction {
            // FOR SHARE: a disable committing meanwhile waits, then deletes this session too.
            guard
                let seq = try await self.integer(
                    "SELECT seq AS value FROM account WHERE id = $1 AND disabled = 0 FOR SHARE", [account.id])
            else { throw HeritageStoreError(.notFound, "no enabled account \(account.name)") }
            try await self.run("DELETE FROM accountSession WHERE expiresAt < $1", [Timestamp.string(from: now)])
            try await self.run(
                "INSERT INTO accountSession (sha256, accountSeq, createdAt, expiresAt) VALUES ($1, $2, $3, $4)",
                [
                    AccountSecret.hash(secret), seq, Timestamp.string(from: now),
                    Timestamp.string(from: now.addingTimeInterval(lifetime)),
                ])
        }
        return secret
    }

    /// The enabled account a live session belongs to, or nil.
    public func account(forSession secret: String) async throws -> Account? {
        try await rows(
            """
            SELECT a.* FROM accountSession s JOIN account a ON a.seq = s.accountSeq
            WHERE s.sha256 = $1 AND a.disabled = 0 AND s.expiresAt > $2
            """, [AccountSecret.hash(secret), Timestamp.now()]
        ).first.map(Account.init(row:))
    }

    /// Ends a session.
    public func closeSession(_ secret: String) async throws {
        try await run("DELETE FROM accountSession WHERE sha256 = $1", [AccountSecret.hash(secret)])
    }

    /// The account row named `name` in any case; `forUpdate` locks it for the transaction.
    private func storedAccount(named name: String, forUpdate: Bool = false) async throws -> Row? {
        try await rows(
            "SELECT * FROM account WHERE lower(name) = lower($1)" + (forUpdate ? " FOR UPDATE" : ""), [name]
        ).first
    }
}
