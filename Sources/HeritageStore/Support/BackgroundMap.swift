import Foundation

/// Maps a collection chunk by chunk on a background thread, so that a consumer on the calling
/// thread (the single SQLite writer) can work on chunk k while chunk k + 1 is being produced.
final class BackgroundMap<Output>: @unchecked Sendable {
    let chunkRanges: [Range<Int>]
    private var results: [Result<[Output], any Error>?]
    private let condition = NSCondition()
    /// Chunks handed to the consumer so far; the producer stays at most `ahead` chunks in
    /// front of it, so the outputs waiting are bounded (a million sites' audit events, all
    /// prepared ahead of the writer, took hundreds of megabytes).
    private var consumed = 0
    private let ahead: Int
    /// Set when the consumer gives up (its write failed): the producer stops.
    private var cancelled = false

    init<Input>(
        _ input: [Input], chunkSize: Int = 1024, ahead: Int = 16,
        _ transform: @escaping @Sendable (Input) throws -> Output
    )
    where Input: Sendable {
        self.ahead = max(1, ahead)
        chunkRanges = stride(from: 0, to: input.count, by: chunkSize).map { $0..<min($0 + chunkSize, input.count) }
        results = Array(repeating: nil, count: chunkRanges.count)
        let ranges = chunkRanges
        Thread.detachNewThread { [self] in
            for (index, range) in ranges.enumerated() {
                condition.lock()
                while !cancelled && index - consumed >= self.ahead { condition.wait() }
                let stop = cancelled
                condition.unlock()
                if stop { return }
                let result = Result { try input[range].map(transform) }
                condition.lock()
                results[index] = result
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Stops the producer (call it however the consumer ends: a producer waiting for a consumer
    /// that has gone would wait for ever, holding its input).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// The outputs of chunk `index`, waiting until they are ready.
    func chunk(_ index: Int) throws -> [Output] {
        condition.lock()
        defer { condition.unlock() }
        while results[index] == nil { condition.wait() }
        guard let result = results[index] else { preconditionFailure("chunk \(index) vanished") }
        results[index] = .success([])  // hand the memory back as soon as it is consumed
        consumed = max(consumed, index + 1)
        condition.broadcast()
        return try result.get()
    }
}
