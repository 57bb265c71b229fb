import Crypto
import Foundation

/// What a person may do on a server, each role including the one before it.
public enum AccountRole: String, Codable, Sendable, CaseIterable, Comparable {
    /// Reads approved records.
    case viewer
    /// Also adds surveys, uploads assets, proposes site edits and assessments, launches comparisons.
    case surveyor
    /// Also approves or rejects proposals.
    case reviewer
    /// Also manages accounts.
    case admin

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }

    /// Parses a role, naming the ones there are when it is not one.
    public static func parse(_ text: String) throws -> Self {
        guard let role = Self(rawValue: text.lowercased().trimmingCharacters(in: .whitespaces)) else {
            throw HeritageStoreError(
                .invalidInput, "unknown role '\(text)': one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }
}

/// A person's account on a server. The password is kept only as a bcrypt hash, which this
/// value does not carry (and the audit log never records).
public struct Account: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var role: AccountRole
    /// Clearance to see restricted sites' exact positions: separate from the role.
    public var restrictedAccess: Bool
    public var disabled: Bool

    public init(
        id: String = UUID().uuidString.lowercased(), name: String, role: AccountRole, restrictedAccess: Bool = false,
        disabled: Bool = false
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.restrictedAccess = restrictedAccess
        self.disabled = disabled
    }

    /// Names are what people sign in with: 1-64 characters, no control characters, not padded.
    package func validated() throws -> Account {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed == name, name.count <= 64,
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw HeritageStoreError(
                .invalidInput, "an account name is 1 to 64 characters, without surrounding spaces or control characters"
            )
        }
        return self
    }

    /// This account with the changes given (nil: unchanged).
    package func changed(role: AccountRole?, restrictedAccess: Bool?, disabled: Bool?) -> Account {
        var new = self
        new.role = role ?? self.role
        new.restrictedAccess = restrictedAccess ?? self.restrictedAccess
        new.disabled = disabled ?? self.disabled
        return new
    }

    /// The audit action of a change from `old` to `new`: `account.password` when only the
    /// password changed, `account.disable` when the change disables it, else `account.update`.
    package static func auditAction(from old: Account, to new: Account, passwordChanged: Bool) -> String {
        passwordChanged && new == old
            ? "account.password" : new.disabled && !old.disabled ? "account.disable" : "account.update"
    }

    package static func nameTaken(_ name: String) -> HeritageStoreError {
        HeritageStoreError(.conflict, "an account named \(name) exists already")
    }

    package static func noSuchAccount(_ name: String) -> HeritageStoreError {
        HeritageStoreError(.notFound, "no account named \(name)")
    }

    package static func disabledForToken(_ name: String) -> HeritageStoreError {
        HeritageStoreError(.invalidInput, "account \(name) is disabled; no token was issued")
    }
}

/// The secrets that prove who is asking: API tokens (`hrt_` and 64 hex digits) and session
/// secrets (64 hex digits). Only their SHA-256 is stored.
package enum AccountSecret {
    package static func newToken() -> String { "hrt_" + random() }

    package static func newSession() -> String { random() }

    package static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hexString
    }

    /// 32 random bytes as lowercase hex.
    private static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
    }
}
