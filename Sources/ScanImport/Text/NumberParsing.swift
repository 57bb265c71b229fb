#if canImport(Glibc)
    import Glibc
#endif

/// Number parsing straight from bytes, for ASCII point clouds.
///
/// Decimal numbers with at most 15 significant digits and a small power of ten take Clinger's
/// fast path (exact integer mantissa times an exact power of ten, one rounding: the result is the
/// correctly rounded double). Anything else goes to `strtod`, which is also correctly rounded.
enum NumberParsing {
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Parses the bytes in `start..<end` as a floating-point number, or returns nil.
    @inline(__always)
    static func double(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
        var index = start
        guard index < end else { return nil }
        var negative = false
        let first = bytes[index]
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while index < end, case let digit = bytes[index] &- 48, digit < 10 {
            sawDigit = true
            if mantissa == 0 && digit == 0 {
                index += 1
                continue
            }
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                digits += 1
            } else {
                exponent += 1
                digits += 1
            }
            index += 1
        }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, case let digit = bytes[index] &- 48, digit < 10 {
                sawDigit = true
                if mantissa == 0 && digit == 0 {
                    exponent -= 1
                } else if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    digits += 1
                    exponent -= 1
                } else {
                    digits += 1
                }
                index += 1
            }
        }
        guard sawDigit else { return slowDouble(bytes, start, end) }
        if index < end, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var value = 0
            var sawExponentDigit = false
            while index < end, case let digit = bytes[index] &- 48, digit < 10 {
                sawExponentDigit = true
                if value < 100_000 { value = value * 10 + Int(digit) }
                index += 1
            }
            guard sawExponentDigit else { return nil }
            exponent += exponentNegative ? -value : value
        }
        guard index == end else { return nil }
        if digits <= 15 && mantissa < (1 << 53) && abs(exponent) <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
            return negative ? -value : value
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        return slowDouble(bytes, start, end)
    }

    /// `strtod` on a bounded copy, for long mantissas, large exponents, nan and inf.
    private static func slowDouble(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
        let length = end - start
        guard length > 0, length < 512 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for offset in 0..<length { buffer[offset] = CChar(bitPattern: bytes[start + offset]) }
            buffer[length] = 0
            var endPointer: UnsafeMutablePointer<CChar>?
            guard let base = buffer.baseAddress else { return nil }
            let value = strtod(base, &endPointer)
            guard let endPointer, endPointer - base == length else { return nil }
            return value
        }
    }

    /// Parses the bytes in `start..<end` as a decimal integer, or returns nil (also on overflow).
    @inline(__always)
    static func integer(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int64? {
        var index = start
        guard index < end else { return nil }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < end else { return nil }
        var value: Int64 = 0
        while index < end {
            let digit = bytes[index] &- 48
            guard digit < 10 else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(digit))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return negative ? -value : value
    }
}
