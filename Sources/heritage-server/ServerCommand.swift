import ArgumentParser
import Foundation
import HeritageServer
import HeritageStore
import Logging

/// The server's process. `heritage serve` (and `heritage demo --serve`) hand over to it, with
/// the same options; run on its own it does the same.
@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heritage-server",
        abstract: "Serve an archive to a team over HTTP (what `heritage serve` runs).")

    @Option(name: .long, help: "The archive folder (default: $HERITAGE_ARCHIVE or ./heritage-archive).")
    var archive: String?
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Flag(name: .customLong("secure-cookies"), help: "Mark session cookies Secure (TLS in front).")
    var secureCookies = false
    @Option(name: .customLong("session-hours"), help: "How long a sign-in lasts.") var sessionHours = 8.0

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.secureCookies = secureCookies
        configuration.sessionLifetime = sessionHours * 3600
        let path = archive ?? ProcessInfo.processInfo.environment["HERITAGE_ARCHIVE"] ?? "heritage-archive"
        let store = try HeritageArchive.open(at: URL(filePath: path))
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "heritage.serve")
        let pool = BlockingPool(threads: configuration.blockingThreads)
        let app = HeritageServer.application(
            store: store, pool: pool, configuration: configuration, logger: logger,
            onServerRunning: { channel in
                print("Serving \(store.url.path) at http://\(host):\(channel.localAddress?.port ?? port)/")
                fflush(nil)  // every stream: a pipe or log file gets it now, not when the server stops
            })
        try await app.runService()
        try await pool.shutdown()
    }
}
