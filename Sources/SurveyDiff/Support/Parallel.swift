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

/// Runs `first` and `second` at the same time and returns both results.
func concurrently<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
    var a: A?
    var b: B?
    withoutActuallyEscaping(first) { first in
        withoutActuallyEscaping(second) { second in
            withUnsafeMutablePointer(to: &a) { slotA in
                withUnsafeMutablePointer(to: &b) { slotB in
                    let shared = UncheckedSendable((first, second, slotA, slotB))
                    DispatchQueue.concurrentPerform(iterations: 2) { which in
                        if which == 0 {
                            shared.value.2.pointee = shared.value.0()
                        } else {
                            shared.value.3.pointee = shared.value.1()
                        }
                    }
                }
            }
        }
    }
    guard let a, let b else { preconditionFailure("concurrentPerform ran both iterations") }
    return (a, b)
}

/// Hands a value to concurrent iterations that touch disjoint parts of it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// `measure(index, point)` for every point of `cloud`, on all cores. With `tree` (a tree over
/// `cloud`), the points are visited in tree order and read from the tree's own contiguous copy:
/// neighbouring queries then share cached parts of the index, and reading the input in that
/// order would miss the cache at every point. Points the tree left out (non-finite) get NaN.
func inSpatialOrder(
    _ cloud: PointCloud, tree: KDTree?, _ measure: (Int, SIMD3<Double>) -> Double
) -> [Double] {
    var result = [Double](repeating: .nan, count: cloud.count)
    result.withUnsafeMutableBufferPointer { buffer in
        let out = UncheckedSendable(buffer)
        if let tree {
            parallelChunks(tree.count, minimumChunk: 2048) { range in
                for position in range {
                    let index = tree.inputIndex(position)
                    out.value[index] = measure(index, tree.point(at: position))
                }
            }
        } else {
            parallelChunks(cloud.count, minimumChunk: 2048) { range in
                for index in range { out.value[index] = measure(index, cloud.point(index)) }
            }
        }
    }
    return result
}
