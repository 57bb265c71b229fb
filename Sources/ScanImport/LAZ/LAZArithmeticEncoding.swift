/// LASzip's entropy coding, the writing side of ``LAZArithmeticDecoder``: the same 32-bit range
/// coder and the same adaptive models (``LAZSymbolModel``, ``LAZBitModel``), so that what it
/// writes decodes to what was given, in LASzip, lazrs and here.
struct LAZArithmeticEncoder {
    private(set) var bytes: [UInt8] = []
    private var base: UInt32 = 0
    private var length: UInt32 = LAZArithmeticDecoder.maxLength

    init() {
        bytes.reserveCapacity(1 << 16)
    }

    mutating func encodeBit(_ model: LAZBitModel, _ bit: UInt32) {
        let x = model.bit0Probability &* (length >> LAZBitModel.lengthShift)
        if bit == 0 {
            length = x
            model.bit0Count &+= 1
        } else {
            add(x)
            length &-= x
        }
        if length < LAZArithmeticDecoder.minLength { renormalise() }
        model.bitsUntilUpdate &-= 1
        if model.bitsUntilUpdate == 0 { model.update() }
    }

    mutating func encodeSymbol(_ model: LAZSymbolModel, _ symbol: UInt32) {
        let x: UInt32
        if symbol == model.lastSymbol {
            x = UInt32(model.distribution[Int(symbol)]) &* (length >> LAZSymbolModel.lengthShift)
            add(x)
            length &-= x
        } else {
            length >>= LAZSymbolModel.lengthShift
            x = UInt32(model.distribution[Int(symbol)]) &* length
            add(x)
            length = UInt32(model.distribution[Int(symbol) + 1]) &* length &- x
        }
        if length < LAZArithmeticDecoder.minLength { renormalise() }
        model.symbolCount[Int(symbol)] &+= 1
        model.symbolsUntilUpdate &-= 1
        if model.symbolsUntilUpdate == 0 { model.update() }
    }

    /// `bits` raw bits (at most 32) of `value`.
    mutating func writeBits(_ bits: UInt32, _ value: UInt32) {
        var (bits, value) = (bits, value)
        if bits > 19 {
            writeShort(UInt16(truncatingIfNeeded: value))
            value >>= 16
            bits -= 16
        }
        length >>= bits
        add(value &* length)
        if length < LAZArithmeticDecoder.minLength { renormalise() }
    }

    mutating func writeShort(_ value: UInt16) {
        length >>= 16
        add(UInt32(value) &* length)
        if length < LAZArithmeticDecoder.minLength { renormalise() }
    }

    mutating func writeInt(_ value: UInt32) {
        writeShort(UInt16(truncatingIfNeeded: value))
        writeShort(UInt16(truncatingIfNeeded: value >> 16))
    }

    /// Ends the stream: the bytes that fix the interval, then the zeros the decoder reads ahead.
    mutating func finish() -> [UInt8] {
        var anotherByte = true
        if length > 2 * LAZArithmeticDecoder.minLength {
            add(LAZArithmeticDecoder.minLength)
            length = LAZArithmeticDecoder.minLength >> 1
        } else {
            add(LAZArithmeticDecoder.minLength >> 1)
            length = LAZArithmeticDecoder.minLength >> 9
            anotherByte = false
        }
        renormalise()
        bytes += anotherByte ? [0, 0, 0] : [0, 0]
        return bytes
    }

    /// `base += value`, carrying into the bytes already written when it overflows.
    @inline(__always) private mutating func add(_ value: UInt32) {
        let (sum, overflow) = base.addingReportingOverflow(value)
        base = sum
        guard overflow else { return }
        var index = bytes.count - 1
        while index >= 0 && bytes[index] == 0xFF {
            bytes[index] = 0
            index -= 1
        }
        if index >= 0 { bytes[index] &+= 1 }
    }

    @inline(__always) private mutating func renormalise() {
        repeat {
            bytes.append(UInt8(truncatingIfNeeded: base >> 24))
            base <<= 8
            length <<= 8
        } while length < LAZArithmeticDecoder.minLength
    }
}

/// Codes integers as a correction to a prediction, the writing side of
/// ``LAZIntegerDecompressor``: the correction's bit length `k` by a model per context, then its
/// value, the high bits modelled and the rest raw.
final class LAZIntegerCompressor {
    private let contexts: Int
    private let bitsHigh: UInt32
    private let correctionBits: UInt32
    private let correctionRange: UInt32
    private let correctionMinimum: Int32
    private let correctionMaximum: Int32
    private let bitModels: [LAZSymbolModel]
    private let corrector0 = LAZBitModel()
    private let correctors: [LAZSymbolModel]
    /// The bit length of the last correction, a context for the next item as in the decoder.
    private(set) var k: UInt32 = 0

    init(bits: UInt32 = 16, contexts: Int = 1, bitsHigh: UInt32 = 8) {
        self.contexts = contexts
        self.bitsHigh = bitsHigh
        if bits != 0 && bits < 32 {
            correctionBits = bits
            correctionRange = 1 << bits
            correctionMinimum = -Int32(correctionRange / 2)
            correctionMaximum = correctionMinimum + Int32(correctionRange - 1)
        } else {
            correctionBits = 32
            correctionRange = 0
            correctionMinimum = .min
            correctionMaximum = .max
        }
        let (total, high) = (correctionBits, bitsHigh)
        bitModels = (0..<contexts).map { _ in LAZSymbolModel(symbols: total + 1) }
        correctors = (1...total).map { LAZSymbolModel(symbols: $0 <= high ? 1 << $0 : 1 << high) }
    }

    func compress(_ encoder: inout LAZArithmeticEncoder, prediction: Int32, real: Int32, context: Int) {
        var correction = real &- prediction
        if correction < correctionMinimum {
            correction &+= Int32(bitPattern: correctionRange)
        } else if correction > correctionMaximum {
            correction &-= Int32(bitPattern: correctionRange)
        }
        // The tightest interval [-(2^k - 1), 2^k] that holds the correction.
        var magnitude = correction <= 0 ? UInt32(bitPattern: 0 &- correction) : UInt32(correction - 1)
        k = 0
        while magnitude != 0 {
            magnitude >>= 1
            k += 1
        }
        encoder.encodeSymbol(bitModels[min(context, contexts - 1)], k)
        guard k != 0 else {
            encoder.encodeBit(corrector0, UInt32(bitPattern: correction))
            return
        }
        guard k < 32 else { return }
        let shifted =
            correction < 0 ? UInt32(bitPattern: correction &+ Int32(bitPattern: (1 << k) &- 1)) : UInt32(correction - 1)
        let model = correctors[Int(min(k, correctionBits)) - 1]
        if k <= bitsHigh {
            encoder.encodeSymbol(model, shifted)
        } else {
            let lowBits = k - bitsHigh
            encoder.encodeSymbol(model, shifted >> lowBits)
            encoder.writeBits(lowBits, shifted & ((1 << lowBits) - 1))
        }
    }
}
