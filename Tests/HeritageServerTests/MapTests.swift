import Foundation
import HTTPTypes
import HeritageServer
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// The map: its page, its clusters from `GET /api/map` as each reader may see them, its
/// libraries from the machine's Debian packages, its offline outlines, and the selection's
/// downloads.
@Suite struct MapTests {
    let pages = WebPageTests()

    @Test func theMapPageLoadsItsModuleAndLibrariesFromThisServer() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/login?next=%2F")
            }
            let viewer = try await pages.signIn(client, "viewer")
            try await client.execute(uri: "/?condition=unassessed", method: .get, headers: [.cookie: viewer]) {
                response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains(#"<script type="module" src="/static/map.js"></script>"#))
                #expect(html.contains(#"<link rel="stylesheet" href="/vendor/leaflet/leaflet.css">"#))
                #expect(html.contains(#"id="map""#) && html.contains(#"data-tiles="""#))
                #expect(html.contains(#"<option value="unassessed" selected="selected">"#))
                #expect(html.contains("<noscript>") && html.contains(#"href="/sites""#))
                #expect(response.headers[.contentSecurityPolicy]?.contains("img-src 'self' data: blob:;") == true)
            }
            try await client.execute(uri: "/static/map.js", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/javascript") == true)
                #expect(String(buffer: response.body).contains(#"from "/vendor/leaflet/leaflet.esm.js""#))
            }
            try await client.execute(uri: "/static/countries.geojson", method: .get) { response in
                let outlines = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((outlines?["features"] as? [Any])?.count == 177)
            }
            // The libraries come from the machine's packages; nothing outside their folders.
            if FileManager.default.fileExists(atPath: "/usr/share/javascript/leaflet/leaflet.esm.js") {
                try await client.execute(uri: "/vendor/leaflet/leaflet.esm.js", method: .get) { response in
                    #expect(response.status == .ok && String(buffer: response.body).contains("export {"))
                    #expect(response.headers[.cacheControl]?.contains("max-age=86400") == true)
                }
                try await client.execute(uri: "/vendor/three/build/three.module.js", method: .get) {
                    #expect($0.status == .ok)
                }
            } else if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("libjs-leaflet is not installed: .ci/run installs it")
            }
            for uri in ["/vendor/leaflet/../../../etc/passwd", "/vendor/leaflet/%2e%2e/%2e%2e/%2e%2e/etc/passwd"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status != .ok && !String(buffer: response.body).contains("root:"), "\(uri)")
                }
            }
        }
        // With a tile server, its origin (and its subdomains) may serve the map's images.
        var configuration = ServerConfiguration()
        configuration.mapTiles = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
        configuration.mapAttribution = "© Example contributors"
        try await fixture.application(configuration).test(.router) { client in
            let viewer = try await pages.signIn(client, "viewer")
            try await client.execute(uri: "/", method: .get, headers: [.cookie: viewer]) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"data-tiles="https://{s}.tile.example.org/{z}/{x}/{y}.png""#))
                #expect(html.contains("© Example contributors"))
                #expect(
                    response.headers[.contentSecurityPolicy]?.contains(
                        "img-src 'self' data: blob: https://*.tile.example.org;") == true)
            }
        }
    }

    @Test func theClustersShowARestrictedSiteAsItsCellWithoutClearance() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            func map(_ query: String, _ cookie: String) async throws -> (HTTPResponse.Status, [String: Any], String) {
                try await client.execute(uri: "/api/map?\(query)", method: .get, headers: [.cookie: cookie]) {
                    let text = String(buffer: $0.body)
                    let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
                    return ($0.status, object, text)
                }
            }
            let viewer = try await client.signIn("viewer")
            let cleared = try await client.signIn("cleared")
            let around = "bbox=34.1,37.1,34.4,37.4&zoom=12"
            let (status, shown, text) = try await map(around, viewer)
            #expect(status == .ok && shown["total"] as? Int == 1)
            #expect(!text.contains(ServerFixture.secretLatitude) && !text.contains(ServerFixture.secretLongitude))
            let marker = try #require((shown["sites"] as? [[String: Any]])?.first)
            #expect(marker["cell"] as? [Double] == [34.2, 37.2, 34.3, 37.3])
            let (_, exact, exactText) = try await map(around, cleared)
            #expect(exactText.contains(ServerFixture.secretLatitude))
            #expect(((exact["sites"] as? [[String: Any]])?.first?["cell"]) == nil)
            // The world: both sites, with the list's filters.
            let world = "bbox=-80,-180,80,180&zoom=2"
            #expect(try await map(world, viewer).1["total"] as? Int == 2)
            #expect(try await map(world + "&condition=unassessed", viewer).1["total"] as? Int == 2)
            #expect(try await map(world + "&condition=destroyed", viewer).1["total"] as? Int == 0)
            #expect(try await map(world + "&q=PUB", viewer).1["total"] as? Int == 1)
            #expect(try await map(world + "&country=FR", viewer).1["total"] as? Int == 0)
            // Refused with the reason: no zoom, a box that is not four numbers, a huge box zoomed in.
            #expect(try await map("bbox=-80,-180,80,180", viewer).0 == .badRequest)
            #expect(try await map("bbox=1,2,3&zoom=3", viewer).0 == .badRequest)
            let (tooLarge, _, why) = try await map("bbox=-80,-180,80,180&zoom=14", viewer)
            #expect(tooLarge == .badRequest && why.contains("too large"))
        }
    }

    /// The list's downloads hold the selection (its filters), not the whole register.
    @Test func theSelectionDownloadsAsCSVAndGeoJSON() async throws {
        let fixture = try ServerFixture()
        var church = makeSite(code: "CH-1", latitude: 40.1, longitude: 44.5, kind: .church, country: "AM")
        church.names = [SiteName(language: "hy", name: "Սուրբ Հռիփսիմե", isPrimary: true)]
        _ = try fixture.store.addSite(church, actor: "setup")
        try await fixture.application().test(.router) { client in
            let viewer = try await client.signIn("viewer")
            try await client.execute(uri: "/api/sites.csv?kind=church", method: .get, headers: [.cookie: viewer]) {
                response in
                let lines = String(buffer: response.body).split(separator: "\r\n")
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(lines.count == 2 && lines[1].contains("CH-1"), "\(lines)")
            }
            try await client.execute(
                uri: "/api/sites.geojson?q=\("Հռիփսիմե".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                method: .get, headers: [.cookie: viewer]
            ) { response in
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let features = object?["features"] as? [[String: Any]] ?? []
                #expect(features.count == 1)
            }
            // Without clearance, the restricted site in a selection is generalised, as in the whole export.
            try await client.execute(uri: "/api/sites.csv?country=BA", method: .get, headers: [.cookie: viewer]) {
                response in
                let text = String(buffer: response.body)
                #expect(text.split(separator: "\r\n").count == 3 && !text.contains(ServerFixture.secretLatitude))
            }
            try await client.execute(uri: "/sites?kind=church", method: .get, headers: [.cookie: viewer]) {
                #expect(String(buffer: $0.body).contains(#"href="/api/sites.csv?kind=church""#))
            }
        }
    }
}
