import ArgumentParser
import Foundation
import HeritageServer
import HeritageStore
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the archive to a team over HTTP: accounts, roles, the registry's API.",
        discussion: """
            Listens on 127.0.0.1:8080 unless told otherwise; put TLS in front (a reverse proxy,
            see docs/server.md) before listening beyond this machine, and pass --secure-cookies.
            People sign in with accounts made by `heritage user add`. SIGTERM or Ctrl-C stops
            accepting and finishes the requests in flight.

            Example:
              heritage serve --archive ./heritage-archive --port 8080
              curl -c jar -H 'Content-Type: application/json' \\
                -d '{"username":"lena","password":"…"}' http://127.0.0.1:8080/api/login
            """)

    @OptionGroup var archive: ArchiveOptions
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
        let store = try archive.open()
        var logger = Logger(label: "heritage.serve")
        logger.logLevel = .info
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
