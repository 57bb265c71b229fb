import Foundation

/// Transforms batches on another core, one batch behind the caller: while the worker
/// transforms batch k, the caller reads batch k + 1 (a SQLite cursor, which must stay on its
/// thread). One batch is in flight at a time, so memory stays flat however long the stream.
final class BatchPipeline<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private let worker = DispatchQueue(label: "heritage.batch-pipeline")
    private let inFlight = DispatchGroup()
    private let transform: @Sendable ([Input]) throws -> Output
    /// The last batch's result; written by the worker, read by the caller after `inFlight.wait()`.
    private var finished: Result<Output, any Error>?

    init(_ transform: @escaping @Sendable ([Input]) throws -> Output) {
        self.transform = transform
    }

    deinit { inFlight.wait() }

    /// Hands `batch` to the worker. Returns the output of the batch submitted before it (nil
    /// the first time), rethrowing its error.
    func submit(_ batch: [Input]) throws -> Output? {
        let previous = try finish()
        inFlight.enter()
        worker.async { [self] in
            finished = Result { try transform(batch) }
            inFlight.leave()
        }
        return previous
    }

    /// Waits for the batch in flight; its output, or nil if there is none.
    func finish() throws -> Output? {
        inFlight.wait()
        defer { finished = nil }
        return try finished?.get()
    }
}
