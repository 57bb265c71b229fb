import Foundation
import HTTPTypes
import HeritageServer
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Testing

/// A surveyor proposes, a reviewer decides: nothing reaches the registry before approval, the
/// audit log names both, and the actor is whoever signed in, whatever the body says.
@Suite struct ReviewTests {
    func headers(_ cookie: String) -> HTTPFields {
        [.cookie: cookie, .origin: "http://localhost", .contentType: "application/json"]
    }

    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    @Test func anEditWaitsForReviewThenIsMadeInTheApproversName() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            let reviewer = try await client.signIn("reviewer")
            // The body names someone else as proposer: ignored.
            let id = try await client.execute(
                uri: "/api/sites/PUB-1", method: .patch, headers: headers(surveyor),
                body: ByteBuffer(
                    string: #"{"period": "1557-1567", "proposedBy": "mallory", "note": "waqf deed", "evidence": []}"#)
            ) { response -> String in
                #expect(response.status == .accepted, "\(String(buffer: response.body))")
                let proposal = try #require(try object(response.body)["proposal"] as? [String: Any])
                #expect(proposal["proposedBy"] as? String == "surveyor")
                #expect(proposal["status"] as? String == "pending")
                #expect(response.headers[.location] == "/api/proposals/\(proposal["id"] as? String ?? "")")
                return try #require(proposal["id"] as? String)
            }
            #expect(try fixture.store.requireSite("PUB-1").period == "1557-1566")
            // The surveyor cannot decide, nor can a reviewer decide their own.
            try await client.execute(
                uri: "/api/proposals/\(id)/approve", method: .post, headers: headers(surveyor),
                body: ByteBuffer(string: "{}")
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/api/proposals?status=pending", method: .get, headers: headers(reviewer)
            ) { response in
                let list = try object(response.body)["proposals"] as? [[String: Any]] ?? []
                #expect(list.contains { $0["id"] as? String == id })
            }
            try await client.execute(
                uri: "/api/proposals/\(id)/approve", method: .post, headers: headers(reviewer),
                body: ByteBuffer(string: #"{"reason": "matches the deed"}"#)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let proposal = try #require(try object(response.body)["proposal"] as? [String: Any])
                #expect(proposal["status"] as? String == "approved" && proposal["decidedBy"] as? String == "reviewer")
            }
            try await client.execute(
                uri: "/api/proposals/\(id)/reject", method: .post, headers: headers(reviewer),
                body: ByteBuffer(string: #"{"reason": "changed my mind"}"#)
            ) { #expect($0.status == .conflict) }
        }
        #expect(try fixture.store.requireSite("PUB-1").period == "1557-1567")
        let site = try fixture.store.requireSite("PUB-1")
        #expect(try fixture.store.auditEvents(entityID: site.id).last?.actor == "reviewer")
        #expect(try fixture.store.verify().isValid)
    }

    @Test func anAssessmentIsRejectedWithAReasonAndKept() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            let reviewer = try await client.signIn("reviewer")
            try await client.execute(
                uri: "/api/sites/PUB-1/assessments", method: .post, headers: headers(surveyor),
                body: ByteBuffer(
                    string: #"{"overallCondition": "very bad", "certainty": "high", "activity": "field-visit"}"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("date"))
            }
            // Not JSON at all: Hummingbird's refusal, in this API's shape.
            try await client.execute(
                uri: "/api/sites/PUB-1/assessments", method: .post, headers: headers(surveyor),
                body: ByteBuffer(string: "[null, null")
            ) { response in
                #expect(response.status == .badRequest)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["error"] is String, "\(String(buffer: response.body))")
            }
            try await client.execute(
                uri: "/api/sites/PUB-1/assessments", method: .post, headers: headers(surveyor),
                body: ByteBuffer(string: #"{"overallCondition": "splendid", "certainty": "high", "date": "2026"}"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("unknown overall condition 'splendid'"))
            }
            let id = try await client.execute(
                uri: "/api/sites/PUB-1/assessments", method: .post, headers: headers(surveyor),
                body: ByteBuffer(
                    string:
                        #"{"overallCondition": "Very Bad", "certainty": "high", "date": "2026-05-14", "activity": "field-visit"}"#
                )
            ) { response -> String in
                #expect(response.status == .accepted, "\(String(buffer: response.body))")
                let proposal = try #require(try object(response.body)["proposal"] as? [String: Any])
                let assessment = try #require(proposal["assessment"] as? [String: Any])
                #expect(assessment["overallCondition"] as? String == "very-bad")
                #expect(assessment["assessor"] as? String == "surveyor")
                return try #require(proposal["id"] as? String)
            }
            try await client.execute(
                uri: "/api/proposals/\(id)/reject", method: .post, headers: headers(reviewer),
                body: ByteBuffer(string: "{}")
            ) { #expect($0.status == .badRequest) }
            try await client.execute(
                uri: "/api/proposals/\(id)/reject", method: .post, headers: headers(reviewer),
                body: ByteBuffer(string: #"{"reason": "the photos show the neighbouring bridge"}"#)
            ) { #expect($0.status == .ok) }
            // The proposer sees the outcome and its reason.
            try await client.execute(uri: "/api/proposals/\(id)", method: .get, headers: headers(surveyor)) {
                response in
                let proposal = try #require(try object(response.body)["proposal"] as? [String: Any])
                #expect(proposal["status"] as? String == "rejected")
                #expect(proposal["reason"] as? String == "the photos show the neighbouring bridge")
            }
        }
        #expect(try fixture.store.conditionHistory(ofSite: "PUB-1").isEmpty)
    }

    @Test func aNewSiteIsProposedAndOnlyItsProposerAndReviewersSeeIt() async throws {
        let fixture = try ServerFixture()
        try fixture.store.addAccount(
            Account(name: "other", role: .surveyor), passwordHash: Bcrypt.hash(ServerFixture.password, cost: 4),
            actor: "setup")
        try await fixture.application().test(.router) { client in
            let surveyor = try await client.signIn("surveyor")
            let admin = try await client.signIn("admin")
            let body =
                #"{"code": "AM-NEW", "names": [{"language": "hy", "name": "Սուրբ Աստվածածին"}], "kind": "church", "location": {"latitude": 40.1, "longitude": 44.5}, "id": "x"}"#
            try await client.execute(
                uri: "/api/sites", method: .post, headers: headers(surveyor), body: ByteBuffer(string: body)
            ) { #expect($0.status == .badRequest) }  // ids are the archive's
            let id = try await client.execute(
                uri: "/api/sites", method: .post, headers: headers(surveyor),
                body: ByteBuffer(string: body.replacingOccurrences(of: #", "id": "x""#, with: ""))
            ) { response -> String in
                #expect(response.status == .accepted, "\(String(buffer: response.body))")
                let proposal = try #require(try object(response.body)["proposal"] as? [String: Any])
                return try #require(proposal["id"] as? String)
            }
            try await client.execute(uri: "/api/sites/AM-NEW", method: .get, headers: headers(admin)) {
                #expect($0.status == .notFound)
            }
            // Another surveyor neither lists nor reads it.
            let other = try await client.signIn("other")
            try await client.execute(uri: "/api/proposals", method: .get, headers: headers(other)) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains(id))
            }
            try await client.execute(uri: "/api/proposals/\(id)", method: .get, headers: headers(other)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: "/api/proposals/\(id)/approve", method: .post, headers: headers(admin),
                body: ByteBuffer(string: "{}")
            ) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/sites/AM-NEW", method: .get, headers: headers(admin)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Սուրբ Աստվածածին"))
            }
        }
    }
}
