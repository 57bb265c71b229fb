import Foundation
import GRDB
import HeritageOperations
import HeritageStore
import HeritageTestSupport
import Testing

@testable import HeritagePostgres

/// Accounts, tokens and sessions behave the same on both backends: the same rules and
/// messages, the same audit actions, and a store that verifies afterwards.
@Suite(.serialized)
struct AccountStoreTests {
    /// A stand-in for a bcrypt hash: the store keeps it and checks only its length.
    static let hash = "$2b$04$uXcqI5g0tL6XQfPZ0bqQJOWf3G2qfU1pNwqgyo1Gz9Vv4yU9xQ3nK"

    @Test(arguments: StoreBackend.available)
    func accountsAreAddedOnceAndFoundInAnyCase(_ backend: StoreBackend) async throws {
        try await backend.withEmptyStore { backendStore in
            let store = backendStore.store
            let lena = try store.addAccount(
                Account(name: "Lena", role: .surveyor, restrictedAccess: true), passwordHash: Self.hash, actor: "admin")
            try store.addAccount(Account(name: "amir", role: .viewer), passwordHash: Self.hash, actor: "admin")
            #expect(try store.accounts().map(\.name) == ["amir", "Lena"])
            #expect(try store.account(named: "LENA") == lena)
            #expect(try store.credentials(of: "lena")?.passwordHash == Self.hash)
            #expect(try store.account(named: "nobody") == nil)
            // A name taken in another case, and a padded name, are refused; nothing is written.
            let before = try backendStore.events().count
            let taken = #expect(throws: HeritageStoreError.self) {
                try store.addAccount(Account(name: "lena", role: .admin), passwordHash: Self.hash, actor: "admin")
            }
            #expect(taken?.message == "an account named lena exists already")
            let padded = #expect(throws: HeritageStoreError.self) {
                try store.addAccount(Account(name: " lena2", role: .admin), passwordHash: Self.hash, actor: "admin")
            }
            #expect(padded?.code == .invalidInput)
            #expect(try backendStore.events().count == before)
            #expect(try store.accounts().count == 2)
            let created = try backendStore.events().filter { $0.action == "account.create" }
            #expect(created.map(\.entityID) == [lena.id, try #require(try store.account(named: "amir")).id])
            #expect(created.allSatisfy { $0.actor == "admin" && $0.newValue?.contains("passwordHash") == false })
            #expect(try backendStore.verify() == [])
        }
    }

    @Test(arguments: StoreBackend.available)
    func changesAreAuditedByWhatTheyDo(_ backend: StoreBackend) async throws {
        try await backend.withEmptyStore { backendStore in
            let store = backendStore.store
            try store.addAccount(Account(name: "lena", role: .surveyor), passwordHash: Self.hash, actor: "admin")
            let promoted = try store.updateAccount(
                named: "Lena", role: .reviewer, restrictedAccess: true, actor: "admin")
            #expect(promoted.role == .reviewer && promoted.restrictedAccess && !promoted.disabled)
            let newHash = Self.hash.replacingOccurrences(of: "K", with: "L")
            try store.updateAccount(named: "lena", passwordHash: newHash, actor: "lena")
            #expect(try store.credentials(of: "lena")?.passwordHash == newHash)
            try store.updateAccount(named: "lena", disabled: true, actor: "admin")
            #expect(try store.account(named: "lena")?.disabled == true)
            let missing = #expect(throws: HeritageStoreError.self) {
                try store.updateAccount(named: "nobody", role: .admin, actor: "admin")
            }
            #expect(missing?.message == "no account named nobody")
            let events = try backendStore.events().filter { $0.entityType == "account" }
            #expect(
                events.map(\.action) == ["account.create", "account.update", "account.password", "account.disable"])
            #expect(
                events.allSatisfy { !($0.oldValue ?? "").contains("$2b$") && !($0.newValue ?? "").contains("$2b$") })
            #expect(events[1].oldValue?.contains("\"role\":\"surveyor\"") == true)
            #expect(events[1].newValue?.contains("\"role\":\"reviewer\"") == true)
            #expect(try backendStore.verify() == [])
        }
    }

    @Test(arguments: StoreBackend.available)
    func tokensAndSessionsEndWithTheAccount(_ backend: StoreBackend) async throws {
        try await backend.withEmptyStore { backendStore in
            let store = backendStore.store
            let lena = try store.addAccount(
                Account(name: "lena", role: .surveyor), passwordHash: Self.hash, actor: "admin")
            let token = try store.issueToken(for: "LENA", label: "field tablet", actor: "admin")
            #expect(token.hasPrefix("hrt_") && token.count == 68)
            #expect(try store.account(forToken: token) == lena)
            #expect(try store.account(forToken: token + "0") == nil)
            let session = try store.openSession(for: lena, lifetime: 3600)
            let other = try store.openSession(for: lena, lifetime: 3600)
            #expect(try store.account(forSession: session) == lena)
            // A session past its end is no session; ending one leaves the other.
            let expired = try store.openSession(for: lena, lifetime: -1)
            #expect(try store.account(forSession: expired) == nil)
            try store.closeSession(session)
            #expect(try store.account(forSession: session) == nil)
            #expect(try store.account(forSession: other) == lena)
            // Disabling ends the sessions and stops the token; no token for a disabled account.
            try store.updateAccount(named: "lena", disabled: true, actor: "admin")
            #expect(try store.account(forSession: other) == nil)
            #expect(try store.account(forToken: token) == nil)
            let refused = #expect(throws: HeritageStoreError.self) {
                try store.issueToken(for: "lena", label: "again", actor: "admin")
            }
            #expect(refused?.message == "account lena is disabled; no token was issued")
            #expect(throws: HeritageStoreError.self) { try store.openSession(for: lena, lifetime: 3600) }
            let events = try backendStore.events().filter { $0.entityType == "account" }
            #expect(events.map(\.action) == ["account.create", "account.token", "account.disable"])
            #expect(events.allSatisfy { !($0.newValue ?? "").contains(token) })
            #expect(try backendStore.verify() == [])
        }
    }

    /// Signing in checks the bcrypt hash the product made, on either backend.
    @Test(arguments: StoreBackend.available)
    func signInChecksThePassword(_ backend: StoreBackend) async throws {
        try await backend.withEmptyStore { backendStore in
            let store = backendStore.store
            try store.createAccount(
                name: "lena", role: .viewer, restrictedAccess: false, password: "correct horse battery", actor: "admin")
            #expect(try store.signIn(name: "lena", password: "correct horse battery")?.name == "lena")
            #expect(try store.signIn(name: "lena", password: "wrong horse battery") == nil)
            #expect(try store.signIn(name: "nobody", password: "correct horse battery") == nil)
            try store.changePassword(of: "lena", to: "another long one", actor: "lena")
            #expect(try store.signIn(name: "lena", password: "correct horse battery") == nil)
            #expect(try store.signIn(name: "lena", password: "another long one")?.name == "lena")
        }
    }

    /// The same account changes on an archive and on a registry copied from it, at the same
    /// times: the same events, byte for byte, so both chains end at the same hash.
    @Test(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipReason))
    func theSameChangesHashTheSameOnBothBackends() async throws {
        let events = try await expectSameEventsOnBoth(TemporaryArchive()) { store in
            let lena = Account(id: "11111111-0000-4000-8000-000000000001", name: "lena", role: .surveyor)
            try store.addAccount(lena, passwordHash: Self.hash, actor: "admin", time: "2026-12-04T21:00:00.000Z")
            try store.updateAccount(
                named: "lena", role: .reviewer, restrictedAccess: true, disabled: nil, passwordHash: nil,
                actor: "admin", time: "2026-12-04T21:01:00.000Z")
            _ = try store.issueToken(for: "lena", label: "tablet", actor: "admin", time: "2026-12-04T21:02:00.000Z")
            try store.updateAccount(
                named: "lena", role: nil, restrictedAccess: nil, disabled: true, passwordHash: nil,
                actor: "admin", time: "2026-12-04T21:03:00.000Z")
        }
        #expect(events.count == 5)
    }
}
