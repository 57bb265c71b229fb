import Foundation
import Hummingbird
import NIOCore

/// A response body written by a synchronous producer (an export reading SQLite on the
/// blocking pool) and sent as it comes: at most `window` chunks wait between the two, so memory
/// stays flat however large the body, and a client that goes away stops the producer.
struct StreamedBody: Sendable {
    let pool: BlockingPool
    var window = 8

    /// Runs `produce` on the pool, handing each chunk it emits to the client.
    func body(_ produce: @escaping @Sendable (_ emit: (Data) throws -> Void) throws -> Void) -> ResponseBody {
        ResponseBody { writer in
            let (chunks, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
            let gate = Gate(window: window)
            let producing = Task {
                do {
                    try await pool.run {
                        try produce { data in
                            try gate.enter()
                            continuation.yield(data)
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            defer {
                // However the client's side ends, the producer is released and stops.
                gate.close()
                producing.cancel()
            }
            for try await chunk in chunks {
                try await writer.write(ByteBuffer(bytes: chunk))
                gate.leave()
            }
            try await writer.finish(nil)
        }
    }
}

/// Counts chunks in flight; the producer waits when `window` are, and fails once closed.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var inFlight = 0
    private var closed = false
    private let window: Int

    init(window: Int) { self.window = window }

    func enter() throws {
        condition.lock()
        defer { condition.unlock() }
        while inFlight >= window && !closed { condition.wait() }
        if closed { throw CancellationError() }
        inFlight += 1
    }

    func leave() {
        condition.lock()
        inFlight -= 1
        condition.broadcast()
        condition.unlock()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
