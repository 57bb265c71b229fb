import Foundation

/// How `heritage serve` runs: where it listens and how it treats sessions and bodies.
public struct ServerConfiguration: Sendable {
    /// Loopback by default: a server reachable from elsewhere is a deliberate choice.
    public var host = "127.0.0.1"
    public var port = 8080
    /// A session lasts this long after sign-in.
    public var sessionLifetime: TimeInterval = 8 * 3600
    /// After 5 failed sign-ins for a name in a row, the wait before the next attempt is taken;
    /// each further failure doubles it, up to 15 minutes.
    public var firstSignInDelay: TimeInterval = 2
    /// Cookies are marked Secure: set when TLS is in front (here or at a reverse proxy).
    public var secureCookies = false
    /// The largest upload taken: answered 413 before reading on (from Content-Length) or as
    /// soon as the body passes it.
    public var maximumUploadBytes: Int64 = 50_000_000_000
    /// Threads that run the store's blocking calls (SQLite, bcrypt), off the event loops.
    public var blockingThreads = 4
    /// Comparison jobs run at once (each uses every core).
    public var concurrentJobs = 1
    /// The Ed25519 private key packages are signed with (`heritage key generate`); none: no packages.
    public var signingKeyPath: String?
    /// Source-Organization in the packages' bag-info.txt.
    public var organization = "heritage archive"
    /// Leaflet (Debian's libjs-leaflet), served at /vendor/leaflet/ for the map.
    public var leafletFolder = "/usr/share/javascript/leaflet"
    /// three.js (Debian's libjs-three), served at /vendor/three/ for the 3D viewer.
    public var threeFolder = "/usr/share/javascript/three"
    /// A tile server's URL template (`https://tile.example.org/{z}/{x}/{y}.png`) for the map's
    /// background; none: country outlines and a graticule, drawn offline.
    public var mapTiles: String?
    /// The tiles' attribution, shown on the map.
    public var mapAttribution = ""

    public init() {}

    /// The origin of the tile server (`https://tile.example.org`), which the pages' Content-
    /// Security-Policy lets images come from; nil without tiles or for a URL without one.
    public var mapTilesOrigin: String? {
        guard let mapTiles,
            let url = URL(
                string: mapTiles.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")),
            let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host
        else { return nil }
        let template = mapTiles.lowercased()
        let hostPart = template.dropFirst(scheme.count + 3).prefix { $0 != "/" }
        // A {s} subdomain template covers the host's subdomains.
        let shownHost = hostPart.hasPrefix("{s}.") ? "*." + hostPart.dropFirst(4) : Substring(host)
        return "\(scheme)://\(shownHost)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// The JavaScript libraries the pages load from this machine, and what each is for: a
    /// missing one is named when the server starts.
    public var missingLibraries: [String] {
        var missing: [String] = []
        if !FileManager.default.fileExists(atPath: leafletFolder + "/leaflet.esm.js") {
            missing.append(
                "Leaflet (\(leafletFolder)/leaflet.esm.js): the map page has no map; apt-get install libjs-leaflet")
        }
        if !FileManager.default.fileExists(atPath: threeFolder + "/build/three.module.js") {
            missing.append(
                "three.js (\(threeFolder)/build/three.module.js): the 3D viewer cannot start; apt-get install libjs-three"
            )
        }
        return missing
    }
}
