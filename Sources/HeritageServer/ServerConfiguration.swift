import Foundation

/// How `heritage serve` runs: where it listens and how it treats sessions and bodies.
public struct ServerConfiguration: Sendable {
    /// Loopback by default: a server reachable from elsewhere is a deliberate choice.
    public var host = "127.0.0.1"
    public var port = 8080
    /// A session lasts this long after sign-in.
    public var sessionLifetime: TimeInterval = 8 * 3600
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

    public init() {}
}
