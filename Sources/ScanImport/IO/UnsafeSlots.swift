/// Slots written by `concurrentPerform` iterations, each iteration to its own index.
final class UnsafeSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    subscript(index: Int) -> Value? {
        get { slots[index] }
        set { slots[index] = newValue }
    }
}
