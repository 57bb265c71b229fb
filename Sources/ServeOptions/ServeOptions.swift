import ArgumentParser

/// The options of `heritage serve` and of `heritage-server`, which the one hands to the other
/// unchanged. Their own module: the CLI names them without linking the server.
public struct ServeOptions: ParsableArguments {
    @Option(name: .long, help: "The archive folder (default: $HERITAGE_ARCHIVE or ./heritage-archive).")
    public var archive: String?
    @Option(help: "The address to listen on.") public var host = "127.0.0.1"
    @Option(help: "The port to listen on.") public var port = 8080
    @Flag(name: .customLong("secure-cookies"), help: "Mark session cookies Secure (TLS in front).")
    public var secureCookies = false
    @Option(name: .customLong("session-hours"), help: "How long a sign-in lasts.") public var sessionHours = 8.0
    @Option(
        name: .customLong("concurrent-jobs"), help: "Comparison jobs run at once (each uses every core).")
    public var concurrentJobs = 1
    @Option(
        name: .customLong("signing-key"),
        help: "The private key packages are signed with (default: $HERITAGE_SIGNING_KEY; none: no packages).")
    public var signingKey: String?
    @Option(help: "Source-Organization in packages' bag-info.txt.") public var organization = "heritage archive"
    @Option(help: "Where Leaflet is (Debian's libjs-leaflet), for the map.")
    public var leaflet = "/usr/share/javascript/leaflet"
    @Option(help: "Where three.js is (Debian's libjs-three), for the 3D viewer.")
    public var three = "/usr/share/javascript/three"
    @Option(
        name: .customLong("map-tiles"),
        help: "A tile server's URL template ({z}/{x}/{y}) for the map (default: none, an offline map of outlines).")
    public var mapTiles: String?
    @Option(name: .customLong("map-attribution"), help: "The tiles' attribution, shown on the map.")
    public var mapAttribution = ""

    public init() {}

    /// The command line that gives these options.
    public var arguments: [String] {
        (archive.map { ["--archive", $0] } ?? []) + ["--host", host, "--port", "\(port)"]
            + (secureCookies ? ["--secure-cookies"] : []) + ["--session-hours", "\(sessionHours)"]
            + ["--concurrent-jobs", "\(concurrentJobs)"] + (signingKey.map { ["--signing-key", $0] } ?? [])
            + ["--organization", organization] + ["--leaflet", leaflet, "--three", three]
            + (mapTiles.map { ["--map-tiles", $0] } ?? []) + ["--map-attribution", mapAttribution]
    }
}
