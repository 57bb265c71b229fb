/// The value at quantile `q` (0…1) of the finite values, found by selection (linear time)
/// rather than a full sort; nil when there is none. `values` is reordered.
func quantile(_ values: inout [Double], _ q: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let k = min(values.count - 1, max(0, Int(q * Double(values.count))))
    var low = 0
    var high = values.count - 1
    while high > low {
        let mid = low + (high - low) / 2
        if values[mid] < values[low] { values.swapAt(mid, low) }
        if values[high] < values[low] { values.swapAt(high, low) }
        if values[high] < values[mid] { values.swapAt(high, mid) }
        let pivot = values[mid]
        var i = low
        var j = high
        while i <= j {
            while values[i] < pivot { i += 1 }
            while values[j] > pivot { j -= 1 }
            if i <= j {
                values.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if k <= j {
            high = j
        } else if k >= i {
            low = i
        } else {
            break
        }
    }
    return values[k]
}
