/// The values of one scalar property for every record of an element, in the file's own type.
public enum ScalarColumn: Sendable, Equatable {
    case int8([Int8])
    case uint8([UInt8])
    case int16([Int16])
    case uint16([UInt16])
    case int32([Int32])
    case uint32([UInt32])
    case float32([Float])
    case float64([Double])

    /// A column holding copies of `count` values of `type` stored natively at `raw`.
    init(copying raw: UnsafeRawPointer, type: PLYScalarType, count: Int) {
        func values<T>(_: T.Type) -> [T] {
            Array(UnsafeBufferPointer(start: raw.assumingMemoryBound(to: T.self), count: count))
        }
        switch type {
        case .int8: self = .int8(values(Int8.self))
        case .uint8: self = .uint8(values(UInt8.self))
        case .int16: self = .int16(values(Int16.self))
        case .uint16: self = .uint16(values(UInt16.self))
        case .int32: self = .int32(values(Int32.self))
        case .uint32: self = .uint32(values(UInt32.self))
        case .float32: self = .float32(values(Float.self))
        case .float64: self = .float64(values(Double.self))
        }
    }

    public var count: Int {
        switch self {
        case .int8(let values): values.count
        case .uint8(let values): values.count
        case .int16(let values): values.count
        case .uint16(let values): values.count
        case .int32(let values): values.count
        case .uint32(let values): values.count
        case .float32(let values): values.count
        case .float64(let values): values.count
        }
    }

    public var type: PLYScalarType {
        switch self {
        case .int8: .int8
        case .uint8: .uint8
        case .int16: .int16
        case .uint16: .uint16
        case .int32: .int32
        case .uint32: .uint32
        case .float32: .float32
        case .float64: .float64
        }
    }

    /// The value at `index`, widened to `Double` (exact for every PLY type).
    @inline(__always)
    public func double(at index: Int) -> Double {
        switch self {
        case .int8(let values): Double(values[index])
        case .uint8(let values): Double(values[index])
        case .int16(let values): Double(values[index])
        case .uint16(let values): Double(values[index])
        case .int32(let values): Double(values[index])
        case .uint32(let values): Double(values[index])
        case .float32(let values): Double(values[index])
        case .float64(let values): values[index]
        }
    }

    /// Writes every value, widened to `Double`, to `buffer[offset + index * stride]`.
    public func scatter(into buffer: UnsafeMutableBufferPointer<Double>, stride: Int, offset: Int) {
        func copy<T>(_ values: [T], _ widen: (T) -> Double) {
            values.withUnsafeBufferPointer { source in
                var target = offset
                for value in source {
                    buffer[target] = widen(value)
                    target += stride
                }
            }
        }
        switch self {
        case .int8(let values): copy(values) { Double($0) }
        case .uint8(let values): copy(values) { Double($0) }
        case .int16(let values): copy(values) { Double($0) }
        case .uint16(let values): copy(values) { Double($0) }
        case .int32(let values): copy(values) { Double($0) }
        case .uint32(let values): copy(values) { Double($0) }
        case .float32(let values): copy(values) { Double($0) }
        case .float64(let values): copy(values) { $0 }
        }
    }

    /// The smallest and largest value (NaN skipped), or nil when there is none.
    public var range: ClosedRange<Double>? {
        func scan<T>(_ values: [T], _ widen: (T) -> Double) -> ClosedRange<Double>? {
            var low = Double.infinity
            var high = -Double.infinity
            values.withUnsafeBufferPointer { buffer in
                for value in buffer {
                    let number = widen(value)
                    if number < low { low = number }
                    if number > high { high = number }
                }
            }
            return low <= high ? low...high : nil
        }
        switch self {
        case .int8(let values): return scan(values) { Double($0) }
        case .uint8(let values): return scan(values) { Double($0) }
        case .int16(let values): return scan(values) { Double($0) }
        case .uint16(let values): return scan(values) { Double($0) }
        case .int32(let values): return scan(values) { Double($0) }
        case .uint32(let values): return scan(values) { Double($0) }
        case .float32(let values): return scan(values) { Double($0) }
        case .float64(let values): return scan(values) { $0 }
        }
    }

    /// Every value widened to `Double`.
    public var doubles: [Double] {
        switch self {
        case .float64(let values): values
        case .float32(let values): values.map(Double.init)
        default: (0..<count).map(double(at:))
        }
    }

    /// Every value as an integer, or nil for floating-point columns.
    public var integers: [Int64]? {
        switch self {
        case .int8(let values): values.map(Int64.init)
        case .uint8(let values): values.map(Int64.init)
        case .int16(let values): values.map(Int64.init)
        case .uint16(let values): values.map(Int64.init)
        case .int32(let values): values.map(Int64.init)
        case .uint32(let values): values.map(Int64.init)
        case .float32, .float64: nil
        }
    }
}

/// The values of one list property: record `i` holds `values[offsets[i]..<offsets[i + 1]]`.
public struct ListColumn: Sendable, Equatable {
    public var offsets: [Int]
    public var values: ScalarColumn

    public var count: Int { offsets.count - 1 }

    public func range(of record: Int) -> Range<Int> { offsets[record]..<offsets[record + 1] }
}

/// The decoded records of one element, property by property.
public struct PLYElementData: Sendable, Equatable {
    public var element: PLYElement
    public var scalars: [String: ScalarColumn]
    public var lists: [String: ListColumn]
    /// x, y and z widened to `Double` and interleaved, when the reader was asked to decode them
    /// so (`scalars` then holds no x, y or z): a comparison needs them in this form, and
    /// decoding straight into it saves the three columns' memory.
    public var positions: [Double]? = nil
    /// The box of the finite x, y and z and how many vertices are not finite, when the reader
    /// was asked for those alone (a summary of a file of any size keeps no vertex).
    public var positionBounds: FiniteBounds? = nil
    /// For faces or triangle strips checked and counted as they were read, not kept: how many
    /// were written and the triangles they make.
    public var triangleCount: TriangleCount? = nil
}

/// Faces as written, and the triangles they make once fan-triangulated (strips: once unrolled).
public struct TriangleCount: Sendable, Equatable {
    public var polygons: Int
    public var triangles: Int
}

/// A whole PLY file: its header and every element's data.
public struct PLYDocument: Sendable {
    public var header: PLYHeader
    public var elements: [PLYElementData]
    /// Things that did not stop the read but a user should know (trailing bytes, for example).
    public var warnings: [String]

    public func element(named name: String) -> PLYElementData? {
        elements.first { $0.element.name == name }
    }
}
