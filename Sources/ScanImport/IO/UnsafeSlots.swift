/// Slots written by `concurrentPerform` iterations, each iteration to its own index.
final class UnsafeSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    subscript(index: Int) -> Value? {
        get { slots[index] }
        set { slots[index] = newValue }
    }
}

/// A value handed to `concurrentPerform` iterations that the caller knows they may share: raw
/// buffers each iteration reads, or writes only in its own range.
struct UnsafeShared<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
