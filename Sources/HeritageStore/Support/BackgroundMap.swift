import Foundation

/// Maps a collection chunk by chunk on a background thread, so that a consumer on the calling
/// thread (the single SQLite writer) can work on chunk k while chunk k + 1 is being produced.
final class BackgroundMap<Output>: @unchecked Sendable {
    let chunkRanges: [Range<Int>]
    private var results: [Result<[Output], any Error>?]
    private let condition = NSCondition()

    init<Input>(_ input: [Input], chunkSize: Int = 1024, _ transform: @escaping @Sendable (Input) throws -> Output)
    where Input: Sendable {
        chunkRanges = stride(from: 0, to: input.count, by: chunkSize).map { $0..<min($0 + chunkSize, input.count) }
        results = Array(repeating: nil, count: chunkRanges.count)
        let ranges = chunkRanges
        Thread.detachNewThread { [self] in
            for (index, range) in ranges.enumerated() {
                let result = Result { try input[range].map(transform) }
                condition.lock()
                results[index] = result
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// The outputs of chunk `index`, waiting until they are ready.
    func chunk(_ index: Int) throws -> [Output] {
        condition.lock()
        defer { condition.unlock() }
        while results[index] == nil { condition.wait() }
        guard let result = results[index] else { preconditionFailure("chunk \(index) vanished") }
        results[index] = .success([])  // hand the memory back as soon as it is consumed
        return try result.get()
    }
}
