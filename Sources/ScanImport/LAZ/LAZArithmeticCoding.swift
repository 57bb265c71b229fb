/// LASzip's entropy decoding, as its specification and reference implementations (LASzip,
/// laz-perf, laz-rs) define it: a 32-bit range decoder (Amir Said's FastAC, as LASzip adapts it)
/// with adaptive multi-symbol and bit models, and the integer decompressor that codes a
/// correction to a prediction by its bit length and then its bits.
///
/// Corrupt input never traps or hangs: reads past the chunk's bytes yield zeros and mark the
/// decoder `overrun`, a model index or length that a valid stream cannot produce marks it
/// `corrupt`, and the caller checks both after each chunk.
struct LAZArithmeticDecoder {
    static let maxLength: UInt32 = 0xFFFF_FFFF
    static let minLength: UInt32 = 0x0100_0000

    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    private let end: Int
    private var value: UInt32 = 0
    private var length: UInt32 = maxLength
    /// Bytes were asked for past the chunk's end.
    private(set) var overrun = false
    /// The stream held what no encoder writes.
    private(set) var corrupt = false

    /// A decoder over `bytes[start..<end]`.
    init(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) {
        self.bytes = bytes
        position = start
        self.end = min(end, bytes.count)
    }

    /// Reads raw bytes (a chunk's first point, stored as it is) and moves on.
    mutating func readRaw(into target: UnsafeMutableRawBufferPointer) {
        let available = max(0, min(target.count, end - position))
        if available > 0 {
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + available)]))
        }
        if available < target.count {
            overrun = true
            for index in available..<target.count { target[index] = 0 }
        }
        position += target.count
    }

    mutating func markCorrupt() { corrupt = true }

    /// Starts decoding: the first four bytes of the coded stream.
    mutating func start() {
        value = 0
        length = Self.maxLength
        for _ in 0..<4 { value = (value << 8) | UInt32(nextByte()) }
    }

    @inline(__always) private mutating func nextByte() -> UInt8 {
        guard position < end else {
            overrun = true
            position += 1
            return 0
        }
        let byte = bytes[position]
        position += 1
        return byte
    }

    @inline(__always) private mutating func renormalise() {
        guard length != 0 else {
            corrupt = true
            length = Self.maxLength
            return
        }
        while length < Self.minLength {
            value = (value << 8) | UInt32(nextByte())
            length <<= 8
        }
    }

    @inline(__always) mutating func decodeBit(_ model: LAZBitModel) -> UInt32 {
        let x = model.bit0Probability &* (length >> LAZBitModel.lengthShift)
        let bit: UInt32
        if value < x {
            length = x
            model.bit0Count &+= 1
            bit = 0
        } else {
            value &-= x
            length &-= x
            bit = 1
        }
        if length < Self.minLength { renormalise() }
        model.bitsUntilUpdate &-= 1
        if model.bitsUntilUpdate == 0 { model.update() }
        return bit
    }

    @inline(__always) mutating func decodeSymbol(_ model: LAZSymbolModel) -> UInt32 {
        var symbol: UInt32
        var x: UInt32
        var y = length
        length >>= LAZSymbolModel.lengthShift
        guard length > 0 else {
            corrupt = true
            length = Self.maxLength
            return 0
        }
        if model.tableSize > 0 {
            // At most 2^15 - 1: a quotient of 2^15 (a truncated length) decodes the same symbol.
            let dv = min(value / length, 0x7FFF)
            let t = Int(dv >> model.tableShift)
            let bucket = model.buckets[t]
            if bucket & LAZSymbolModel.wideBucket == 0 {
                // One or two symbols start in this bucket: the interval comes from the bucket,
                // with no search and no further look-up.
                let first = UInt32(truncatingIfNeeded: bucket) & 0x7FFF
                let start = UInt32(truncatingIfNeeded: bucket >> 16) & 0xFFFF
                let middle = UInt32(truncatingIfNeeded: bucket >> 32) & 0xFFFF
                let end = UInt32(truncatingIfNeeded: bucket >> 48)
                let second = dv >= middle
                symbol = second ? first &+ 1 : first
                x = (second ? middle : start) &* length
                if symbol < model.lastSymbol { y = (second ? end : middle) &* length }
            } else {
                symbol = min(UInt32(model.decoderTable[t]), model.lastSymbol)
                var n = min(UInt32(model.decoderTable[t + 1]) &+ 1, model.symbols)
                while n > symbol &+ 1 {
                    let k = (symbol &+ n) >> 1
                    if UInt32(model.distribution[Int(k)]) > dv { n = k } else { symbol = k }
                }
                x = UInt32(model.distribution[Int(symbol)]) &* length
                if symbol < model.lastSymbol { y = UInt32(model.distribution[Int(symbol) + 1]) &* length }
            }
        } else {
            x = 0
            symbol = 0
            var n = model.symbols
            var k = n >> 1
            repeat {
                let z = length &* UInt32(model.distribution[Int(k)])
                if z > value {
                    n = k
                    y = z
                } else {
                    symbol = k
                    x = z
                }
                k = (symbol &+ n) >> 1
            } while k != symbol
        }
        guard value >= x, y > x else {
            corrupt = true
            length = Self.maxLength
            return 0
        }
        value &-= x
        length = y &- x
        if length < Self.minLength { renormalise() }
        model.symbolCount[Int(symbol)] &+= 1
        model.symbolsUntilUpdate &-= 1
        if model.symbolsUntilUpdate == 0 { model.update() }
        return symbol
    }

    /// `bits` raw bits (at most 32), not modelled.
    mutating func readBits(_ bits: UInt32) -> UInt32 {
        if bits > 19 {
            let low = UInt32(readShort())
            let high = readBits(bits - 16) << 16
            return high | low
        }
        length >>= bits
        guard length > 0 else {
            corrupt = true
            length = Self.maxLength
            return 0
        }
        let symbol = value / length
        value &-= length &* symbol
        if length < Self.minLength { renormalise() }
        return symbol
    }

    private mutating func readShort() -> UInt16 { UInt16(truncatingIfNeeded: readBits(16)) }

    mutating func readInt() -> UInt32 {
        let low = UInt32(readShort())
        let high = UInt32(readShort())
        return high << 16 | low
    }
}

/// An adaptive model of `symbols` symbols: counts, the distribution they give, and a table
/// that finds a symbol's interval quickly (for more than 3 symbols; LASzip has one for more
/// than 16, but a table look-up costs less than a binary search of 3 or more steps). Its arrays are raw
/// memory it owns: the decoder reads and bumps them for every symbol, and Swift arrays would
/// check bounds and uniqueness each time.
final class LAZSymbolModel {
    static let lengthShift: UInt32 = 15
    static let maxCount: UInt32 = 1 << lengthShift

    let symbols: UInt32
    /// Each symbol's interval start (at most 2^15), count (below 2^16: counts are halved when
    /// their total passes 2^15, and a cycle adds at most 16,432) and the decoder's table, as
    /// 16-bit values in one allocation: half the cache lines of 32-bit arrays.
    let distribution: UnsafeMutablePointer<UInt16>
    let symbolCount: UnsafeMutablePointer<UInt16>
    let decoderTable: UnsafeMutablePointer<UInt16>
    /// Per table bucket, when at most two symbols start in it: the first symbol (bits 0-14),
    /// and the interval starts of it and of the next two (16 bits each, 2^15 past the last),
    /// so that the decoder finds the symbol and its interval from one load. ``wideBucket``
    /// marks a bucket where more start; the decoder searches those.
    let buckets: UnsafeMutablePointer<UInt64>
    static let wideBucket: UInt64 = 0x8000
    var totalCount: UInt32 = 0
    var updateCycle: UInt32
    var symbolsUntilUpdate: UInt32 = 0
    let lastSymbol: UInt32
    let tableSize: UInt32
    let tableShift: UInt32

    init(symbols: UInt32) {
        precondition((2...2048).contains(symbols), "a model has 2 to 2048 symbols")
        self.symbols = symbols
        lastSymbol = symbols - 1
        if symbols > 3 {
            // As many entries as symbols (LASzip has a quarter as many): the table only narrows
            // the search, so the decoded symbol is the same, and in most buckets at most two
            // symbols start, which ``buckets`` resolves with one comparison.
            var tableBits: UInt32 = 3
            while (1 << tableBits) < symbols { tableBits += 1 }
            tableSize = 1 << tableBits
            tableShift = Self.lengthShift - tableBits
        } else {
            tableSize = 0
            tableShift = 0
        }
        let count = Int(symbols)
        distribution = .allocate(capacity: 2 * count + Int(tableSize) + 2)
        distribution.initialize(repeating: 0, count: count)
        symbolCount = distribution + count
        symbolCount.initialize(repeating: 1, count: count)
        decoderTable = symbolCount + count
        decoderTable.initialize(repeating: 0, count: Int(tableSize) + 2)
        buckets = .allocate(capacity: Int(tableSize))
        buckets.initialize(repeating: Self.wideBucket, count: Int(tableSize))
        updateCycle = symbols
        update()
        updateCycle = (symbols + 6) >> 1
        symbolsUntilUpdate = updateCycle
    }

    deinit {
        distribution.deallocate()
        buckets.deallocate()
    }

    func update() {
        totalCount &+= updateCycle
        let count = Int(symbols)
        if totalCount > Self.maxCount {
            totalCount = 0
            for index in 0..<count {
                symbolCount[index] = (symbolCount[index] &+ 1) >> 1
                totalCount &+= UInt32(symbolCount[index])
            }
        }
        var sum: UInt32 = 0
        let scale = 0x8000_0000 / max(totalCount, 1)
        if tableSize == 0 {
            for index in 0..<count {
                distribution[index] = UInt16(truncatingIfNeeded: (scale &* sum) >> (31 - Self.lengthShift))
                sum &+= UInt32(symbolCount[index])
            }
        } else {
            var s = 0
            for index in 0..<count {
                let start = (scale &* sum) >> (31 - Self.lengthShift)
                distribution[index] = UInt16(truncatingIfNeeded: start)
                sum &+= UInt32(symbolCount[index])
                // At most the table's size: the distribution stays below 2^15.
                let w = min(Int(start >> tableShift), Int(tableSize))
                while s < w {
                    s += 1
                    decoderTable[s] = UInt16(truncatingIfNeeded: index - 1)
                }
            }
            decoderTable[0] = 0
            while s <= Int(tableSize) {
                s += 1
                decoderTable[s] = UInt16(truncatingIfNeeded: symbols - 1)
            }
            let last = count - 1
            for t in 0..<Int(tableSize) {
                let first = Int(decoderTable[t])
                let starting = Int(decoderTable[t + 1]) + 1 - first
                let start = UInt64(distribution[first])
                let middle: UInt64 = first < last ? UInt64(distribution[first + 1]) : 0x8000
                let end: UInt64 = first + 1 < last ? UInt64(distribution[first + 2]) : 0x8000
                buckets[t] =
                    UInt64(first) | (starting > 2 ? Self.wideBucket : 0) | start << 16 | middle << 32 | end << 48
            }
        }
        updateCycle = (5 &* updateCycle) >> 2
        let maxCycle = (symbols + 6) << 3
        if updateCycle > maxCycle { updateCycle = maxCycle }
        symbolsUntilUpdate = updateCycle
    }
}

/// An adaptive model of one bit.
final class LAZBitModel {
    static let lengthShift: UInt32 = 13
    static let maxCount: UInt32 = 1 << lengthShift

    var bit0Count: UInt32 = 1
    var bitCount: UInt32 = 2
    var bit0Probability: UInt32 = 1 << (lengthShift - 1)
    var bitsUntilUpdate: UInt32 = 4
    var updateCycle: UInt32 = 4

    func update() {
        bitCount &+= updateCycle
        if bitCount > Self.maxCount {
            bitCount = (bitCount + 1) >> 1
            bit0Count = (bit0Count + 1) >> 1
            if bit0Count == bitCount { bitCount += 1 }
        }
        let scale = 0x8000_0000 / max(bitCount, 1)
        bit0Probability = (bit0Count &* scale) >> (31 - Self.lengthShift)
        updateCycle = (5 &* updateCycle) >> 2
        if updateCycle > 64 { updateCycle = 64 }
        bitsUntilUpdate = updateCycle
    }
}

/// Decodes integers coded as a correction to a prediction: the correction's bit length `k`
/// from a model per context, then its value, the high bits modelled and the rest raw.
final class LAZIntegerDecompressor {
    private let contexts: Int
    private let bitsHigh: UInt32
    private let correctionBits: UInt32
    private let correctionRange: UInt32
    private let correctionMinimum: Int32
    private let bitModels: [LAZSymbolModel]
    private let corrector0 = LAZBitModel()
    private let correctors: [LAZSymbolModel]
    /// The bit length of the last correction: some items use it as the next one's context.
    private(set) var k: UInt32 = 0

    init(bits: UInt32 = 16, contexts: Int = 1, bitsHigh: UInt32 = 8, range: UInt32 = 0) {
        self.contexts = contexts
        self.bitsHigh = bitsHigh
        if range != 0 {
            var bits: UInt32 = 0
            var rest = range
            while rest != 0 {
                rest >>= 1
                bits += 1
            }
            if range == 1 << (bits - 1) { bits -= 1 }
            correctionBits = bits
            correctionRange = range
            correctionMinimum = -Int32(range / 2)
        } else if bits != 0 && bits < 32 {
            correctionBits = bits
            correctionRange = 1 << bits
            correctionMinimum = -Int32(correctionRange / 2)
        } else {
            correctionBits = 32
            correctionRange = 0
            correctionMinimum = .min
        }
        let (lengths, highBits) = (correctionBits, bitsHigh)
        bitModels = (0..<contexts).map { _ in LAZSymbolModel(symbols: lengths + 1) }
        correctors = (1...lengths).map { LAZSymbolModel(symbols: $0 <= highBits ? 1 << $0 : 1 << highBits) }
    }

    @inline(__always) func decompress(_ decoder: inout LAZArithmeticDecoder, prediction: Int32, context: Int) -> Int32 {
        k = decoder.decodeSymbol(bitModels[min(context, contexts - 1)])
        var correction: Int32
        if k != 0 {
            if k < 32 {
                let model = correctors[Int(min(k, correctionBits)) - 1]
                if k <= bitsHigh {
                    correction = Int32(bitPattern: decoder.decodeSymbol(model))
                } else {
                    let lowBits = k - bitsHigh
                    let high = decoder.decodeSymbol(model)
                    let low = decoder.readBits(lowBits)
                    correction = Int32(bitPattern: (high << lowBits) | low)
                }
                if correction >= Int32(bitPattern: 1 << (k - 1)) {
                    correction &+= 1
                } else {
                    correction &-= Int32(bitPattern: (1 << k) &- 1)
                }
            } else {
                correction = correctionMinimum
            }
        } else {
            correction = Int32(bitPattern: decoder.decodeBit(corrector0))
        }
        var real = prediction &+ correction
        let range = Int32(bitPattern: correctionRange)
        if real < 0 {
            real &+= range
        } else if real >= range {
            real &-= range
        }
        return real
    }
}
