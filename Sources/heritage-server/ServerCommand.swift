import ArgumentParser
import Foundation
import HeritageServer
import HeritageStore
import Logging
import ServeOptions

/// The server's process. `heritage serve` (and `heritage demo --serve`) hand over to it, with
/// the same options; run on its own it does the same.
@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heritage-server",
        abstract: "Serve an archive to a team over HTTP (what `heritage serve` runs).")

    @OptionGroup var options: ServeOptions

    func run() async throws {
        var configuration = ServerConfiguration()
        configuration.host = options.host
        configuration.port = options.port
        configuration.secureCookies = options.secureCookies
        configuration.sessionLifetime = options.sessionHours * 3600
        configuration.concurrentJobs = options.concurrentJobs
        configuration.signingKeyPath = options.signingKey ?? ProcessInfo.processInfo.environment["HERITAGE_SIGNING_KEY"]
        configuration.organization = options.organization
        configuration.leafletFolder = options.leaflet
        configuration.threeFolder = options.three
        configuration.mapTiles = options.mapTiles.flatMap { $0.isEmpty ? nil : $0 }
        configuration.mapAttribution = options.mapAttribution
        let path = options.archive ?? ProcessInfo.processInfo.environment["HERITAGE_ARCHIVE"] ?? "heritage-archive"
        let store = try HeritageArchive.open(at: URL(filePath: path))
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "heritage.serve")
        let pool = BlockingPool(threads: configuration.blockingThreads)
        for name in ScratchSpace.removeAbandoned() + store.removeAbandonedIncomingFiles() {
            logger.info("removed \(name), left by a server that was stopped")
        }
        for library in configuration.missingLibraries { logger.warning("missing \(library)") }
        let jobs = JobRunner(store: store, concurrency: configuration.concurrentJobs, logger: logger)
        try jobs.recover()
        let (host, port) = (options.host, options.port)
        let app = HeritageServer.application(
            store: store, pool: pool, jobs: jobs, configuration: configuration, logger: logger,
            onServerRunning: { channel in
                print("Serving \(store.url.path) at http://\(host):\(channel.localAddress?.port ?? port)/")
                fflush(nil)  // every stream: a pipe or log file gets it now, not when the server stops
            })
        try await app.runService()
        try await jobs.shutdown()
        try await pool.shutdown()
    }
}
