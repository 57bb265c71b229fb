import Crypto
import Foundation
import GRDB

extension HeritageArchive {
    /// Adds an account (`account.create`). `passwordHash` is a bcrypt hash made by the caller.
    @discardableResult
    public func addAccount(_ draft: Account, passwordHash: String, actor: String, time: String)
        throws -> Account
    {
        let account = try draft.validated()
        return try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE name = ?", arguments: [account.name]) == true {
                throw Account.nameTaken(account.name)
            }
            try db.execute(
                sql: """
                    INSERT INTO account (id, name, role, restrictedAccess, disabled, passwordHash, createdAt, updatedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    account.id, account.name, account.role.rawValue, account.restrictedAccess, account.disabled,
                    passwordHash, time, time,
                ])
            try AuditLog.append(
                db, actor: actor, action: "account.create", entityType: "account", entityID: account.id,
                entitySeq: db.lastInsertedRowID, oldValue: nil, newValue: try JSONText.encode(account), time: time)
            return account
        }
    }

    /// Every account, by name.
    public func accounts() throws -> [Account] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY name").map(Account.init(row:))
        }
    }

    /// The account named `name` (any case), or nil.
    public func account(named name: String) throws -> Account? {
        try read { db in try Self.account(db, named: name) }
    }

    /// The account and its password hash, for checking a sign-in.
    public func credentials(of name: String) throws -> (Account, passwordHash: String)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE name = ?", arguments: [name]).map {
                (try Account(row: $0), $0["passwordHash"])
            }
        }
    }

    /// Changes an account's role, clearance, disabled state or password hash (each audited as
    /// `account.update`, `account.disable` or `account.password`; the hash never is).
    @discardableResult
    public func updateAccount(
        named name: String, role: AccountRole?, restrictedAccess: Bool?, disabled: Bool?, passwordHash: String?,
        actor: String, time: String
    ) throws -> Account {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM account WHERE name = ?", arguments: [name]) else {
                throw Account.noSuchAccount(name)
            }
            let old = try Account(row: row)
            let new = old.changed(role: role, restrictedAccess: restrictedAccess, disabled: disabled)
            let action = Account.auditAction(from: old, to: new, passwordChanged: passwordHash != nil)
            try db.execute(
                sql: """
                    UPDATE account SET role = ?, restrictedAccess = ?, disabled = ?,
                        passwordHash = coalesce(?, passwordHash), updatedAt = ?
                    WHERE seq = ?
                    """,
                arguments: [
                    new.role.rawValue, new.restrictedAccess, new.disabled, passwordHash, time, row["seq"] as Int64,
                ])
            if new.disabled {
                // A disabled account's sessions end and its tokens stop working at once.
                try db.execute(sql: "DELETE FROM accountSession WHERE accountSeq = ?", arguments: [row["seq"] as Int64])
            }
            try AuditLog.append(
                db, actor: actor, action: action, entityType: "account", entityID: old.id,
                entitySeq: row["seq"], oldValue: try JSONText.encode(old), newValue: try JSONText.encode(new),
                time: time)
            return new
        }
    }

    /// Issues an API token for an account (`account.token`; the audit log records its label,
    /// never the token). Returns the token, which is shown once and kept only as its hash.
    public func issueToken(for name: String, label: String, actor: String, time: String) throws
        -> String
    {
        let token = AccountSecret.newToken()
        try write { db in
            guard let account = try Self.account(db, named: name),
                let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM account WHERE id = ?", arguments: [account.id])
            else { throw Account.noSuchAccount(name) }
            guard !account.disabled else { throw Account.disabledForToken(account.name) }
            try db.execute(
                sql: "INSERT INTO accountToken (sha256, accountSeq, label, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [AccountSecret.hash(token), seq, label, time])
            try AuditLog.append(
                db, actor: actor, action: "account.token", entityType: "account", entityID: account.id, entitySeq: seq,
                oldValue: nil, newValue: try JSONText.encode(account), time: time)
        }
        return token
    }

    /// The enabled account an API token belongs to, or nil.
    public func account(forToken token: String) throws -> Account? {
        try account(holding: token, in: "accountToken")
    }

    /// Opens a session for an enabled account, lasting `lifetime` seconds. Returns its secret,
    /// which is kept only as its hash. Sessions are not audited: they change no record.
    public func openSession(for account: Account, lifetime: TimeInterval) throws -> String {
        let secret = AccountSecret.newSession()
        try write { db in
            guard
                let seq = try Int64.fetchOne(
                    db, sql: "SELECT seq FROM account WHERE id = ? AND disabled = 0", arguments: [account.id])
            else { throw HeritageStoreError(.notFound, "no enabled account \(account.name)") }
            let now = Date()
            // Expired sessions are swept as new ones open.
            try db.execute(
                sql: "DELETE FROM accountSession WHERE expiresAt < ?", arguments: [Timestamp.string(from: now)])
            try db.execute(
                sql: "INSERT INTO accountSession (sha256, accountSeq, createdAt, expiresAt) VALUES (?, ?, ?, ?)",
                arguments: [
                    AccountSecret.hash(secret), seq, Timestamp.string(from: now),
                    Timestamp.string(from: now.addingTimeInterval(lifetime)),
                ])
        }
        return secret
    }

    /// The enabled account a live session belongs to, or nil.
    public func account(forSession secret: String) throws -> Account? {
        try account(holding: secret, in: "accountSession", extraCondition: "s.expiresAt > ?", [Timestamp.now()])
    }

    /// The enabled account whose row in `table` (tokens or sessions) holds `secret`'s hash.
    private func account(
        holding secret: String, in table: String, extraCondition: String = "1", _ arguments: StatementArguments = []
    ) throws -> Account? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT a.* FROM \(table) s JOIN account a ON a.seq = s.accountSeq
                    WHERE s.sha256 = ? AND a.disabled = 0 AND \(extraCondition)
                    """, arguments: [AccountSecret.hash(secret)] + arguments
            ).map(Account.init(row:))
        }
    }

    /// Ends a session.
    public func closeSession(_ secret: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM accountSession WHERE sha256 = ?", arguments: [AccountSecret.hash(secret)])
        }
    }

    static func account(_ db: Database, named name: String) throws -> Account? {
        try Row.fetchOne(db, sql: "SELECT * FROM account WHERE name = ?", arguments: [name]).map(Account.init(row:))
    }
}

extension Account {
    package init(row: Row) throws {
        self.init(
            id: row["id"], name: row["name"], role: try AccountRole.parse(row["role"]),
            restrictedAccess: row["restrictedAccess"], disabled: row["disabled"])
    }
}
