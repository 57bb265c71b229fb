import Foundation
import HeritageStore
import HummingbirdBcrypt

/// Passwords as a server keeps them: bcrypt, cost 12 (about a quarter of a second a check,
/// which is what makes a stolen hash slow to crack).
public enum Passwords {
    public static let cost: UInt8 = 12

    /// Refuses passwords shorter than 10 characters or longer than bcrypt reads (72 bytes:
    /// it would ignore the rest without saying so).
    public static func check(_ password: String) throws {
        guard password.count >= 10 else {
            throw HeritageStoreError(.invalidInput, "a password has at least 10 characters")
        }
        guard password.utf8.count <= 72 else {
            throw HeritageStoreError(.invalidInput, "a password has at most 72 bytes (bcrypt ignores the rest)")
        }
        guard !password.contains("\0") else {
            throw HeritageStoreError(.invalidInput, "a password cannot hold a NUL character")
        }
    }

    public static func hash(_ password: String) throws -> String {
        try check(password)
        return Bcrypt.hash(password, cost: cost)
    }

    /// A hash to check against when there is no account: a sign-in with an unknown name takes
    /// as long as one with a wrong password, so timing does not tell which names exist.
    static let decoy = Bcrypt.hash("no such account, no such password", cost: cost)
}

extension AccountStore {
    /// Adds an account with a password (hashed here with bcrypt).
    @discardableResult
    public func createAccount(
        name: String, role: AccountRole, restrictedAccess: Bool, password: String, actor: String
    ) throws -> Account {
        try addAccount(
            Account(name: name, role: role, restrictedAccess: restrictedAccess),
            passwordHash: try Passwords.hash(password), actor: actor)
    }

    /// Sets an account's password.
    public func changePassword(of name: String, to password: String, actor: String) throws {
        try updateAccount(named: name, passwordHash: try Passwords.hash(password), actor: actor)
    }

    /// The enabled account whose name and password these are, or nil. Takes the time of one
    /// bcrypt check whether or not the account exists.
    public func signIn(name: String, password: String) throws -> Account? {
        guard let (account, hash) = try credentials(of: name) else {
            _ = Bcrypt.verify(password, hash: Passwords.decoy)
            return nil
        }
        guard Bcrypt.verify(password, hash: hash), !account.disabled else { return nil }
        return account
    }
}
