import Foundation

/// Runs one piece of work on its own thread while the caller does another; `value()` waits for
/// it. Call `value()` on every path (a `defer` does), so the work never outlives its caller.
final class BackgroundTask<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written once by the thread before it signals `done`; read only after waiting for it.
    private var result: Result<T, any Error>?

    init(_ body: @escaping @Sendable () throws -> T) {
        Thread.detachNewThread { [self] in
            result = Result { try body() }
            done.signal()
        }
    }

    /// The work's result, waiting for it to finish; rethrows its error.
    func value() throws -> T {
        done.wait()
        done.signal()  // later calls return at once
        guard let result else { preconditionFailure("the background work ended without a result") }
        return try result.get()
    }
}
