import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird
import Logging
import NIOCore

/// `heritage serve`: the archive as a multi-user HTTP API.
public enum HeritageServer {
    /// The router with every route and middleware, over `store`.
    public static func router(
        store: HeritageArchive, pool: BlockingPool, jobs: JobRunner, configuration: ServerConfiguration
    ) -> Router<HeritageRequestContext> {
        let metrics = jobs.metrics
        let router = Router(context: HeritageRequestContext.self)
        // Outermost first: every answer, errors included, carries the security headers; then
        // errors are mapped; then who is asking is found, and cross-site changes refused.
        router.add(middleware: SecurityHeadersMiddleware(imageOrigin: configuration.mapTilesOrigin))
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        // The pages' libraries, from this machine's Debian packages: what no route answers
        // under /vendor/leaflet/ or /vendor/three/ is looked for there (never outside: Hummingbird
        // refuses "..").
        for (folder, base) in [
            (configuration.leafletFolder, "/vendor/leaflet"), (configuration.threeFolder, "/vendor/three"),
        ] {
            router.add(
                middleware: FileMiddleware(
                    folder, urlBasePath: base,
                    cacheControl: .init([(MediaType(type: .any), [.maxAge(86_400), .public])]),
                    threadPool: pool.threads))
        }
        router.add(middleware: SameOriginMiddleware())
        router.add(middleware: AuthenticationMiddleware(store: store, pool: pool))
        router.get("/api/health") { _, _ in "ok" }
        // Prometheus's scrape (admin: a scraper signs in with an admin's API token).
        router.get("/metrics") { _, context in
            _ = try context.require(.admin)
            try await pool.run { try jobs.reportQueue() }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try OpenAPIDocument.json())))
        }
        let auth = AuthRoutes(store: store, pool: pool, configuration: configuration)
        auth.add(to: router)
        let sites = SiteRoutes(store: store, pool: pool)
        sites.add(to: router)
        MapRoutes(pool: pool, map: SiteMap(store: store)).add(to: router)
        let comparisonViewer = ComparisonViewer(store: store)
        let viewerRoutes = ViewerRoutes(store: store, pool: pool, viewer: comparisonViewer)
        viewerRoutes.add(to: router)
        let audit = AuditRoutes(store: store, pool: pool, chain: AuditChainMonitor(store: store))
        audit.add(to: router)
        let uploads = UploadRoutes(
            store: store, resumable: ResumableUploads(), pool: pool, configuration: configuration, metrics: metrics)
        uploads.add(to: router)
        let jobRoutes = JobRoutes(store: store, pool: pool, runner: jobs)
        jobRoutes.add(to: router)
        WebRoutes(
            store: store, pool: pool, configuration: configuration, sites: sites, auth: auth, audit: audit,
            uploads: uploads, jobs: jobRoutes, viewer: viewerRoutes
        ).add(to: router)
        SurveyRoutes(store: store, pool: pool).add(to: router)
        ProposalRoutes(store: store, pool: pool).add(to: router)
        DownloadRoutes(store: store, pool: pool).add(to: router)
        EvidenceRoutes(store: store, pool: pool, configuration: configuration).add(to: router)
        return router
    }

    /// The application listening where `configuration` says; `runService()` runs it until
    /// SIGTERM or SIGINT, then stops accepting and finishes the requests in flight.
    public static func application(
        store: HeritageArchive, pool: BlockingPool, jobs: JobRunner, configuration: ServerConfiguration,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(store: store, pool: pool, jobs: jobs, configuration: configuration),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "heritage"),
            onServerRunning: onServerRunning, logger: logger)
    }
}
