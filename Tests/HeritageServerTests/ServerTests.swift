import Foundation
import HTTPTypes
import HeritageOperations
import HeritageServer
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import ScanImport
import Testing

/// An archive with a public and a restricted site, and an account of each role (cheap bcrypt
/// hashes, cost 4, so that tests sign in quickly; accounts made by the product use cost 12).
final class ServerFixture: @unchecked Sendable {
    let folder: URL
    let store: HeritageArchive
    let pool = BlockingPool(threads: 2)
    /// A photograph of the restricted site with its position in EXIF GPS.
    private(set) var photoVersionID = ""
    lazy var jobs = JobRunner(store: store)
    static let password = "correct horse battery"
    /// The restricted site's exact position: no response to a caller without clearance may hold it.
    static let secretLatitude = "34.236111"
    static let secretLongitude = "37.225432"
    /// A surveyor's pending edit of the restricted site: its base holds the exact position.
    static let proposalID = "0badc0de-0000-4000-8000-000000000001"
    /// A surveyor's comparison job on the restricted site, failed.
    static let jobID = "0badc0de-0000-4000-8000-000000000002"

    init() throws {
        folder = try temporaryFolder()
        store = try HeritageArchive.create(at: folder.appending(path: "archive"), actor: "setup")
        _ = try store.addSite(makeSite(code: "PUB-1", latitude: 34.5505, longitude: 38.2684), actor: "setup")
        _ = try store.addSite(
            makeSite(code: "RES-1", latitude: 34.236111, longitude: 37.225432, sensitivity: .restricted),
            actor: "setup")
        let hash = Bcrypt.hash(Self.password, cost: 4)
        for role in AccountRole.allCases {
            try store.addAccount(Account(name: role.rawValue, role: role), passwordHash: hash, actor: "setup")
        }
        try store.addAccount(
            Account(name: "cleared", role: .viewer, restrictedAccess: true), passwordHash: hash, actor: "setup")
        var edited = try store.requireSite("RES-1")
        edited.community = "Assyrian"
        try store.propose(
            Proposal(id: Self.proposalID, kind: .siteUpdate, siteID: "RES-1", site: edited, proposedBy: ""),
            actor: "surveyor")
        try store.addJob(
            id: Self.jobID, site: "RES-1", request: #"{"before": "nope@1", "after": "nope@2"}"#, actor: "surveyor")
        try store.finishJob(Self.jobID, status: .failed, error: "no such versions", findingID: nil)
        var pixels = [UInt8](repeating: 0, count: 32 * 24 * 3)
        for index in pixels.indices { pixels[index] = UInt8((index * 7) % 251) }
        let photo = folder.appending(path: "chapel.jpg")
        try Data(
            try ImageDecoder.encodeJPEG(
                DecodedImage(width: 32, height: 24, channels: 3, pixels: pixels),
                exif: ExifWriter.app1(
                    ExifWriter.Tags(
                        make: "Canon", model: "EOS R6", dateTimeOriginal: "2026:05:02 10:11:12", latitude: 34.236111,
                        longitude: 37.225432, altitude: 991.5)))
        ).write(to: photo)
        photoVersionID =
            try store.importFiles(
                FileImportRequest(site: "RES-1", files: [.init(path: photo.path)]), actor: "surveyor")[
                0
            ].versionID
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func application(_ configuration: ServerConfiguration = ServerConfiguration()) -> some ApplicationProtocol {
        Application(router: HeritageServer.router(store: store, pool: pool, jobs: jobs, configuration: configuration))
    }
}

/// The routes a router serves, as "METHOD /path/{parameter}" (OpenAPI's way of writing them).
func servedRoutes(_ router: Router<HeritageRequestContext>) -> Set<String> {
    Set(
        router.routes.map { route in
            // Hummingbird writes a parameter as {name} or :name.
            "\(route.method.rawValue) /"
                + "\(route.path)".split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                .joined(separator: "/")
        })
}

func json(_ value: [String: String]) -> ByteBuffer {
    ByteBuffer(bytes: (try? JSONEncoder().encode(value)) ?? Data())
}

extension TestClientProtocol {
    /// Signs in and returns the session cookie's `name=value`.
    func signIn(_ name: String, password: String = ServerFixture.password) async throws -> String {
        try await execute(
            uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
            body: json(["username": name, "password": password])
        ) { response in
            #expect(response.status == .ok, "sign-in of \(name): \(String(buffer: response.body))")
            let cookie = try #require(response.headers[.setCookie])
            return String(cookie.prefix { $0 != ";" })
        }
    }
}

@Suite struct ServerTests {
    @Test func anonymousRequestsGet401AndEveryAnswerCarriesTheSecurityHeaders() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            for uri in ["/api/sites", "/api/sites/PUB-1", "/api/sites.geojson", "/api/me", "/api/accounts"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                    #expect(String(buffer: response.body).contains("\"error\""))
                    #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
                    #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
                }
            }
            try await client.execute(uri: "/api/health", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func aSessionCookieIsHttpOnlyStrictAndEndsAtLogout() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(
                uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                body: json(["username": "surveyor", "password": "wrong password!"])
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                body: json(["username": "nobody", "password": ServerFixture.password])
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                body: json(["username": "surveyor", "password": ServerFixture.password])
            ) { response in
                #expect(response.status == .ok)
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
                #expect(!cookie.contains("Secure"))  // no TLS here
                #expect(String(buffer: response.body).contains("\"role\":\"surveyor\""))
            }
            let cookie = try await client.signIn("surveyor")
            try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("surveyor"))
            }
            // Sign-out from another site is refused; from this one it ends the session.
            try await client.execute(
                uri: "/api/logout", method: .post, headers: [.cookie: cookie, .origin: "https://evil.example"]
            ) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/logout", method: .post, headers: [.cookie: cookie]) {
                #expect($0.status == .forbidden)  // no Origin or Referer at all: refused too
            }
            try await client.execute(
                uri: "/api/logout", method: .post, headers: [.cookie: cookie, .origin: "http://localhost"]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            try await client.execute(uri: "/api/me", method: .get, headers: [.cookie: cookie]) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test func bearerTokensWorkUntilTheAccountIsDisabled() async throws {
        let fixture = try ServerFixture()
        let token = try fixture.store.issueToken(for: "viewer", label: "test", actor: "admin")
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "Bearer hrt_0000"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "Basic dmlld2Vy"]) {
                #expect($0.status == .unauthorized)
            }
            try fixture.store.updateAccount(named: "viewer", disabled: true, actor: "admin")
            try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                #expect($0.status == .unauthorized)
            }
        }
        // Tokens are kept only as hashes; the audit log names the token's label, not the token.
        let registry = try String(
            contentsOf: fixture.folder.appending(path: "archive/registry.sqlite"), encoding: .isoLatin1)
        #expect(!registry.contains(token))
    }

    @Test func repeatedFailedSignInsAreSlowedDown() async throws {
        let fixture = try ServerFixture()
        // A first wait long enough that a loaded machine cannot outlast it between requests
        // (the 2 s default did, on a CI run under load).
        var configuration = ServerConfiguration()
        configuration.firstSignInDelay = 120
        try await fixture.application(configuration).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<7 {
                try await client.execute(
                    uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                    body: json(["username": "reviewer", "password": "not the password"])
                ) { response in
                    statuses.append(response.status)
                    if response.status == .tooManyRequests { #expect(response.headers[.retryAfter] != nil) }
                }
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .unauthorized })
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests })
            // Even the right password waits until the delay is over.
            try await client.execute(
                uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                body: json(["username": "reviewer", "password": ServerFixture.password])
            ) { #expect($0.status == .tooManyRequests) }
            // Another name is not slowed by this one's failures.
            _ = try await client.signIn("admin")
        }
    }

    @Test func aRoleLackingARightGets403() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            for name in ["viewer", "surveyor", "reviewer"] {
                let cookie = try await client.signIn(name)
                try await client.execute(uri: "/api/accounts", method: .get, headers: [.cookie: cookie]) {
                    #expect($0.status == .forbidden, "\(name)")
                }
            }
            let admin = try await client.signIn("admin")
            try await client.execute(uri: "/api/verify", method: .get, headers: [.cookie: admin]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"isValid\":true"))
            }
            let reviewer = try await client.signIn("reviewer")
            try await client.execute(uri: "/api/verify", method: .get, headers: [.cookie: reviewer]) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/accounts", method: .get, headers: [.cookie: admin]) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains("\"cleared\"") && !body.contains("$2b$"))
            }
        }
    }

    @Test func oversizedAndMalformedBodiesAreRefused() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let huge = ByteBuffer(
                bytes: Array("{\"username\": \"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 2 << 20))
            try await client.execute(
                uri: "/api/login", method: .post, headers: [.contentType: "application/json"], body: huge
            ) { #expect($0.status == .contentTooLarge) }
            try await client.execute(
                uri: "/api/login", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{\"username\": 3}")
            ) { response in
                #expect(response.status == .badRequest)
                #expect(!String(buffer: response.body).isEmpty)
            }
        }
    }

    /// Every read route, for a viewer without clearance and one with: the restricted site is
    /// found, but its exact position appears in no byte of any answer without clearance.
    @Test func restrictedPositionsReachOnlyClearedAccounts() async throws {
        let fixture = try ServerFixture()
        let routes = [
            "/api/sites", "/api/sites?q=RES", "/api/sites?near=34.24,37.23&radiusKm=50",
            "/api/sites?bbox=34,37,35,38", "/api/sites/RES-1", "/api/sites.geojson",
            "/api/sites?near=34.236111,37.225432&radiusKm=0.05",
        ]
        try await fixture.application().test(.router) { client in
            for (name, cleared) in [("viewer", false), ("admin", false), ("cleared", true)] {
                let cookie = try await client.signIn(name)
                for route in routes {
                    try await client.execute(uri: route, method: .get, headers: [.cookie: cookie]) { response in
                        #expect(response.status == .ok, "\(name) \(route): \(String(buffer: response.body))")
                        let body = String(buffer: response.body)
                        let reveals =
                            body.contains(ServerFixture.secretLatitude)
                            || body.contains(ServerFixture.secretLongitude)
                        if cleared {
                            if route != "/api/sites?near=34.236111,37.225432&radiusKm=0.05" || body.contains("RES-1") {
                                #expect(body.contains("RES-1"), "\(route)")
                            }
                        } else {
                            #expect(!reveals, "\(name) \(route) leaks the position")
                            if !route.contains("radiusKm=0.05") {
                                #expect(body.contains("RES-1"), "\(name) \(route) should find the site, generalised")
                            }
                        }
                    }
                }
            }
            // A 50 m search around the exact spot does not find the site without clearance:
            // it is measured at its cell's centre.
            let viewer = try await client.signIn("viewer")
            try await client.execute(
                uri: "/api/sites?near=34.236111,37.225432&radiusKm=0.05", method: .get, headers: [.cookie: viewer]
            ) { #expect(!String(buffer: $0.body).contains("RES-1")) }
            let cleared = try await client.signIn("cleared")
            try await client.execute(uri: "/api/sites/RES-1", method: .get, headers: [.cookie: cleared]) { response in
                #expect(String(buffer: response.body).contains(ServerFixture.secretLatitude))
            }
        }
    }

    /// The register as GeoJSON is streamed from the export, several chunks, whole and valid.
    @Test func theGeoJSONRegisterStreamsWhole() async throws {
        let fixture = try ServerFixture()
        var csv = "code,name,kind,latitude,longitude\n"
        for index in 0..<3_000 { csv += "S-\(index),Site \(index),church,\(30 + Double(index) / 1e4),40.5\n" }
        let register = try SiteRegister.parse(Array(csv.utf8), fileName: "r.csv", format: .csv)
        try fixture.store.importSites(register, actor: "setup")
        try await fixture.application().test(.router) { client in
            let cookie = try await client.signIn("viewer")
            try await client.execute(uri: "/api/sites.geojson", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/geo+json")
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((object?["features"] as? [Any])?.count == 3_002)
                #expect(!String(buffer: response.body).contains(ServerFixture.secretLatitude))
            }
        }
    }

    /// A site page lists its first 100 assets and says how many there are; the rest come a page
    /// at a time, oldest first, released as the page is (the site is restricted).
    @Test func aSitesAssetsArePaged() async throws {
        let fixture = try ServerFixture()
        var files: [FileImportRequest.File] = []
        for index in 0..<105 {
            let file = fixture.folder.appending(path: "stone-\(index).obj")
            try Data("v 0 0 \(index)\nv 1 0 0\nv 0 1 0\nf 1 2 3\n".utf8).write(to: file)
            files.append(.init(path: file.path))
        }
        _ = try fixture.store.importFiles(FileImportRequest(site: "RES-1", files: files), actor: "surveyor")
        try await fixture.application().test(.router) { client in
            let cookie = try await client.signIn("viewer")
            try await client.execute(uri: "/api/sites/RES-1", method: .get, headers: [.cookie: cookie]) { response in
                let page = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((page?["assets"] as? [Any])?.count == 100)
                #expect(page?["assetCount"] as? Int == 106)
                #expect(page?["findingCount"] as? Int == 0)
            }
            try await client.execute(
                uri: "/api/sites/RES-1/assets?offset=100&limit=50", method: .get, headers: [.cookie: cookie]
            ) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains(ServerFixture.secretLatitude))
                let page = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let titles = (page?["assets"] as? [[String: Any]])?.compactMap {
                    ($0["asset"] as? [String: Any])?["title"] as? String
                }
                #expect(titles == (99..<105).map { "stone-\($0).obj" })
                #expect(page?["total"] as? Int == 106 && page?["offset"] as? Int == 100)
            }
            try await client.execute(
                uri: "/api/sites/RES-1/assets?limit=0", method: .get, headers: [.cookie: cookie]
            ) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/sites/NOPE/findings", method: .get, headers: [.cookie: cookie]) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test func accountsMadeByTheProductUseBcryptCost12AndAreAudited() throws {
        let fixture = try ServerFixture()
        try fixture.store.createAccount(
            name: "lena", role: .surveyor, restrictedAccess: false, password: "a long passphrase", actor: "admin")
        let (_, hash) = try #require(try fixture.store.credentials(of: "lena"))
        #expect(hash.hasPrefix("$2b$12$"))
        #expect(throws: HeritageStoreError.self) {
            try fixture.store.createAccount(
                name: "bob", role: .viewer, restrictedAccess: false, password: "short", actor: "a")
        }
        #expect(throws: HeritageStoreError.self) {
            try fixture.store.createAccount(
                name: "Lena", role: .viewer, restrictedAccess: false, password: "another long one", actor: "a")
        }
        #expect(try fixture.store.signIn(name: "lena", password: "a long passphrase")?.role == .surveyor)
        #expect(try fixture.store.signIn(name: "lena", password: "a long passphrasE") == nil)
        let events = try fixture.store.auditEvents().filter { $0.entityType == "account" }
        #expect(events.last?.action == "account.create" && events.last?.actor == "admin")
        #expect(!events.contains { ($0.newValue ?? "").contains("$2b$") })
        #expect(try fixture.store.verify().isValid)
    }
}
