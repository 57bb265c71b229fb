import Foundation
import HeritageServer
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct OpenAPITests {
    /// `heritage/Tests/HeritageServerTests/OpenAPITests.swift` → the package's root.
    static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func document(_ fixture: ServerFixture) async throws -> (Data, [String: Any]) {
        let data = try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                return Data(buffer: response.body)
            }
        }
        return (data, try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    /// Every route the router serves is described, and every operation described is served.
    @Test func theDocumentDescribesExactlyTheRoutes() async throws {
        let fixture = try ServerFixture()
        let router = HeritageServer.router(
            store: fixture.store, pool: fixture.pool, jobs: fixture.jobs, configuration: ServerConfiguration())
        let pages = servedRoutes(router).intersection(WebRoutes.pages)
        #expect(pages == WebRoutes.pages, "pages not served: \(WebRoutes.pages.subtracting(pages))")
        let served = servedRoutes(router).subtracting(WebRoutes.pages)
        let (_, document) = try await document(fixture)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let described = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        #expect(
            served == described,
            "served only: \(served.subtracting(described)); described only: \(described.subtracting(served))")
        #expect(document["openapi"] as? String == "3.1.0")
    }

    /// The document is valid OpenAPI 3.1 by openapi-spec-validator (PyPI), which .ci/run installs.
    @Test func theDocumentValidates() async throws {
        let candidates = [
            ProcessInfo.processInfo.environment["OPENAPI_SPEC_VALIDATOR"],
            Self.packageRoot.appending(path: ".build-bagit/bin/openapi-spec-validator").path,
        ].compactMap { $0 }
        guard let validator = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("openapi-spec-validator is not installed: .ci/run installs it into .build-bagit")
            } else {
                print("skipped: openapi-spec-validator not found (pip install openapi-spec-validator, or .ci/run)")
            }
            return
        }
        let fixture = try ServerFixture()
        let (data, _) = try await document(fixture)
        let file = fixture.folder.appending(path: "openapi.json")
        try data.write(to: file)
        let (status, text) = try runProgram(validator, [file.path])
        #expect(status == 0, "\(text)")
    }
}
