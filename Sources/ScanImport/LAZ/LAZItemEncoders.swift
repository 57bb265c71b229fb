/// The writing side of LASzip's pointwise items (version 2): each codes its part of a record
/// against the last record's values with the models its decoder (LAZItems.swift) keeps, so the
/// decoder, updating the same models from the same symbols, gives the record back.
protocol LAZItemEncoder: AnyObject {
    var size: Int { get }
    /// The chunk's first record, which the chunk stores raw: it becomes the state.
    func first(_ record: UnsafeRawBufferPointer)
    func next(_ encoder: inout LAZArithmeticEncoder, _ record: UnsafeRawBufferPointer)
}

extension UnsafeRawBufferPointer {
    @inline(__always) func int32(_ at: Int) -> Int32 {
        Int32(littleEndian: loadUnaligned(fromByteOffset: at, as: Int32.self))
    }
    @inline(__always) func uint16(_ at: Int) -> UInt16 {
        UInt16(littleEndian: loadUnaligned(fromByteOffset: at, as: UInt16.self))
    }
}

/// The 20-byte point10: X, Y, Z, intensity, return and flag bits, classification, scan angle,
/// user data, point source.
final class LAZPoint10Encoder: LAZItemEncoder {
    let size = 20
    private var last = [UInt8](repeating: 0, count: 20)
    private var lastIntensity = [UInt16](repeating: 0, count: 16)
    private var xMedians = [LAZStreamingMedian5](repeating: .init(), count: 16)
    private var yMedians = [LAZStreamingMedian5](repeating: .init(), count: 16)
    private var lastHeight = [Int32](repeating: 0, count: 8)
    private let changed = LAZSymbolModel(symbols: 64)
    private let scanAngleModels = (0..<2).map { _ in LAZSymbolModel(symbols: 256) }
    private var bitModels: [LAZSymbolModel?] = Array(repeating: nil, count: 256)
    private var classificationModels: [LAZSymbolModel?] = Array(repeating: nil, count: 256)
    private var userDataModels: [LAZSymbolModel?] = Array(repeating: nil, count: 256)
    private let intensityCompressor = LAZIntegerCompressor(bits: 16, contexts: 4)
    private let pointSourceCompressor = LAZIntegerCompressor(bits: 16)
    private let dx = LAZIntegerCompressor(bits: 32, contexts: 2)
    private let dy = LAZIntegerCompressor(bits: 32, contexts: 22)
    private let dz = LAZIntegerCompressor(bits: 32, contexts: 20)

    @inline(__always) private func model(_ models: inout [LAZSymbolModel?], _ index: UInt8) -> LAZSymbolModel {
        if let model = models[Int(index)] { return model }
        let model = LAZSymbolModel(symbols: 256)
        models[Int(index)] = model
        return model
    }

    func first(_ record: UnsafeRawBufferPointer) {
        for index in 0..<20 { last[index] = record[index] }
    }

    func next(_ encoder: inout LAZArithmeticEncoder, _ record: UnsafeRawBufferPointer) {
        let bits = record[14]
        let r = Int(bits & 7)
        let n = Int((bits >> 3) & 7)
        let m = LAZPoint10Decoder.returnMap[n][r]
        let l = LAZPoint10Decoder.returnLevel[n][r]
        let intensity = record.uint16(12)
        let pointSource = record.uint16(18)
        let lastPointSource = UInt16(last[18]) | UInt16(last[19]) << 8
        var change: UInt32 = 0
        if last[14] != bits { change |= 32 }
        if lastIntensity[m] != intensity { change |= 16 }
        if last[15] != record[15] { change |= 8 }
        if last[16] != record[16] { change |= 4 }
        if last[17] != record[17] { change |= 2 }
        if lastPointSource != pointSource { change |= 1 }
        encoder.encodeSymbol(changed, change)
        if change & 32 != 0 { encoder.encodeSymbol(model(&bitModels, last[14]), UInt32(bits)) }
        if change & 16 != 0 {
            intensityCompressor.compress(
                &encoder, prediction: Int32(lastIntensity[m]), real: Int32(intensity), context: min(m, 3))
            lastIntensity[m] = intensity
        }
        if change & 8 != 0 { encoder.encodeSymbol(model(&classificationModels, last[15]), UInt32(record[15])) }
        if change & 4 != 0 {
            encoder.encodeSymbol(scanAngleModels[Int((bits >> 6) & 1)], UInt32(record[16] &- last[16]))
        }
        if change & 2 != 0 { encoder.encodeSymbol(model(&userDataModels, last[17]), UInt32(record[17])) }
        if change & 1 != 0 {
            pointSourceCompressor.compress(
                &encoder, prediction: Int32(lastPointSource), real: Int32(pointSource), context: 0)
        }
        let single = n == 1 ? 1 : 0
        let xDiff = record.int32(0) &- last.withUnsafeBytes { $0.int32(0) }
        dx.compress(&encoder, prediction: xMedians[m].median, real: xDiff, context: single)
        xMedians[m].add(xDiff)
        var kBits = dx.k
        let yDiff = record.int32(4) &- last.withUnsafeBytes { $0.int32(4) }
        dy.compress(
            &encoder, prediction: yMedians[m].median, real: yDiff,
            context: single + (kBits < 20 ? Int(kBits & ~1) : 20))
        yMedians[m].add(yDiff)
        kBits = (dx.k + dy.k) / 2
        let z = record.int32(8)
        dz.compress(
            &encoder, prediction: lastHeight[l], real: z, context: single + (kBits < 18 ? Int(kBits & ~1) : 18))
        lastHeight[l] = z
        for index in 0..<20 { last[index] = record[index] }
    }
}

/// GPS time, coded through the bits of the double as a 64-bit integer, with up to four
/// interleaved time sequences: the writing side of ``LAZGPSTimeDecoder``.
final class LAZGPSTimeEncoder: LAZItemEncoder {
    let size = 8
    private let multiModel = LAZSymbolModel(symbols: UInt32(LAZGPSTimeDecoder.multiTotal))
    private let zeroDiffModel = LAZSymbolModel(symbols: 6)
    private let compressor = LAZIntegerCompressor(bits: 32, contexts: 9)
    private var last = 0
    private var next = 0
    private var times: [Int64] = [0, 0, 0, 0]
    private var diffs: [Int32] = [0, 0, 0, 0]
    private var extremes: [Int32] = [0, 0, 0, 0]

    func first(_ record: UnsafeRawBufferPointer) {
        times[0] = Int64(littleEndian: record.loadUnaligned(as: Int64.self))
    }

    func next(_ encoder: inout LAZArithmeticEncoder, _ record: UnsafeRawBufferPointer) {
        write(&encoder, Int64(littleEndian: record.loadUnaligned(as: Int64.self)))
    }

    /// The difference from `time` to sequence `index`'s last time, when 32 bits hold it.
    private func difference(_ time: Int64, _ index: Int) -> Int32? {
        let difference = time &- times[index]
        return Int32(exactly: difference)
    }

    private func write(_ encoder: inout LAZArithmeticEncoder, _ time: Int64) {
        let multi = Int32(LAZGPSTimeDecoder.multi)
        let multiMinus = LAZGPSTimeDecoder.multiMinus
        if diffs[last] == 0 {
            if time == times[last] {
                encoder.encodeSymbol(zeroDiffModel, 0)
                return
            }
            if let diff = difference(time, last) {
                encoder.encodeSymbol(zeroDiffModel, 1)
                compressor.compress(&encoder, prediction: 0, real: diff, context: 0)
                diffs[last] = diff
                extremes[last] = 0
            } else if let other = (1..<4).first(where: { difference(time, (last + $0) & 3) != nil }) {
                encoder.encodeSymbol(zeroDiffModel, UInt32(other + 2))
                last = (last + other) & 3
                write(&encoder, time)
                return
            } else {
                encoder.encodeSymbol(zeroDiffModel, 2)
                startSequence(&encoder, time)
            }
            times[last] = time
            return
        }
        if time == times[last] {
            encoder.encodeSymbol(multiModel, UInt32(LAZGPSTimeDecoder.multiUnchanged))
            return
        }
        guard let diff = difference(time, last) else {
            if let other = (1..<4).first(where: { difference(time, (last + $0) & 3) != nil }) {
                encoder.encodeSymbol(multiModel, UInt32(LAZGPSTimeDecoder.multiCodeFull + Int32(other)))
                last = (last + other) & 3
                write(&encoder, time)
                return
            }
            encoder.encodeSymbol(multiModel, UInt32(LAZGPSTimeDecoder.multiCodeFull))
            startSequence(&encoder, time)
            times[last] = time
            return
        }
        // LASzip's multiplier: a 32-bit float quotient, rounded half away from zero (bounded
        // first: any multiplier past 500 or -10 is coded alike).
        let quotient = max(-1e6, min(1e6, Float(diff) / Float(diffs[last])))
        let factor = Int32(quotient >= 0 ? quotient + 0.5 : quotient - 0.5)
        if factor == 1 {
            encoder.encodeSymbol(multiModel, 1)
            compressor.compress(&encoder, prediction: diffs[last], real: diff, context: 1)
            extremes[last] = 0
        } else if factor > 0 {
            if factor < multi {
                encoder.encodeSymbol(multiModel, UInt32(factor))
                compressor.compress(
                    &encoder, prediction: factor &* diffs[last], real: diff, context: factor < 10 ? 2 : 3)
            } else {
                encoder.encodeSymbol(multiModel, UInt32(multi))
                compressor.compress(&encoder, prediction: multi &* diffs[last], real: diff, context: 4)
                countExtreme(diff)
            }
        } else if factor < 0 {
            if factor > multiMinus {
                encoder.encodeSymbol(multiModel, UInt32(multi - factor))
                compressor.compress(&encoder, prediction: factor &* diffs[last], real: diff, context: 5)
            } else {
                encoder.encodeSymbol(multiModel, UInt32(multi - multiMinus))
                compressor.compress(&encoder, prediction: multiMinus &* diffs[last], real: diff, context: 6)
                countExtreme(diff)
            }
        } else {
            encoder.encodeSymbol(multiModel, 0)
            compressor.compress(&encoder, prediction: 0, real: diff, context: 7)
            countExtreme(diff)
        }
        times[last] = time
    }

    private func countExtreme(_ diff: Int32) {
        extremes[last] += 1
        if extremes[last] > 3 {
            diffs[last] = diff
            extremes[last] = 0
        }
    }

    /// A time far from every sequence: its high 32 bits against the last time's, its low 32 raw.
    private func startSequence(_ encoder: inout LAZArithmeticEncoder, _ time: Int64) {
        compressor.compress(
            &encoder, prediction: Int32(truncatingIfNeeded: times[last] >> 32),
            real: Int32(truncatingIfNeeded: time >> 32), context: 8)
        encoder.writeInt(UInt32(truncatingIfNeeded: time))
        next = (next + 1) & 3
        last = next
        diffs[last] = 0
        extremes[last] = 0
    }
}

/// The pointwise item of a ``LAZFieldEncoding`` (RGB12): the chunk's first value raw, then each
/// coded against the last by the models its decoder (``LAZCodedItemDecoder``) keeps.
final class LAZCodedItemEncoder<Coding: LAZFieldEncoding>: LAZItemEncoder {
    var size: Int { Coding.size }
    private var last: Coding.Value?
    private let coding = Coding()

    func first(_ record: UnsafeRawBufferPointer) {
        last = Coding.read(record)
    }

    func next(_ encoder: inout LAZArithmeticEncoder, _ record: UnsafeRawBufferPointer) {
        guard let previous = last else { return }
        let value = Coding.read(record)
        coding.encode(&encoder, value, last: previous)
        last = value
    }
}

/// Extra bytes, each byte's change from the last record coded by a model of its own.
final class LAZBytesEncoder: LAZItemEncoder {
    let size: Int
    private var last: [UInt8]
    private let models: [LAZSymbolModel]

    init(count: Int) {
        size = count
        last = [UInt8](repeating: 0, count: count)
        models = (0..<count).map { _ in LAZSymbolModel(symbols: 256) }
    }

    func first(_ record: UnsafeRawBufferPointer) {
        for index in 0..<size { last[index] = record[index] }
    }

    func next(_ encoder: inout LAZArithmeticEncoder, _ record: UnsafeRawBufferPointer) {
        for index in 0..<size {
            encoder.encodeSymbol(models[index], UInt32(record[index] &- last[index]))
            last[index] = record[index]
        }
    }
}
