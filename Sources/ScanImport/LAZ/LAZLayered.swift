/// LASzip's layered chunked compression (compressor 3, item versions 3 and 4): point formats
/// 6-10 of LAS 1.4. A chunk holds its first record raw, the number of points, the byte length
/// of every layer, then the layers. Each field group (positions and returns, Z, classification,
/// flags, intensity, scan angle, user data, point source, GPS time, colour, NIR, each extra byte)
/// is its own arithmetic-coded layer, so a reader that needs only positions skips the rest.
///
/// The state is kept per scanner channel (four "contexts"), as LASzip keeps it. Version 3 has a
/// quirk LASzip keeps for compatibility (the context passed to the colour, NIR and extra bytes
/// is the channel only on points where it changed); version 4 fixes it.
protocol LAZLayeredItemDecoder: AnyObject {
    /// The bytes of the record it writes.
    var size: Int { get }
    /// How many layers it reads.
    var layerCount: Int { get }
    /// The chunk's first record (raw) becomes the state; `context` is the scanner channel.
    func first(_ record: UnsafeRawBufferPointer, context: inout Int)
    /// The layers' bytes, `ranges[i]` for layer i (empty: the field never changes in the chunk).
    func setLayers(_ bytes: UnsafeRawBufferPointer, _ ranges: [Range<Int>], wanted: LAZFieldSelection)
    func next(into record: UnsafeMutableRawBufferPointer, context: inout Int)
    /// A layer was read past its end or held what no encoder writes.
    var damaged: Bool { get }
}

/// Which fields a layered decode needs; positions (X, Y, returns and channel) always.
public struct LAZFieldSelection: Sendable, Equatable {
    public var everything: Bool
    public static let all = LAZFieldSelection(everything: true)
    /// X, Y, Z only: the other layers are skipped undecoded.
    public static let positions = LAZFieldSelection(everything: false)
}

/// A layer's decoder, or none when the layer is empty or skipped.
private func layerDecoder(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, wanted: Bool) -> LAZArithmeticDecoder? {
    guard wanted, !range.isEmpty else { return nil }
    var decoder = LAZArithmeticDecoder(bytes, start: range.lowerBound, end: range.upperBound)
    decoder.start()
    return decoder
}

private func isDamaged(_ decoder: LAZArithmeticDecoder?) -> Bool {
    guard let decoder else { return false }
    return decoder.overrun || decoder.corrupt
}

/// The 30-byte LAS 1.4 point: X, Y, Z, intensity, returns (4 + 4 bits), flags (classification
/// flags, scanner channel, scan direction, edge), classification, user data, scan angle, point
/// source, GPS time, in nine layers.
final class LAZPoint14Decoder: LAZLayeredItemDecoder {
    let size = 30
    let layerCount = 9
    private let version: Int

    struct Point {
        var x: Int32 = 0
        var y: Int32 = 0
        var z: Int32 = 0
        var intensity: UInt16 = 0
        var returns: UInt8 = 0
        var flags: UInt8 = 0
        var classification: UInt8 = 0
        var userData: UInt8 = 0
        var scanAngle: Int16 = 0
        var pointSource: UInt16 = 0
        var gpsTime: Int64 = 0
        var gpsTimeChanged = false

        var returnNumber: UInt8 { returns & 0x0F }
        var numberOfReturns: UInt8 { returns >> 4 }
        var channel: Int { Int((flags >> 4) & 3) }

        init() {}

        init(_ record: UnsafeRawBufferPointer) {
            x = Int32(littleEndian: record.loadUnaligned(fromByteOffset: 0, as: Int32.self))
            y = Int32(littleEndian: record.loadUnaligned(fromByteOffset: 4, as: Int32.self))
            z = Int32(littleEndian: record.loadUnaligned(fromByteOffset: 8, as: Int32.self))
            intensity = UInt16(littleEndian: record.loadUnaligned(fromByteOffset: 12, as: UInt16.self))
            returns = record[14]
            flags = record[15]
            classification = record[16]
            userData = record[17]
            scanAngle = Int16(littleEndian: record.loadUnaligned(fromByteOffset: 18, as: Int16.self))
            pointSource = UInt16(littleEndian: record.loadUnaligned(fromByteOffset: 20, as: UInt16.self))
            gpsTime = Int64(littleEndian: record.loadUnaligned(fromByteOffset: 22, as: Int64.self))
        }

        func write(_ record: UnsafeMutableRawBufferPointer) {
            record.put(x, 0)
            record.put(y, 4)
            record.put(z, 8)
            record.put(intensity, 12)
            record[14] = returns
            record[15] = flags
            record[16] = classification
            record[17] = userData
            record.storeBytes(of: scanAngle.littleEndian, toByteOffset: 18, as: Int16.self)
            record.put(pointSource, 20)
            record.storeBytes(of: gpsTime.littleEndian, toByteOffset: 22, as: Int64.self)
        }
    }

    /// What is kept per scanner channel: the last point, predictions, models and coders.
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
        let dx = LAZIntegerDecompressor(bits: 32, contexts: 2)
        let dy = LAZIntegerDecompressor(bits: 32, contexts: 22)
        let dz = LAZIntegerDecompressor(bits: 32, contexts: 20)
        let intensityCoder = LAZIntegerDecompressor(bits: 16, contexts: 4)
        let scanAngleCoder = LAZIntegerDecompressor(bits: 16, contexts: 2)
        let pointSourceCoder = LAZIntegerDecompressor(bits: 16)
        let gpsCoder = LAZIntegerDecompressor(bits: 32, contexts: 9)
        // GPS time sequences.
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

    static let gpsMulti: Int32 = 500
    static let gpsMultiMinus: Int32 = -10
    static let gpsMultiCodeFull: Int32 = gpsMulti - gpsMultiMinus + 1
    static let gpsMultiTotal: Int32 = gpsMulti - gpsMultiMinus + 5

    static let returnMap: [[UInt8]] = [
        [0, 1, 2, 3, 4, 5, 3, 4, 4, 5, 5, 5, 5, 5, 5, 5], [1, 0, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
        [2, 1, 2, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3], [3, 3, 4, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
        [4, 3, 4, 4, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4], [5, 3, 4, 4, 4, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
        [3, 3, 4, 4, 4, 4, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4], [4, 3, 4, 4, 4, 4, 4, 5, 4, 4, 4, 4, 4, 4, 4, 4],
        [4, 3, 4, 4, 4, 4, 4, 4, 5, 4, 4, 4, 4, 4, 4, 4], [5, 3, 4, 4, 4, 4, 4, 4, 4, 5, 4, 4, 4, 4, 4, 4],
        [5, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 4, 4, 4, 4, 4], [5, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 4, 4, 4],
        [5, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 4, 4], [5, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 4],
        [5, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5], [5, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5],
    ]
    static let returnLevel: [[UInt8]] = (0..<16).map { n in
        (0..<16).map { r in UInt8(min(7, abs(n - r))) }
    }

    private var contexts: [Context?] = [nil, nil, nil, nil]
    private var current = 0
    // The nine layers: X, Y, returns and channel; Z; classification; flags; intensity; scan
    // angle; user data; point source; GPS time.
    private var xy: LAZArithmeticDecoder?
    private var zLayer: LAZArithmeticDecoder?
    private var classificationLayer: LAZArithmeticDecoder?
    private var flagsLayer: LAZArithmeticDecoder?
    private var intensityLayer: LAZArithmeticDecoder?
    private var scanAngleLayer: LAZArithmeticDecoder?
    private var userDataLayer: LAZArithmeticDecoder?
    private var pointSourceLayer: LAZArithmeticDecoder?
    private var gpsLayer: LAZArithmeticDecoder?
    /// Set when the X/Y layer is missing though points follow, or a GPS sequence loops.
    private var broken = false

    init(version: Int) {
        self.version = version
    }

    var damaged: Bool {
        broken || isDamaged(xy) || isDamaged(zLayer) || isDamaged(classificationLayer) || isDamaged(flagsLayer)
            || isDamaged(intensityLayer) || isDamaged(scanAngleLayer) || isDamaged(userDataLayer)
            || isDamaged(pointSourceLayer) || isDamaged(gpsLayer)
    }

    func first(_ record: UnsafeRawBufferPointer, context: inout Int) {
        let point = Point(record)
        contexts = [nil, nil, nil, nil]
        current = point.channel
        contexts[current] = Context(after: point)
        context = current
    }

    func setLayers(_ bytes: UnsafeRawBufferPointer, _ ranges: [Range<Int>], wanted: LAZFieldSelection) {
        let all = wanted.everything
        xy = layerDecoder(bytes, ranges[0], wanted: true)
        if xy == nil { xy = LAZArithmeticDecoder(bytes, start: 0, end: 0) }  // reads as overrun
        zLayer = layerDecoder(bytes, ranges[1], wanted: true)
        classificationLayer = layerDecoder(bytes, ranges[2], wanted: all)
        flagsLayer = layerDecoder(bytes, ranges[3], wanted: all)
        intensityLayer = layerDecoder(bytes, ranges[4], wanted: all)
        scanAngleLayer = layerDecoder(bytes, ranges[5], wanted: all)
        userDataLayer = layerDecoder(bytes, ranges[6], wanted: all)
        pointSourceLayer = layerDecoder(bytes, ranges[7], wanted: all)
        gpsLayer = layerDecoder(bytes, ranges[8], wanted: all)
    }

    @inline(__always) private func model(_ models: inout [LAZSymbolModel?], _ index: Int, _ symbols: UInt32)
        -> LAZSymbolModel
    {
        if let model = models[index] { return model }
        let model = LAZSymbolModel(symbols: symbols)
        models[index] = model
        return model
    }

    func next(into record: UnsafeMutableRawBufferPointer, context: inout Int) {
        guard var xy, let this = contexts[current] else { return }
        let previous = this.point
        var lastReturn = previous.returnNumber == 1 ? 1 : 0
        lastReturn += previous.returnNumber >= previous.numberOfReturns ? 2 : 0
        lastReturn += previous.gpsTimeChanged ? 4 : 0
        let changes = xy.decodeSymbol(this.changed[lastReturn])
        var ctx = this
        if changes & (1 << 6) != 0 {
            let step = Int(xy.decodeSymbol(this.channelModel))
            let channel = (current + step + 1) % 4
            let switched = contexts[channel] ?? Context(after: this.point)
            contexts[channel] = switched
            current = channel
            if version == 3 { context = current }
            ctx = switched
            ctx.point.flags = (ctx.point.flags & ~0x30) | UInt8(channel << 4)
        }
        if version == 4 { context = current }
        let pointSourceChanged = changes & (1 << 5) != 0
        let gpsChanged = changes & (1 << 4) != 0
        let scanAngleChanged = changes & (1 << 3) != 0
        var point = ctx.point
        let lastN = Int(point.numberOfReturns)
        let lastR = Int(point.returnNumber)
        let n: Int =
            changes & (1 << 2) != 0 ? Int(xy.decodeSymbol(model(&ctx.returnCountModels, lastN, 16)) & 15) : lastN
        var r: Int
        switch changes & 3 {
        case 0: r = lastR
        case 1: r = (lastR + 1) % 16
        case 2: r = (lastR + 15) % 16
        default:
            if gpsChanged {
                r = Int(xy.decodeSymbol(model(&ctx.returnNumberModels, lastR, 16)) & 15)
            } else {
                r = (lastR + Int(xy.decodeSymbol(ctx.returnNumberSameTime)) + 2) % 16
            }
        }
        point.returns = UInt8(n << 4 | r)
        let m = Int(Self.returnMap[n][r])
        let l = Int(Self.returnLevel[n][r])
        var cpr = r == 1 ? 2 : 0
        cpr += r >= n ? 1 : 0
        let single = n == 1 ? 1 : 0
        let medianIndex = (m << 1) | (gpsChanged ? 1 : 0)
        let xDiff = ctx.dx.decompress(&xy, prediction: ctx.xMedians[medianIndex].median, context: single)
        point.x = point.x &+ xDiff
        ctx.xMedians[medianIndex].add(xDiff)
        var kBits = ctx.dx.k
        let yDiff = ctx.dy.decompress(
            &xy, prediction: ctx.yMedians[medianIndex].median,
            context: single + (kBits < 20 ? Int(kBits & ~1) : 20))
        point.y = point.y &+ yDiff
        ctx.yMedians[medianIndex].add(yDiff)
        self.xy = xy
        if var layer = zLayer {
            kBits = (ctx.dx.k + ctx.dy.k) / 2
            point.z = ctx.dz.decompress(
                &layer, prediction: ctx.lastZ[l], context: single + (kBits < 18 ? Int(kBits & ~1) : 18))
            ctx.lastZ[l] = point.z
            zLayer = layer
        }
        if var layer = classificationLayer {
            let index = Int(((point.classification & 0x1F) << 1) + (cpr == 3 ? 1 : 0))
            point.classification = UInt8(
                truncatingIfNeeded: layer.decodeSymbol(model(&ctx.classificationModels, index, 256)))
            classificationLayer = layer
        }
        if var layer = flagsLayer {
            let last = Int((point.flags >> 7) << 5 | ((point.flags >> 6) & 1) << 4 | (point.flags & 0x0F))
            let flags = layer.decodeSymbol(model(&ctx.flagModels, last, 64))
            point.flags =
                UInt8(
                    truncatingIfNeeded: ((flags >> 5) & 1) << 7 | ((flags >> 4) & 1) << 6 | (flags & 0x0F))
                | (point.flags & 0x30)
            flagsLayer = layer
        }
        if var layer = intensityLayer {
            let index = cpr << 1 | (gpsChanged ? 1 : 0)
            point.intensity = UInt16(
                truncatingIfNeeded: ctx.intensityCoder.decompress(
                    &layer, prediction: Int32(ctx.lastIntensity[index]), context: cpr))
            ctx.lastIntensity[index] = point.intensity
            intensityLayer = layer
        }
        if scanAngleChanged, var layer = scanAngleLayer {
            point.scanAngle = Int16(
                truncatingIfNeeded: ctx.scanAngleCoder.decompress(
                    &layer, prediction: Int32(point.scanAngle), context: gpsChanged ? 1 : 0))
            scanAngleLayer = layer
        }
        if var layer = userDataLayer {
            point.userData = UInt8(
                truncatingIfNeeded: layer.decodeSymbol(model(&ctx.userDataModels, Int(point.userData / 4), 256)))
            userDataLayer = layer
        }
        if pointSourceChanged, var layer = pointSourceLayer {
            point.pointSource = UInt16(
                truncatingIfNeeded: ctx.pointSourceCoder.decompress(
                    &layer, prediction: Int32(point.pointSource), context: 0))
            pointSourceLayer = layer
        }
        if gpsChanged, var layer = gpsLayer {
            var switches = 0
            while decodeTime(&layer, ctx) {
                switches += 1
                if switches > 3 {
                    broken = true
                    break
                }
            }
            point.gpsTime = ctx.times[ctx.last]
            gpsLayer = layer
        }
        point.gpsTimeChanged = gpsChanged
        ctx.point = point
        point.write(record)
    }

    /// One step of the GPS time; true when the stream switched sequence and the time is still to come.
    private func decodeTime(_ decoder: inout LAZArithmeticDecoder, _ ctx: Context) -> Bool {
        let last = ctx.last
        if ctx.diffs[last] == 0 {
            let multi = Int32(decoder.decodeSymbol(ctx.gpsNoDiff))
            if multi == 0 {
                ctx.diffs[last] = ctx.gpsCoder.decompress(&decoder, prediction: 0, context: 0)
                ctx.times[last] = ctx.times[last] &+ Int64(ctx.diffs[last])
                ctx.extremes[last] = 0
            } else if multi == 1 {
                startSequence(&decoder, ctx)
            } else {
                ctx.last = (last + Int(multi) - 1) & 3
                return true
            }
            return false
        }
        var multi = Int32(decoder.decodeSymbol(ctx.gpsMulti))
        if multi == 1 {
            ctx.times[last] =
                ctx.times[last] &+ Int64(ctx.gpsCoder.decompress(&decoder, prediction: ctx.diffs[last], context: 1))
            ctx.extremes[last] = 0
        } else if multi < Self.gpsMultiCodeFull {
            let diff: Int32
            if multi == 0 {
                diff = ctx.gpsCoder.decompress(&decoder, prediction: 0, context: 7)
                countExtreme(diff, ctx)
            } else if multi < Self.gpsMulti {
                diff = ctx.gpsCoder.decompress(
                    &decoder, prediction: multi &* ctx.diffs[last], context: multi < 10 ? 2 : 3)
            } else if multi == Self.gpsMulti {
                diff = ctx.gpsCoder.decompress(&decoder, prediction: Self.gpsMulti &* ctx.diffs[last], context: 4)
                countExtreme(diff, ctx)
            } else {
                multi = Self.gpsMulti - multi
                if multi > Self.gpsMultiMinus {
                    diff = ctx.gpsCoder.decompress(&decoder, prediction: multi &* ctx.diffs[last], context: 5)
                } else {
                    diff = ctx.gpsCoder.decompress(
                        &decoder, prediction: Self.gpsMultiMinus &* ctx.diffs[last], context: 6)
                    countExtreme(diff, ctx)
                }
            }
            ctx.times[last] = ctx.times[last] &+ Int64(diff)
        } else if multi == Self.gpsMultiCodeFull {
            startSequence(&decoder, ctx)
        } else {
            ctx.last = (last + Int(multi - Self.gpsMultiCodeFull)) & 3
            return true
        }
        return false
    }

    private func countExtreme(_ diff: Int32, _ ctx: Context) {
        ctx.extremes[ctx.last] += 1
        if ctx.extremes[ctx.last] > 3 {
            ctx.diffs[ctx.last] = diff
            ctx.extremes[ctx.last] = 0
        }
    }

    /// A time far from the last: its high 32 bits as a correction, its low 32 raw.
    private func startSequence(_ decoder: inout LAZArithmeticDecoder, _ ctx: Context) {
        ctx.next = (ctx.next + 1) & 3
        let high = ctx.gpsCoder.decompress(
            &decoder, prediction: Int32(truncatingIfNeeded: ctx.times[ctx.last] >> 32), context: 8)
        ctx.times[ctx.next] = Int64(high) << 32 | Int64(decoder.readInt())
        ctx.last = ctx.next
        ctx.diffs[ctx.last] = 0
        ctx.extremes[ctx.last] = 0
    }
}

/// How the colour, NIR and extra-byte items pick the value they predict from when the scanner
/// channel changes: per context, with version 3's quirk.
struct LAZContextSwitch {
    var lastContext = 0
    var used: [Bool] = [false, false, false, false]

    mutating func start(_ context: Int) {
        used = [false, false, false, false]
        used[context] = true
        lastContext = context
    }

    /// The index of the last value to predict from, after `copy` seeded a new context.
    mutating func switchTo(_ context: Int, version: Int, copy: (_ from: Int, _ to: Int) -> Void) -> Int {
        var lastIndex = lastContext
        if lastContext != context {
            lastContext = context
            if !used[context] {
                copy(lastIndex, context)
                used[context] = true
                if version == 3 { lastIndex = context }
            }
            if version == 4 { lastIndex = context }
        }
        return lastIndex
    }
}

/// The layered item of a ``LAZFieldCoding`` (RGB14, NIR14, WAVEPACKET14): the last value per
/// context, the models per context, and LASzip's rule for which last value predicts after a channel change.
final class LAZChannelItemDecoder<Coding: LAZFieldCoding>: LAZLayeredItemDecoder {
    var size: Int { Coding.size }
    let layerCount = 1
    private let version: Int
    private var last: [Coding.Value] = []
    private var codings: [Coding] = []
    private var switcher = LAZContextSwitch()
    private var layer: LAZArithmeticDecoder?

    init(version: Int) { self.version = version }

    var damaged: Bool { isDamaged(layer) }

    func first(_ record: UnsafeRawBufferPointer, context: inout Int) {
        codings = (0..<4).map { _ in Coding() }
        // Contexts other than the first's are seeded from the last value when first used.
        last = Array(repeating: Coding.read(record), count: 4)
        switcher.start(context)
    }

    func setLayers(_ bytes: UnsafeRawBufferPointer, _ ranges: [Range<Int>], wanted: LAZFieldSelection) {
        layer = layerDecoder(bytes, ranges[0], wanted: wanted.everything)
    }

    func next(into record: UnsafeMutableRawBufferPointer, context: inout Int) {
        let index = switcher.switchTo(context, version: version) { last[$1] = last[$0] }
        if var layer {
            last[index] = codings[switcher.lastContext].decode(&layer, last: last[index])
            self.layer = layer
        }
        Coding.write(last[index], into: record)
    }
}

extension LAZRGBModels: LAZFieldCoding {
    static var size: Int { 6 }

    static func read(_ record: UnsafeRawBufferPointer) -> (UInt16, UInt16, UInt16) {
        (
            UInt16(littleEndian: record.loadUnaligned(fromByteOffset: 0, as: UInt16.self)),
            UInt16(littleEndian: record.loadUnaligned(fromByteOffset: 2, as: UInt16.self)),
            UInt16(littleEndian: record.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        )
    }

    static func write(_ value: (UInt16, UInt16, UInt16), into record: UnsafeMutableRawBufferPointer) {
        record.put(value.0, 0)
        record.put(value.1, 2)
        record.put(value.2, 4)
    }
}

/// Near infrared (2 bytes) after RGB14 in formats 8 and 10: each byte's change, as LASzip codes it.
final class LAZNIRModels: LAZFieldCoding {
    let used = LAZSymbolModel(symbols: 4)
    let low = LAZSymbolModel(symbols: 256)
    let high = LAZSymbolModel(symbols: 256)

    static var size: Int { 2 }

    static func read(_ record: UnsafeRawBufferPointer) -> UInt16 {
        UInt16(littleEndian: record.loadUnaligned(as: UInt16.self))
    }

    static func write(_ value: UInt16, into record: UnsafeMutableRawBufferPointer) { record.put(value, 0) }

    func decode(_ decoder: inout LAZArithmeticDecoder, last: UInt16) -> UInt16 {
        let changed = decoder.decodeSymbol(used)
        var value =
            changed & 1 != 0
            ? UInt16(UInt8(truncatingIfNeeded: decoder.decodeSymbol(low)) &+ UInt8(last & 0xFF)) : last & 0xFF
        value |=
            changed & 2 != 0
            ? UInt16(UInt8(truncatingIfNeeded: decoder.decodeSymbol(high)) &+ UInt8(last >> 8)) << 8 : last & 0xFF00
        return value
    }
}

extension LAZWavePacketCoder: LAZFieldCoding {
    static var size: Int { 29 }
    static func read(_ record: UnsafeRawBufferPointer) -> LAZWavePacket { LAZWavePacket(record) }
    static func write(_ value: LAZWavePacket, into record: UnsafeMutableRawBufferPointer) { value.write(record) }
}

/// Extra bytes (BYTE14): each byte its own layer and model, per context.
final class LAZBytes14Decoder: LAZLayeredItemDecoder {
    let size: Int
    var layerCount: Int { size }
    private let version: Int
    private var last: [[UInt8]]
    private var models: [[LAZSymbolModel]] = []
    private var switcher = LAZContextSwitch()
    private var layers: [LAZArithmeticDecoder?] = []

    init(count: Int, version: Int) {
        size = count
        self.version = version
        last = Array(repeating: [UInt8](repeating: 0, count: count), count: 4)
    }

    var damaged: Bool { layers.contains { isDamaged($0) } }

    func first(_ record: UnsafeRawBufferPointer, context: inout Int) {
        models = (0..<4).map { _ in (0..<size).map { _ in LAZSymbolModel(symbols: 256) } }
        last[context] = Array(record.prefix(size))
        switcher.start(context)
    }

    func setLayers(_ bytes: UnsafeRawBufferPointer, _ ranges: [Range<Int>], wanted: LAZFieldSelection) {
        layers = ranges.map { layerDecoder(bytes, $0, wanted: wanted.everything) }
    }

    func next(into record: UnsafeMutableRawBufferPointer, context: inout Int) {
        let index = switcher.switchTo(context, version: version) { last[$1] = last[$0] }
        // As LASzip: the models are the context's own; the prediction may be another's (v3).
        let contextModels = models[switcher.lastContext]
        for byte in 0..<size {
            if var layer = layers[byte] {
                last[index][byte] =
                    last[index][byte] &+ UInt8(truncatingIfNeeded: layer.decodeSymbol(contextModels[byte]))
                layers[byte] = layer
            }
            record[byte] = last[index][byte]
        }
    }
}
