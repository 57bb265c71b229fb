import Foundation
import HTTPTypes
import HeritageServer
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct MetricsTests {
    @Test func requestsAreCountedByRoutePatternNeverByPath() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let viewer = try await client.signIn("viewer")
            for _ in 0..<3 {
                try await client.execute(uri: "/api/sites/PUB-1", method: .get, headers: [.cookie: viewer]) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(uri: "/api/sites/NOPE", method: .get, headers: [.cookie: viewer]) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.cookie: viewer]) {
                #expect($0.status == .forbidden)
            }
            let admin = try await client.signIn("admin")
            try await client.execute(uri: "/metrics", method: .get, headers: [.cookie: admin]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                let lines = text.split(separator: "\n")
                #expect(
                    lines.contains {
                        $0.hasPrefix("heritage_http_requests_total{") && $0.contains(#"route="/api/sites/{code}""#)
                            && $0.contains(#"status="200""#) && $0.hasSuffix(" 3")
                    }, "\(text)")
                #expect(lines.contains { $0.contains(#"route="/api/sites/{code}""#) && $0.contains(#"status="404""#) })
                #expect(text.contains("heritage_http_request_duration_seconds_bucket"))
                #expect(text.contains("heritage_jobs_queued 0"))
                #expect(!text.contains("PUB-1") && !text.contains("NOPE"))
            }
        }
    }
}
