import Dispatch

extension RandomAccessCollection where Index == Int {
    /// Maps the elements on all cores, keeping their order. For CPU-bound work on large inputs
    /// (checking and encoding the rows of a register), or with `minimumChunk: 1` for a few
    /// expensive items (hashing files); small inputs run on the calling thread.
    public func parallelMap<T>(minimumChunk: Int = 512, _ transform: (Element) throws -> T) rethrows -> [T] {
        let count = self.count
        let chunks = Swift.min(Swift.max(1, count / minimumChunk), activeCoreCount * 4)
        if chunks <= 1 { return try map(transform) }
        var results = [Result<T, any Error>?](repeating: nil, count: count)
        let start = startIndex
        try withoutActuallyEscaping(transform) { transform in
            let box = UnsafeSendable(transform)
            let input = UnsafeSendable(self)
            results.withUnsafeMutableBufferPointer { buffer in
                let output = UnsafeSendable(buffer)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let lower = count * chunk / chunks
                    let upper = count * (chunk + 1) / chunks
                    for offset in lower..<upper {
                        output.value[offset] = Result { try box.value(input.value[start + offset]) }
                    }
                }
            }
        }
        return try results.map { result in
            guard let result else { preconditionFailure("parallelMap left a slot empty") }
            return try result.get()
        }
    }
}

/// Hands a value to `concurrentPerform`, whose iterations touch disjoint parts of it.
struct UnsafeSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// Cores available to this process.
let activeCoreCount = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

#if canImport(Glibc)
    import Glibc
#endif
