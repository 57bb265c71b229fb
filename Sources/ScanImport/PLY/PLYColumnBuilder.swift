/// One decoded value, before it is stored in its column.
enum PLYValue {
    case integer(Int64)
    case real(Double)

    /// The value as a column of its type gives it back as a `Double`.
    var double: Double {
        switch self {
        case .integer(let value): Double(value)
        case .real(let value): value
        }
    }

    var integer: Int64 {
        switch self {
        case .integer(let value): value
        case .real(let value): value.isFinite && abs(value) < 9e18 ? Int64(value) : -1
        }
    }
}

/// Accumulates the values of one property while records are walked one by one.
struct ColumnBuilder {
    let property: PLYProperty
    var values: TypedValues
    var offsets: [Int] = [0]

    init(property: PLYProperty, reserve: Int) {
        self.property = property
        switch property.kind {
        case .scalar(let type): values = TypedValues(type: type, reserve: reserve)
        case .list(_, let item):
            values = TypedValues(type: item, reserve: reserve * 3)
            offsets.reserveCapacity(reserve + 1)
        }
    }

    mutating func appendScalar(_ value: PLYValue) { values.append(value) }

    mutating func appendList(count: Int, _ body: ((PLYValue) -> Void) -> Void) {
        body { values.append($0) }
        offsets.append(offsets[offsets.count - 1] + count)
    }
}

/// A growable column in one of the PLY types. Values arrive already range-checked; they are
/// gathered as `Int64` or `Double` and narrowed to the declared type once, at the end.
struct TypedValues {
    let type: PLYScalarType
    private var integers: [Int64] = []
    private var reals: [Double] = []

    init(type: PLYScalarType, reserve: Int) {
        self.type = type
        if type.isInteger { integers.reserveCapacity(reserve) } else { reals.reserveCapacity(reserve) }
    }

    @inline(__always)
    mutating func append(_ value: PLYValue) {
        switch value {
        case .integer(let number):
            if type.isInteger { integers.append(number) } else { reals.append(Double(number)) }
        case .real(let number):
            if type.isInteger { integers.append(PLYValue.real(number).integer) } else { reals.append(number) }
        }
    }

    mutating func append(contentsOf other: TypedValues) {
        integers += other.integers
        reals += other.reals
    }

    var count: Int { type.isInteger ? integers.count : reals.count }

    /// The values in the declared type.
    var column: ScalarColumn {
        switch type {
        case .int8: .int8(integers.map { Int8(truncatingIfNeeded: $0) })
        case .uint8: .uint8(integers.map { UInt8(truncatingIfNeeded: $0) })
        case .int16: .int16(integers.map { Int16(truncatingIfNeeded: $0) })
        case .uint16: .uint16(integers.map { UInt16(truncatingIfNeeded: $0) })
        case .int32: .int32(integers.map { Int32(truncatingIfNeeded: $0) })
        case .uint32: .uint32(integers.map { UInt32(truncatingIfNeeded: $0) })
        case .float32: .float32(reals.map { Float($0) })
        case .float64: .float64(reals)
        }
    }
}

extension PLYElementData {
    /// The element's data from the builders that gathered its properties.
    init(element: PLYElement, builders: [ColumnBuilder]) {
        var scalars: [String: ScalarColumn] = [:]
        var lists: [String: ListColumn] = [:]
        for builder in builders {
            switch builder.property.kind {
            case .scalar: scalars[builder.property.name] = builder.values.column
            case .list:
                lists[builder.property.name] = ListColumn(offsets: builder.offsets, values: builder.values.column)
            }
        }
        self.init(element: element, scalars: scalars, lists: lists)
    }
}
