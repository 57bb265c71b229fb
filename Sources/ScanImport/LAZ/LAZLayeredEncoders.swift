/// The writing side of LASzip's layered items (compressor 3, item version 3): each field group
/// coded into a layer of its own, with the state kept per scanner channel exactly as
/// ``LAZPoint14Decoder`` and ``LAZChannelItemDecoder`` keep it. Every layer is written, even one
/// whose field never changes in the chunk: a decoder given a layer reads it.
protocol LAZLayeredItemEncoder: AnyObject {
    var size: Int { get }
    var layerCount: Int { get }
    /// The chunk's first record (written raw) becomes the state; `context` is the channel.
    func first(_ record: UnsafeRawBufferPointer, context: inout Int)
    func next(_ record: UnsafeRawBufferPointer, context: inout Int)
    /// The layers' bytes, in order, once the chunk's points are all coded.
    func finishLayers() -> [[UInt8]]
}

/// The 30-byte LAS 1.4 point in nine layers: X, Y, returns and channel; Z; classification;
/// flags; intensity; scan angle; user data; point source; GPS time.
final class LAZPoint14Encoder: LAZLayeredItemEncoder {
    typealias Point = LAZPoint14Decoder.Point

    /// Per channel, the same state the decoder keeps (its coders are compressors here).
    final class Context {
        var point: Point
        var lastIntensity: [UInt16]
        var xMedians = [LAZStreamingMedian5](repeating: .init(), count: 12)
        var yMedians = [LAZStreamingMedian5](repeating: .init(), count: 12)
        var lastZ: [Int32]
        let changed = (0..<8).map { _ in LAZSymbolModel(symbols: 128) }
        let channelModel = LAZSymbolModel(symbols: 3)
        var returnCountModels = [LAZSymbolModel?](repeating: nil, count: 16)
        var returnNumberModels = [LAZSymbolModel?](repeating: nil, count: 16)
        let returnNumberSameTime = LAZSymbolModel(symbols: 13)
        var classificationModels = [LAZSymbolModel?](repeating: nil, count: 64)
        var flagModels = [LAZSymbolModel?](repeating: nil, count: 64)
        var userDataModels = [LAZSymbolModel?](repeating: nil, count: 64)
        let gpsMulti = LAZSymbolModel(symbols: UInt32(LAZPoint14Decoder.gpsMultiTotal))
        let gpsNoDiff = LAZSymbolModel(symbols: 5)
        let dx = LAZIntegerCompressor(bits: 32, contexts: 2)
        let dy = LAZIntegerCompressor(bits: 32, contexts: 22)
        let dz = LAZIntegerCompressor(bits: 32, contexts: 20)
        let intensityCoder = LAZIntegerCompressor(bits: 16, contexts: 4)
        let scanAngleCoder = LAZIntegerCompressor(bits: 16, contexts: 2)
        let pointSourceCoder = LAZIntegerCompressor(bits: 16)
        let gpsCoder = LAZIntegerCompressor(bits: 32, contexts: 9)
        var last = 0
        var next = 0
        var times: [Int64] = [0, 0, 0, 0]
        var diffs: [Int32] = [0, 0, 0, 0]
        var extremes: [Int32] = [0, 0, 0, 0]

        init(after point: Point) {
            self.point = point
            self.point.gpsTimeChanged = false
            lastIntensity = [UInt16](repeating: point.intensity, count: 8)
            lastZ = [Int32](repeating: point.z, count: 8)
            times[0] = point.gpsTime
        }
    }

    let size = 30
    let layerCount = 9
    private var contexts: [Context?] = [nil, nil, nil, nil]
    private var current = 0
    private var layers = [LAZArithmeticEncoder](repeating: LAZArithmeticEncoder(), count: 9)

    func first(_ record: UnsafeRawBufferPointer, context: inout Int) {
        let point = Point(record)
        current = point.channel
        contexts[current] = Context(after: point)
        context = current
    }

    func finishLayers() -> [[UInt8]] {
        (0..<layers.count).map { layers[$0].finish() }
    }

    @inline(__always) private func model(_ models: inout [LAZSymbolModel?], _ index: Int, _ symbols: UInt32)
        -> LAZSymbolModel
    {
        if let model = models[index] { return model }
        let model = LAZSymbolModel(symbols: symbols)
        models[index] = model
        return model
    }

    func next(_ record: UnsafeRawBufferPointer, context: inout Int) {
        guard let this = contexts[current] else { return }
        let point = Point(record)
        let previous = this.point
        var lastReturn = previous.returnNumber == 1 ? 1 : 0
        lastReturn += previous.returnNumber >= previous.numberOfReturns ? 2 : 0
        lastReturn += previous.gpsTimeChanged ? 4 : 0
        var ctx = this
        let channel = point.channel
        let step = (channel - current + 3) % 4
        if channel != current {
            let switched = contexts[channel] ?? Context(after: this.point)
            contexts[channel] = switched
            ctx = switched
            ctx.point.flags = (ctx.point.flags & ~0x30) | UInt8(channel << 4)
        }
        let last = ctx.point
        let (lastN, lastR) = (Int(last.numberOfReturns), Int(last.returnNumber))
        let (n, r) = (Int(point.numberOfReturns), Int(point.returnNumber))
        let gpsChanged = point.gpsTime != last.gpsTime
        var changes: UInt32 = 0
        if channel != current { changes |= 1 << 6 }
        if point.pointSource != last.pointSource { changes |= 1 << 5 }
        if gpsChanged { changes |= 1 << 4 }
        if point.scanAngle != last.scanAngle { changes |= 1 << 3 }
        if n != lastN { changes |= 1 << 2 }
        if r == lastR {
            // 0: the same return number
        } else if r == (lastR + 1) % 16 {
            changes |= 1
        } else if r == (lastR + 15) % 16 {
            changes |= 2
        } else {
            changes |= 3
        }
        layers[0].encodeSymbol(this.changed[lastReturn], changes)
        if channel != current {
            layers[0].encodeSymbol(this.channelModel, UInt32(step))
            current = channel
            context = current  // version 3: the channel reaches the other items only when it changes
        }
        if changes & (1 << 2) != 0 { layers[0].encodeSymbol(model(&ctx.returnCountModels, lastN, 16), UInt32(n)) }
        if changes & 3 == 3 {
            if gpsChanged {
                layers[0].encodeSymbol(model(&ctx.returnNumberModels, lastR, 16), UInt32(r))
            } else {
                layers[0].encodeSymbol(ctx.returnNumberSameTime, UInt32((r - lastR + 14) % 16))
            }
        }
        let m = Int(LAZPoint14Decoder.returnMap[n][r])
        let l = Int(LAZPoint14Decoder.returnLevel[n][r])
        var cpr = r == 1 ? 2 : 0
        cpr += r >= n ? 1 : 0
        let single = n == 1 ? 1 : 0
        let medianIndex = (m << 1) | (gpsChanged ? 1 : 0)
        let xDiff = point.x &- last.x
        ctx.dx.compress(&layers[0], prediction: ctx.xMedians[medianIndex].median, real: xDiff, context: single)
        ctx.xMedians[medianIndex].add(xDiff)
        var kBits = ctx.dx.k
        let yDiff = point.y &- last.y
        ctx.dy.compress(
            &layers[0], prediction: ctx.yMedians[medianIndex].median, real: yDiff,
            context: single + (kBits < 20 ? Int(kBits & ~1) : 20))
        ctx.yMedians[medianIndex].add(yDiff)
        kBits = (ctx.dx.k + ctx.dy.k) / 2
        ctx.dz.compress(
            &layers[1], prediction: ctx.lastZ[l], real: point.z, context: single + (kBits < 18 ? Int(kBits & ~1) : 18))
        ctx.lastZ[l] = point.z
        let classificationIndex = Int(((last.classification & 0x1F) << 1) + (cpr == 3 ? 1 : 0))
        layers[2].encodeSymbol(
            model(&ctx.classificationModels, classificationIndex, 256), UInt32(point.classification))
        func flagSymbol(_ flags: UInt8) -> Int { Int((flags >> 7) << 5 | ((flags >> 6) & 1) << 4 | (flags & 0x0F)) }
        layers[3].encodeSymbol(model(&ctx.flagModels, flagSymbol(last.flags), 64), UInt32(flagSymbol(point.flags)))
        let intensityIndex = cpr << 1 | (gpsChanged ? 1 : 0)
        ctx.intensityCoder.compress(
            &layers[4], prediction: Int32(ctx.lastIntensity[intensityIndex]), real: Int32(point.intensity),
            context: cpr)
        ctx.lastIntensity[intensityIndex] = point.intensity
        if changes & (1 << 3) != 0 {
            ctx.scanAngleCoder.compress(
                &layers[5], prediction: Int32(last.scanAngle), real: Int32(point.scanAngle),
                context: gpsChanged ? 1 : 0)
        }
        layers[6].encodeSymbol(model(&ctx.userDataModels, Int(last.userData / 4), 256), UInt32(point.userData))
        if changes & (1 << 5) != 0 {
            ctx.pointSourceCoder.compress(
                &layers[7], prediction: Int32(last.pointSource), real: Int32(point.pointSource), context: 0)
        }
        if gpsChanged { writeTime(point.gpsTime, ctx) }
        var stored = point
        stored.gpsTimeChanged = gpsChanged
        ctx.point = stored
    }

    /// The difference from `time` to sequence `index`'s last time, when 32 bits hold it.
    private func difference(_ time: Int64, _ ctx: Context, _ index: Int) -> Int32? {
        Int32(exactly: time &- ctx.times[index])
    }

    /// A time that differs from the context's last, as ``LAZPoint14Decoder`` decodes it.
    private func writeTime(_ time: Int64, _ ctx: Context) {
        let multiMax = LAZPoint14Decoder.gpsMulti
        let multiMinus = LAZPoint14Decoder.gpsMultiMinus
        let codeFull = LAZPoint14Decoder.gpsMultiCodeFull
        let last = ctx.last
        if ctx.diffs[last] == 0 {
            if let diff = difference(time, ctx, last) {
                layers[8].encodeSymbol(ctx.gpsNoDiff, 0)
                ctx.gpsCoder.compress(&layers[8], prediction: 0, real: diff, context: 0)
                ctx.diffs[last] = diff
                ctx.extremes[last] = 0
                ctx.times[last] = time
            } else if let other = (1..<4).first(where: { difference(time, ctx, (last + $0) & 3) != nil }) {
                layers[8].encodeSymbol(ctx.gpsNoDiff, UInt32(other + 1))
                ctx.last = (last + other) & 3
                writeTime(time, ctx)
            } else {
                layers[8].encodeSymbol(ctx.gpsNoDiff, 1)
                startSequence(time, ctx)
            }
            return
        }
        guard let diff = difference(time, ctx, last) else {
            if let other = (1..<4).first(where: { difference(time, ctx, (last + $0) & 3) != nil }) {
                layers[8].encodeSymbol(ctx.gpsMulti, UInt32(codeFull + Int32(other)))
                ctx.last = (last + other) & 3
                writeTime(time, ctx)
            } else {
                layers[8].encodeSymbol(ctx.gpsMulti, UInt32(codeFull))
                startSequence(time, ctx)
            }
            return
        }
        let quotient = max(-1e6, min(1e6, Float(diff) / Float(ctx.diffs[last])))
        let factor = Int32(quotient >= 0 ? quotient + 0.5 : quotient - 0.5)
        if factor == 1 {
            layers[8].encodeSymbol(ctx.gpsMulti, 1)
            ctx.gpsCoder.compress(&layers[8], prediction: ctx.diffs[last], real: diff, context: 1)
            ctx.extremes[last] = 0
        } else if factor > 0 {
            if factor < multiMax {
                layers[8].encodeSymbol(ctx.gpsMulti, UInt32(factor))
                ctx.gpsCoder.compress(
                    &layers[8], prediction: factor &* ctx.diffs[last], real: diff, context: factor < 10 ? 2 : 3)
            } else {
                layers[8].encodeSymbol(ctx.gpsMulti, UInt32(multiMax))
                ctx.gpsCoder.compress(&layers[8], prediction: multiMax &* ctx.diffs[last], real: diff, context: 4)
                countExtreme(diff, ctx)
            }
        } else if factor < 0 {
            if factor > multiMinus {
                layers[8].encodeSymbol(ctx.gpsMulti, UInt32(multiMax - factor))
                ctx.gpsCoder.compress(&layers[8], prediction: factor &* ctx.diffs[last], real: diff, context: 5)
            } else {
                layers[8].encodeSymbol(ctx.gpsMulti, UInt32(multiMax - multiMinus))
                ctx.gpsCoder.compress(&layers[8], prediction: multiMinus &* ctx.diffs[last], real: diff, context: 6)
                countExtreme(diff, ctx)
            }
        } else {
            layers[8].encodeSymbol(ctx.gpsMulti, 0)
            ctx.gpsCoder.compress(&layers[8], prediction: 0, real: diff, context: 7)
            countExtreme(diff, ctx)
        }
        ctx.times[last] = time
    }

    private func countExtreme(_ diff: Int32, _ ctx: Context) {
        ctx.extremes[ctx.last] += 1
        if ctx.extremes[ctx.last] > 3 {
            ctx.diffs[ctx.last] = diff
            ctx.extremes[ctx.last] = 0
        }
    }

    private func startSequence(_ time: Int64, _ ctx: Context) {
        ctx.gpsCoder.compress(
            &layers[8], prediction: Int32(truncatingIfNeeded: ctx.times[ctx.last] >> 32),
            real: Int32(truncatingIfNeeded: time >> 32), context: 8)
        layers[8].writeInt(UInt32(truncatingIfNeeded: time))
        ctx.next = (ctx.next + 1) & 3
        ctx.last = ctx.next
        ctx.times[ctx.last] = time
        ctx.diffs[ctx.last] = 0
        ctx.extremes[ctx.last] = 0
    }
}

/// A field that codes against its last value (colour, NIR) in a layer of its own, per channel,
/// with LASzip's version 3 rule for which last value predicts after a channel change.
final class LAZChannelItemEncoder<Coding: LAZFieldEncoding>: LAZLayeredItemEncoder {
    var size: Int { Coding.size }
    let layerCount = 1
    private var last: [Coding.Value] = []
    private var codings: [Coding] = []
    private var switcher = LAZContextSwitch()
    private var layer = LAZArithmeticEncoder()

    func first(_ record: UnsafeRawBufferPointer, context: inout Int) {
        codings = (0..<4).map { _ in Coding() }
        last = Array(repeating: Coding.read(record), count: 4)
        switcher.start(context)
    }

    func next(_ record: UnsafeRawBufferPointer, context: inout Int) {
        let index = switcher.switchTo(context, version: 3) { last[$1] = last[$0] }
        let value = Coding.read(record)
        codings[switcher.lastContext].encode(&layer, value, last: last[index])
        last[index] = value
    }

    func finishLayers() -> [[UInt8]] { [layer.finish()] }
}

/// A field coding that can also write: the models are the decoder's, so both stay in step.
protocol LAZFieldEncoding: LAZFieldCoding {
    func encode(_ encoder: inout LAZArithmeticEncoder, _ value: Value, last: Value)
}

extension LAZRGBModels: LAZFieldEncoding {
    /// The writing side of ``decode(_:last:)``.
    func encode(
        _ encoder: inout LAZArithmeticEncoder, _ value: (UInt16, UInt16, UInt16), last: (UInt16, UInt16, UInt16)
    ) {
        let (red, green, blue) = value
        let (lastRed, lastGreen, lastBlue) = last
        func low(_ value: UInt16) -> Int32 { Int32(value & 0xFF) }
        func high(_ value: UInt16) -> Int32 { Int32(value >> 8) }
        func fold(_ value: Int32) -> UInt32 { UInt32(UInt8(truncatingIfNeeded: value)) }
        var symbol: UInt32 = 0
        if low(lastRed) != low(red) { symbol |= 1 }
        if high(lastRed) != high(red) { symbol |= 2 }
        if low(lastGreen) != low(green) { symbol |= 4 }
        if high(lastGreen) != high(green) { symbol |= 8 }
        if low(lastBlue) != low(blue) { symbol |= 16 }
        if high(lastBlue) != high(blue) { symbol |= 32 }
        if low(red) != low(green) || low(red) != low(blue) || high(red) != high(green) || high(red) != high(blue) {
            symbol |= 64
        }
        encoder.encodeSymbol(used, symbol)
        var diffLow: Int32 = 0
        var diffHigh: Int32 = 0
        if symbol & 1 != 0 {
            diffLow = low(red) - low(lastRed)
            encoder.encodeSymbol(bytes[0], fold(diffLow))
        }
        if symbol & 2 != 0 {
            diffHigh = high(red) - high(lastRed)
            encoder.encodeSymbol(bytes[1], fold(diffHigh))
        }
        guard symbol & 64 != 0 else { return }
        if symbol & 4 != 0 {
            encoder.encodeSymbol(bytes[2], fold(low(green) - Int32(Self.clamp(diffLow + low(lastGreen)))))
        }
        if symbol & 16 != 0 {
            diffLow = (diffLow + low(green) - low(lastGreen)) / 2
            encoder.encodeSymbol(bytes[4], fold(low(blue) - Int32(Self.clamp(diffLow + low(lastBlue)))))
        }
        if symbol & 8 != 0 {
            encoder.encodeSymbol(bytes[3], fold(high(green) - Int32(Self.clamp(diffHigh + high(lastGreen)))))
        }
        if symbol & 32 != 0 {
            diffHigh = (diffHigh + high(green) - high(lastGreen)) / 2
            encoder.encodeSymbol(bytes[5], fold(high(blue) - Int32(Self.clamp(diffHigh + high(lastBlue)))))
        }
    }
}

extension LAZNIRModels: LAZFieldEncoding {
    func encode(_ encoder: inout LAZArithmeticEncoder, _ value: UInt16, last: UInt16) {
        var changed: UInt32 = 0
        if value & 0xFF != last & 0xFF { changed |= 1 }
        if value >> 8 != last >> 8 { changed |= 2 }
        encoder.encodeSymbol(used, changed)
        if changed & 1 != 0 { encoder.encodeSymbol(low, UInt32(UInt8(value & 0xFF) &- UInt8(last & 0xFF))) }
        if changed & 2 != 0 { encoder.encodeSymbol(high, UInt32(UInt8(value >> 8) &- UInt8(last >> 8))) }
    }
}

/// Extra bytes (BYTE14): each byte a layer of its own, its change coded by the context's model.
final class LAZBytes14Encoder: LAZLayeredItemEncoder {
    let size: Int
    var layerCount: Int { size }
    private var last: [[UInt8]]
    private var models: [[LAZSymbolModel]] = []
    private var switcher = LAZContextSwitch()
    private var layers: [LAZArithmeticEncoder]

    init(count: Int) {
        size = count
        last = Array(repeating: [UInt8](repeating: 0, count: count), count: 4)
        layers = Array(repeating: LAZArithmeticEncoder(), count: count)
    }

    func first(_ record: UnsafeRawBufferPointer, context: inout Int) {
        models = (0..<4).map { _ in (0..<size).map { _ in LAZSymbolModel(symbols: 256) } }
        last[context] = Array(record.prefix(size))
        switcher.start(context)
    }

    func next(_ record: UnsafeRawBufferPointer, context: inout Int) {
        let index = switcher.switchTo(context, version: 3) { last[$1] = last[$0] }
        let contextModels = models[switcher.lastContext]
        for byte in 0..<size {
            layers[byte].encodeSymbol(contextModels[byte], UInt32(record[byte] &- last[index][byte]))
            last[index][byte] = record[byte]
        }
    }

    func finishLayers() -> [[UInt8]] { (0..<layers.count).map { layers[$0].finish() } }
}
