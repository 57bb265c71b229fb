import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Cores available to this process.
let coreCount = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

/// Runs `body(range)` over `0..<count` split into chunks, on all cores. Chunks are several per
/// core so that uneven work (dense and sparse parts of a scan) balances out.
func parallelChunks(_ count: Int, minimumChunk: Int = 1024, _ body: (Range<Int>) -> Void) {
    let chunks = min(max(1, count / minimumChunk), coreCount * 8)
    if chunks <= 1 {
        body(0..<count)
        return
    }
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            shared.value((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
        }
    }
}

/// Fills a new array of `count` elements on all cores; each chunk writes only its own slots.
func parallelArray<T>(
    count: Int, repeating initial: T, minimumChunk: Int = 1024,
    _ body: (Range<Int>, UnsafeMutableBufferPointer<T>) -> Void
) -> [T] {
    var result = [T](repeating: initial, count: count)
    result.withUnsafeMutableBufferPointer { buffer in
        let output = UncheckedSendable(buffer)
        parallelChunks(count, minimumChunk: minimumChunk) { range in body(range, output.value) }
    }
    return result
}

/// Hands a value to concurrent iterations that touch disjoint parts of it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// `measure(index)` for every point of `cloud`, on all cores, visiting the points in `order`
/// (tree order: neighbouring queries then share cached parts of the index) when given. Points
/// missing from `order` (non-finite) get NaN.
func inSpatialOrder(_ cloud: PointCloud, _ order: [Int32]?, _ measure: (Int) -> Double) -> [Double] {
    var result = [Double](repeating: .nan, count: cloud.count)
    let visit = order ?? (0..<cloud.count).map { Int32($0) }
    result.withUnsafeMutableBufferPointer { buffer in
        let out = UncheckedSendable(buffer)
        parallelChunks(visit.count, minimumChunk: 2048) { range in
            for slot in range {
                let index = Int(visit[slot])
                out.value[index] = measure(index)
            }
        }
    }
    return result
}
