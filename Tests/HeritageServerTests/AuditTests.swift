import Foundation
import GRDB
import HTTPTypes
import HeritageServer
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Testing

/// The audit log over HTTP: paged, filtered, restricted values withheld, the chain's state.
@Suite struct AuditTests {
    func page(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    func events(_ page: [String: Any]) -> [[String: Any]] {
        (page["events"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? [String: Any] }
    }

    @Test func pagesFiltersAndWithheldValues() async throws {
        let fixture = try ServerFixture()
        try fixture.store.addAccount(
            Account(name: "trusted", role: .reviewer, restrictedAccess: true),
            passwordHash: Bcrypt.hash(ServerFixture.password, cost: 4), actor: "setup")
        let restricted = try fixture.store.requireSite("RES-1")
        try await fixture.application().test(.router) { client in
            let reviewer = try await client.signIn("reviewer")
            let trusted = try await client.signIn("trusted")
            let first = try await client.execute(uri: "/api/audit?limit=3", method: .get, headers: [.cookie: reviewer])
            {
                response -> [String: Any] in
                #expect(response.status == .ok)
                return try page(response.body)
            }
            let firstEvents = events(first)
            let sequences = firstEvents.compactMap { $0["sequence"] as? Int }
            #expect(sequences.count == 3 && sequences == sequences.sorted(by: >))
            let chain = try #require(first["chain"] as? [String: Any])
            #expect(chain["intact"] as? Bool == true && chain["checkedThrough"] as? Int == sequences.first)
            let next = try #require(first["nextBefore"] as? Int)
            try await client.execute(
                uri: "/api/audit?limit=3&before=\(next)", method: .get, headers: [.cookie: reviewer]
            ) {
                response in
                let older = events(try page(response.body)).compactMap { $0["sequence"] as? Int }
                #expect(older.first.map { $0 < sequences.last ?? 0 } == true)
            }
            try await client.execute(uri: "/api/audit?actor=surveyor", method: .get, headers: [.cookie: reviewer]) {
                response in
                let found = events(try page(response.body))
                #expect(!found.isEmpty && found.allSatisfy { $0["actor"] as? String == "surveyor" })
            }
            // The restricted site's own events: their values withheld, their hashes kept.
            let uri = "/api/audit?entity=\(restricted.id)"
            try await client.execute(uri: uri, method: .get, headers: [.cookie: reviewer]) { response in
                let body = try page(response.body)
                let entries = body["events"] as? [[String: Any]] ?? []
                #expect(!entries.isEmpty && entries.allSatisfy { $0["valuesWithheld"] as? Bool == true })
                #expect(events(body).allSatisfy { $0["newValue"] == nil && ($0["hash"] as? String)?.count == 64 })
                #expect(!String(buffer: response.body).contains(ServerFixture.secretLatitude))
            }
            try await client.execute(uri: uri, method: .get, headers: [.cookie: trusted]) { response in
                #expect(String(buffer: response.body).contains(ServerFixture.secretLatitude))
            }
            let surveyor = try await client.signIn("surveyor")
            try await client.execute(uri: "/api/audit", method: .get, headers: [.cookie: surveyor]) {
                #expect($0.status == .forbidden)
            }
        }
    }

    func rewriteNewestEvent(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER auditEvent_noUpdate")
            try db.execute(
                sql: "UPDATE auditEvent SET actor = 'mallory' WHERE sequence = (SELECT max(sequence) FROM auditEvent)")
        }
    }

    @Test func aBreakAfterTheFirstCheckIsReported() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let reviewer = try await client.signIn("reviewer")
            try await client.execute(uri: "/api/audit", method: .get, headers: [.cookie: reviewer]) { response in
                let chain = try page(response.body)["chain"] as? [String: Any]
                #expect(chain?["intact"] as? Bool == true)
            }
            // Someone with the file rewrites the newest event behind the server's back.
            try rewriteNewestEvent(fixture.folder.appending(path: "archive/registry.sqlite").path)
            try await client.execute(uri: "/api/audit", method: .get, headers: [.cookie: reviewer]) { response in
                let chain = try #require(try page(response.body)["chain"] as? [String: Any])
                #expect(chain["intact"] as? Bool == false)
                #expect((chain["problem"] as? String)?.contains("changed after it was checked") == true)
            }
        }
    }
}
