import NIOPosix

/// Runs the store's synchronous calls (SQLite reads and writes, bcrypt) on threads of their
/// own, so that no event loop or cooperative-pool thread waits on the disk or a hash.
public final class BlockingPool: Sendable {
    let threads: NIOThreadPool

    public init(threads count: Int) {
        threads = NIOThreadPool(numberOfThreads: count)
        threads.start()
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threads.runIfActive(body)
    }

    /// Stops the threads once the work queued has run.
    public func shutdown() async throws {
        try await threads.shutdownGracefully()
    }
}
