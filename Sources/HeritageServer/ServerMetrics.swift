import Foundation
import HTTPTypes
import Hummingbird
import Prometheus

/// What `/metrics` reports, in Prometheus's text format: requests and their latency by route
/// pattern (never a concrete path, which could name a site), uploads, and comparison jobs.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
        .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1), .seconds(2),
        .seconds(5), .seconds(10), .seconds(30),
    ]

    public init() {}

    func requestFinished(route: String, method: HTTPRequest.Method, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method.rawValue)]
        registry.makeCounter(
            name: "heritage_http_requests_total", labels: labels + [("status", String(status))],
            help: "HTTP requests answered, by route pattern, method and status"
        ).increment()
        registry.makeDurationHistogram(
            name: "heritage_http_request_duration_seconds", labels: labels, buckets: Self.latencyBuckets,
            help: "Time from a request's arrival to its answer's head, by route pattern"
        ).record(duration)
    }

    func uploadStored(bytes: Int64, files: Int) {
        registry.makeCounter(name: "heritage_upload_files_total", help: "Files received by uploads").increment(
            by: Int64(files))
        registry.makeCounter(name: "heritage_upload_bytes_total", help: "Bytes received by uploads").increment(
            by: bytes)
    }

    func jobFinished(_ status: String, duration: Duration?) {
        registry.makeCounter(
            name: "heritage_jobs_finished_total", labels: [("status", status)],
            help: "Comparison jobs ended, by outcome"
        ).increment()
        if let duration {
            registry.makeDurationHistogram(
                name: "heritage_job_duration_seconds", labels: [("status", status)],
                buckets: [.seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300), .seconds(1800)],
                help: "How long comparison jobs ran"
            ).record(duration)
        }
    }

    func jobsWaiting(queued: Int, running: Int) {
        registry.makeGauge(name: "heritage_jobs_queued", help: "Comparison jobs waiting").set(to: Double(queued))
        registry.makeGauge(name: "heritage_jobs_running", help: "Comparison jobs running").set(to: Double(running))
    }

    /// The text exposition of every metric.
    func exposition() -> [UInt8] { registry.emitToBuffer() }
}

/// Counts each request and times it, by the route pattern that served it.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = HeritageRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.requestFinished(
                route: context.endpointPath ?? "unmatched", method: request.method, status: response.status.code,
                duration: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.requestFinished(
                route: context.endpointPath ?? "unmatched", method: request.method, status: status,
                duration: ContinuousClock.now - start)
            throw error
        }
    }
}
