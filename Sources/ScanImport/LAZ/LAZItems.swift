/// The LASzip item decoders of point formats 0-5 (the "pointwise chunked" compressor, item
/// version 2): each decodes its part of a point record from its own models and the last
/// record's values. A chunk starts with its first record stored raw.
protocol LAZItemDecoder: AnyObject {
    /// The bytes of the record it writes.
    var size: Int { get }
    /// The chunk's first record: raw bytes, which become the state.
    func first(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer)
    func next(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer)
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always) func int32(_ at: Int) -> Int32 {
        Int32(littleEndian: loadUnaligned(fromByteOffset: at, as: Int32.self))
    }
    @inline(__always) func uint16(_ at: Int) -> UInt16 {
        UInt16(littleEndian: loadUnaligned(fromByteOffset: at, as: UInt16.self))
    }
    @inline(__always) func put(_ value: Int32, _ at: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: at, as: Int32.self)
    }
    @inline(__always) func put(_ value: UInt16, _ at: Int) {
        storeBytes(of: value.littleEndian, toByteOffset: at, as: UInt16.self)
    }
}

/// The median of the last five values, kept as LASzip keeps it (a sorted window that takes
/// turns replacing from the high and the low side).
/// A fixed number of values in memory its owner holds alone: read and written without the
/// exclusivity and uniqueness checks that an array property of a class costs on every access
/// (a tenth of a pointwise LAZ decode's time went to them).
final class LAZTable<Value> {
    private let base: UnsafeMutablePointer<Value>
    let count: Int

    init(repeating value: Value, count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        base.initialize(repeating: value, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always) subscript(index: Int) -> Value {
        get {
            precondition(index >= 0 && index < count)
            return base[index]
        }
        set {
            precondition(index >= 0 && index < count)
            base[index] = newValue
        }
    }
}

struct LAZStreamingMedian5 {
    var values: (Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0)
    var high = true

    var median: Int32 { values.2 }

    mutating func add(_ v: Int32) {
        if high {
            if v < values.2 {
                values.4 = values.3
                values.3 = values.2
                if v < values.0 {
                    values.2 = values.1
                    values.1 = values.0
                    values.0 = v
                } else if v < values.1 {
                    values.2 = values.1
                    values.1 = v
                } else {
                    values.2 = v
                }
            } else {
                if v < values.3 {
                    values.4 = values.3
                    values.3 = v
                } else {
                    values.4 = v
                }
                high = false
            }
        } else {
            if values.2 < v {
                values.0 = values.1
                values.1 = values.2
                if values.4 < v {
                    values.2 = values.3
                    values.3 = values.4
                    values.4 = v
                } else if values.3 < v {
                    values.2 = values.3
                    values.3 = v
                } else {
                    values.2 = v
                }
            } else {
                if values.1 < v {
                    values.0 = values.1
                    values.1 = v
                } else {
                    values.0 = v
                }
                high = true
            }
        }
    }
}

/// X, Y, Z, intensity, return and flag bits, classification, scan angle, user data and point
/// source of every format (the 20-byte "point10").
final class LAZPoint10Decoder: LAZItemDecoder {
    static let returnMap: [[Int]] = [
        [15, 14, 13, 12, 11, 10, 9, 8], [14, 0, 1, 3, 6, 10, 10, 9], [13, 1, 2, 4, 7, 11, 11, 10],
        [12, 3, 4, 5, 8, 12, 12, 11], [11, 6, 7, 8, 9, 13, 13, 12], [10, 10, 11, 12, 13, 14, 14, 13],
        [9, 10, 11, 12, 13, 14, 15, 14], [8, 9, 10, 11, 12, 13, 14, 15],
    ]
    static let returnLevel: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7], [1, 0, 1, 2, 3, 4, 5, 6], [2, 1, 0, 1, 2, 3, 4, 5], [3, 2, 1, 0, 1, 2, 3, 4],
        [4, 3, 2, 1, 0, 1, 2, 3], [5, 4, 3, 2, 1, 0, 1, 2], [6, 5, 4, 3, 2, 1, 0, 1], [7, 6, 5, 4, 3, 2, 1, 0],
    ]

    let size = 20
    private var x: Int32 = 0
    private var y: Int32 = 0
    private var z: Int32 = 0
    private var intensity: UInt16 = 0
    private var bits: UInt8 = 0
    private var classification: UInt8 = 0
    private var scanAngle: UInt8 = 0
    private var userData: UInt8 = 0
    private var pointSource: UInt16 = 0

    private let lastIntensity = LAZTable<UInt16>(repeating: 0, count: 16)
    private let xMedians = LAZTable(repeating: LAZStreamingMedian5(), count: 16)
    private let yMedians = LAZTable(repeating: LAZStreamingMedian5(), count: 16)
    private let lastHeight = LAZTable<Int32>(repeating: 0, count: 8)
    private let changed = LAZSymbolModel(symbols: 64)
    private let scanAngleModels = (LAZSymbolModel(symbols: 256), LAZSymbolModel(symbols: 256))
    private let bitModels = LAZTable<LAZSymbolModel?>(repeating: nil, count: 256)
    private let classificationModels = LAZTable<LAZSymbolModel?>(repeating: nil, count: 256)
    private let userDataModels = LAZTable<LAZSymbolModel?>(repeating: nil, count: 256)
    /// `returnMap` and `returnLevel` by `n * 8 + r`, held by the decoder.
    private let returns: LAZTable<(map: Int, level: Int)> = {
        let table = LAZTable<(map: Int, level: Int)>(repeating: (0, 0), count: 64)
        for n in 0..<8 {
            for r in 0..<8 {
                table[n * 8 + r] = (LAZPoint10Decoder.returnMap[n][r], LAZPoint10Decoder.returnLevel[n][r])
            }
        }
        return table
    }()
    private let intensityDecompressor = LAZIntegerDecompressor(bits: 16, contexts: 4)
    private let pointSourceDecompressor = LAZIntegerDecompressor(bits: 16)
    private let dx = LAZIntegerDecompressor(bits: 32, contexts: 2)
    private let dy = LAZIntegerDecompressor(bits: 32, contexts: 22)
    private let dz = LAZIntegerDecompressor(bits: 32, contexts: 20)

    /// A model of 256 symbols, made when first used (most of the 256 never are).
    @inline(__always) private func model(_ models: LAZTable<LAZSymbolModel?>, _ index: UInt8) -> LAZSymbolModel {
        if let model = models[Int(index)] { return model }
        let model = LAZSymbolModel(symbols: 256)
        models[Int(index)] = model
        return model
    }

    func first(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer) {
        decoder.readRaw(into: record)
        x = record.int32(0)
        y = record.int32(4)
        z = record.int32(8)
        intensity = 0  // as LASzip: the first record's intensity is not a prediction
        bits = record[14]
        classification = record[15]
        scanAngle = record[16]
        userData = record[17]
        pointSource = record.uint16(18)
    }

    func next(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer) {
        // The fields in locals for the point, written back once at the end.
        var (bits, intensity, classification, scanAngle, userData, pointSource) = (
            self.bits, self.intensity, self.classification, self.scanAngle, self.userData, self.pointSource
        )
        let change = decoder.decodeSymbol(changed)
        if change != 0 {
            if change & 32 != 0 { bits = UInt8(truncatingIfNeeded: decoder.decodeSymbol(model(bitModels, bits))) }
        }
        let r = Int(bits & 7)
        let n = Int((bits >> 3) & 7)
        let (m, l) = returns[n * 8 + r]
        if change != 0 {
            if change & 16 != 0 {
                intensity = UInt16(
                    truncatingIfNeeded: intensityDecompressor.decompress(
                        &decoder, prediction: Int32(lastIntensity[m]), context: min(m, 3)))
                lastIntensity[m] = intensity
            } else {
                intensity = lastIntensity[m]
            }
            if change & 8 != 0 {
                classification = UInt8(
                    truncatingIfNeeded: decoder.decodeSymbol(model(classificationModels, classification)))
            }
            if change & 4 != 0 {
                let delta = decoder.decodeSymbol((bits >> 6) & 1 == 0 ? scanAngleModels.0 : scanAngleModels.1)
                scanAngle = scanAngle &+ UInt8(truncatingIfNeeded: delta)
            }
            if change & 2 != 0 {
                userData = UInt8(truncatingIfNeeded: decoder.decodeSymbol(model(userDataModels, userData)))
            }
            if change & 1 != 0 {
                pointSource = UInt16(
                    truncatingIfNeeded: pointSourceDecompressor.decompress(
                        &decoder, prediction: Int32(pointSource), context: 0))
            }
        } else {
            intensity = lastIntensity[m]
        }
        let single = n == 1 ? 1 : 0
        var xMedian = xMedians[m]
        let xDiff = dx.decompress(&decoder, prediction: xMedian.median, context: single)
        let x = self.x &+ xDiff
        xMedian.add(xDiff)
        xMedians[m] = xMedian
        var kBits = dx.k
        var yMedian = yMedians[m]
        let yDiff = dy.decompress(
            &decoder, prediction: yMedian.median, context: single + (kBits < 20 ? Int(kBits & ~1) : 20))
        let y = self.y &+ yDiff
        yMedian.add(yDiff)
        yMedians[m] = yMedian
        kBits = (dx.k + dy.k) / 2
        let z = dz.decompress(
            &decoder, prediction: lastHeight[l], context: single + (kBits < 18 ? Int(kBits & ~1) : 18))
        lastHeight[l] = z
        (self.x, self.y, self.z) = (x, y, z)
        (self.bits, self.intensity, self.classification, self.scanAngle, self.userData, self.pointSource) = (
            bits, intensity, classification, scanAngle, userData, pointSource
        )

        record.put(x, 0)
        record.put(y, 4)
        record.put(z, 8)
        record.put(intensity, 12)
        record[14] = bits
        record[15] = classification
        record[16] = scanAngle
        record[17] = userData
        record.put(pointSource, 18)
    }
}

/// GPS time (8 bytes, a double coded through its bits as a 64-bit integer), with up to four
/// interleaved time sequences.
final class LAZGPSTimeDecoder: LAZItemDecoder {
    static let multi: Int32 = 500
    static let multiMinus: Int32 = -10
    static let multiUnchanged: Int32 = multi - multiMinus + 1
    static let multiCodeFull: Int32 = multi - multiMinus + 2
    static let multiTotal: Int32 = multi - multiMinus + 6

    let size = 8
    private let multiModel = LAZSymbolModel(symbols: UInt32(multiTotal))
    private let zeroDiffModel = LAZSymbolModel(symbols: 6)
    private let decompressor = LAZIntegerDecompressor(bits: 32, contexts: 9)
    private var last = 0
    private var next = 0
    private let times = LAZTable<Int64>(repeating: 0, count: 4)
    private let diffs = LAZTable<Int32>(repeating: 0, count: 4)
    private let extremes = LAZTable<Int32>(repeating: 0, count: 4)

    func first(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer) {
        decoder.readRaw(into: record)
        times[0] = Int64(littleEndian: record.loadUnaligned(as: Int64.self))
    }

    func next(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer) {
        // A switch to another sequence decodes again from it; an encoder switches only to a
        // sequence the time is close to, so a second switch in a row is corrupt data.
        var switches = 0
        while decodeStep(&decoder) {
            switches += 1
            if switches > 3 {
                decoder.markCorrupt()
                break
            }
        }
        record.storeBytes(of: times[last].littleEndian, as: Int64.self)
    }

    /// One decoding step; true when the stream switched sequence and the point is still to come.
    private func decodeStep(_ decoder: inout LAZArithmeticDecoder) -> Bool {
        if diffs[last] == 0 {
            let multi = Int32(decoder.decodeSymbol(zeroDiffModel))
            if multi == 1 {
                diffs[last] = decompressor.decompress(&decoder, prediction: 0, context: 0)
                times[last] = times[last] &+ Int64(diffs[last])
                extremes[last] = 0
            } else if multi == 2 {
                startSequence(&decoder)
            } else if multi > 2 {
                last = (last + Int(multi) - 2) & 3
                return true
            }
            return false
        }
        var multi = Int32(decoder.decodeSymbol(multiModel))
        if multi == 1 {
            times[last] = times[last] &+ Int64(decompressor.decompress(&decoder, prediction: diffs[last], context: 1))
            extremes[last] = 0
        } else if multi < Self.multiUnchanged {
            let diff: Int32
            if multi == 0 {
                diff = decompressor.decompress(&decoder, prediction: 0, context: 7)
                countExtreme(diff)
            } else if multi < Self.multi {
                diff = decompressor.decompress(
                    &decoder, prediction: multi &* diffs[last], context: multi < 10 ? 2 : 3)
            } else if multi == Self.multi {
                diff = decompressor.decompress(&decoder, prediction: multi &* diffs[last], context: 4)
                countExtreme(diff)
            } else {
                multi = Self.multi - multi
                if multi > Self.multiMinus {
                    diff = decompressor.decompress(&decoder, prediction: multi &* diffs[last], context: 5)
                } else {
                    diff = decompressor.decompress(&decoder, prediction: Self.multiMinus &* diffs[last], context: 6)
                    countExtreme(diff)
                }
            }
            times[last] = times[last] &+ Int64(diff)
        } else if multi == Self.multiCodeFull {
            startSequence(&decoder)
        } else if multi > Self.multiCodeFull {
            last = (last + Int(multi - Self.multiCodeFull)) & 3
            return true
        }
        return false
    }

    private func countExtreme(_ diff: Int32) {
        extremes[last] += 1
        if extremes[last] > 3 {
            diffs[last] = diff
            extremes[last] = 0
        }
    }

    /// A time far from the last: its high 32 bits as a correction, its low 32 raw.
    private func startSequence(_ decoder: inout LAZArithmeticDecoder) {
        next = (next + 1) & 3
        let high = decompressor.decompress(
            &decoder, prediction: Int32(truncatingIfNeeded: times[last] >> 32), context: 8)
        times[next] = Int64(high) << 32 | Int64(decoder.readInt())
        last = next
        diffs[last] = 0
        extremes[last] = 0
    }
}

/// A field coded against its last value by models of its own: colour, near infrared, wave
/// packets. Pointwise through ``LAZRGB12Decoder`` and ``LAZCodedItemDecoder`` (WAVEPACKET13); layered, per
/// scanner channel, through ``LAZChannelItemDecoder``.
protocol LAZFieldCoding: AnyObject {
    associatedtype Value
    static var size: Int { get }
    /// Fresh models.
    init()
    static func read(_ record: UnsafeRawBufferPointer) -> Value
    static func write(_ value: Value, into record: UnsafeMutableRawBufferPointer)
    func decode(_ decoder: inout LAZArithmeticDecoder, last: Value) -> Value
}

/// The pointwise item of a ``LAZFieldCoding`` (WAVEPACKET13): the chunk's first value
/// raw, then each coded against the last.
final class LAZCodedItemDecoder<Coding: LAZFieldCoding>: LAZItemDecoder {
    var size: Int { Coding.size }
    private var last: Coding.Value?
    private let coding = Coding()

    func first(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer) {
        decoder.readRaw(into: record)
        last = Coding.read(UnsafeRawBufferPointer(record))
    }

    func next(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer) {
        guard let previous = last else { return }
        let value = coding.decode(&decoder, last: previous)
        last = value
        Coding.write(value, into: record)
    }
}

/// Colour in point formats 2 and 3 (RGB12 version 2): the chunk's first colour raw, then each
/// coded against the last. Its own class, not a generic ``LAZCodedItemDecoder``: called through
/// the item protocol, a generic class looked up its metadata for every point.
final class LAZRGB12Decoder: LAZItemDecoder {
    let size = 6
    private var last: (UInt16, UInt16, UInt16) = (0, 0, 0)
    private let models = LAZRGBModels()

    func first(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer) {
        decoder.readRaw(into: record)
        last = LAZRGBModels.read(UnsafeRawBufferPointer(record))
    }

    func next(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer) {
        last = models.decode(&decoder, last: last)
        LAZRGBModels.write(last, into: record)
    }
}

/// The models of LASzip's colour coding (RGB12 version 2, and RGB14 per scanner channel).
final class LAZRGBModels {
    let used = LAZSymbolModel(symbols: 128)
    let bytes = (0..<6).map { _ in LAZSymbolModel(symbols: 256) }

    @inline(__always) static func clamp(_ value: Int32) -> UInt8 { UInt8(max(0, min(255, value))) }

    /// The next colour, from the last.
    func decode(_ decoder: inout LAZArithmeticDecoder, last: (UInt16, UInt16, UInt16)) -> (UInt16, UInt16, UInt16) {
        let (red, green, blue) = last
        let symbol = decoder.decodeSymbol(used)
        func low(_ value: UInt16) -> UInt8 { UInt8(value & 0xFF) }
        func high(_ value: UInt16) -> UInt8 { UInt8(value >> 8) }
        @inline(__always) func corrected(_ model: Int) -> UInt8 {
            UInt8(truncatingIfNeeded: decoder.decodeSymbol(bytes[model]))
        }
        var r: UInt16
        var g: UInt16
        var b: UInt16
        r = symbol & 1 != 0 ? UInt16(corrected(0) &+ low(red)) : red & 0xFF
        r |= symbol & 2 != 0 ? UInt16(corrected(1) &+ high(red)) << 8 : red & 0xFF00
        if symbol & 64 != 0 {
            var diff = Int32(low(r)) - Int32(low(red))
            g = symbol & 4 != 0 ? UInt16(corrected(2) &+ Self.clamp(diff + Int32(low(green)))) : green & 0xFF
            if symbol & 16 != 0 {
                diff = (diff + Int32(low(g)) - Int32(low(green))) / 2
                b = UInt16(corrected(4) &+ Self.clamp(diff + Int32(low(blue))))
            } else {
                b = blue & 0xFF
            }
            diff = Int32(high(r)) - Int32(high(red))
            if symbol & 8 != 0 {
                g |= UInt16(corrected(3) &+ Self.clamp(diff + Int32(high(green)))) << 8
            } else {
                g |= green & 0xFF00
            }
            if symbol & 32 != 0 {
                diff = (diff + Int32(high(g)) - Int32(high(green))) / 2
                b |= UInt16(corrected(5) &+ Self.clamp(diff + Int32(high(blue)))) << 8
            } else {
                b |= blue & 0xFF00
            }
        } else {
            g = r
            b = r
        }
        return (r, g, b)
    }
}

/// Extra bytes after the standard fields, each byte's change modelled on its own.
final class LAZBytesDecoder: LAZItemDecoder {
    let size: Int
    private var last: [UInt8]
    private let models: [LAZSymbolModel]

    init(count: Int) {
        size = count
        last = [UInt8](repeating: 0, count: count)
        models = (0..<count).map { _ in LAZSymbolModel(symbols: 256) }
    }

    func first(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer) {
        decoder.readRaw(into: record)
        for index in 0..<size { last[index] = record[index] }
    }

    func next(_ decoder: inout LAZArithmeticDecoder, into record: UnsafeMutableRawBufferPointer) {
        for index in 0..<size {
            last[index] = last[index] &+ UInt8(truncatingIfNeeded: decoder.decodeSymbol(models[index]))
            record[index] = last[index]
        }
    }
}

/// A wave packet's 29 bytes: descriptor index, byte offset and size of the waveform, and the
/// return point location and direction (floats, predicted through their bits).
struct LAZWavePacket {
    var descriptor: UInt8 = 0
    var offset: UInt64 = 0
    var size: UInt32 = 0
    var returnPoint: Int32 = 0
    var dx: Int32 = 0
    var dy: Int32 = 0
    var dz: Int32 = 0

    init() {}

    init(_ record: UnsafeRawBufferPointer) {
        descriptor = record[0]
        offset = UInt64(littleEndian: record.loadUnaligned(fromByteOffset: 1, as: UInt64.self))
        size = UInt32(littleEndian: record.loadUnaligned(fromByteOffset: 9, as: UInt32.self))
        returnPoint = Int32(littleEndian: record.loadUnaligned(fromByteOffset: 13, as: Int32.self))
        dx = Int32(littleEndian: record.loadUnaligned(fromByteOffset: 17, as: Int32.self))
        dy = Int32(littleEndian: record.loadUnaligned(fromByteOffset: 21, as: Int32.self))
        dz = Int32(littleEndian: record.loadUnaligned(fromByteOffset: 25, as: Int32.self))
    }

    func write(_ record: UnsafeMutableRawBufferPointer) {
        record[0] = descriptor
        record.storeBytes(of: offset.littleEndian, toByteOffset: 1, as: UInt64.self)
        record.storeBytes(of: size.littleEndian, toByteOffset: 9, as: UInt32.self)
        record.put(returnPoint, 13)
        record.put(dx, 17)
        record.put(dy, 21)
        record.put(dz, 25)
    }
}

/// LASzip's wave packet coding (WAVEPACKET13 versions 1 and 2; WAVEPACKET14 per scanner
/// channel): the offset as the last, just after the last, a coded difference or raw.
final class LAZWavePacketCoder {
    private let descriptorModel = LAZSymbolModel(symbols: 256)
    private let offsetKindModels = (0..<4).map { _ in LAZSymbolModel(symbols: 4) }
    private var lastOffsetKind = 0
    private var lastOffsetDiff: Int32 = 0
    private let offsetDiff = LAZIntegerDecompressor(bits: 32)
    private let packetSize = LAZIntegerDecompressor(bits: 32)
    private let returnPoint = LAZIntegerDecompressor(bits: 32)
    private let direction = LAZIntegerDecompressor(bits: 32, contexts: 3)

    func decode(_ decoder: inout LAZArithmeticDecoder, last: LAZWavePacket) -> LAZWavePacket {
        var packet = LAZWavePacket()
        packet.descriptor = UInt8(truncatingIfNeeded: decoder.decodeSymbol(descriptorModel))
        lastOffsetKind = Int(decoder.decodeSymbol(offsetKindModels[lastOffsetKind]) & 3)
        switch lastOffsetKind {
        case 0: packet.offset = last.offset
        case 1: packet.offset = last.offset &+ UInt64(last.size)
        case 2:
            lastOffsetDiff = offsetDiff.decompress(&decoder, prediction: lastOffsetDiff, context: 0)
            packet.offset = last.offset &+ UInt64(bitPattern: Int64(lastOffsetDiff))
        default:
            let low = UInt64(decoder.readInt())
            packet.offset = UInt64(decoder.readInt()) << 32 | low
        }
        packet.size = UInt32(
            bitPattern: packetSize.decompress(&decoder, prediction: Int32(bitPattern: last.size), context: 0))
        packet.returnPoint = returnPoint.decompress(&decoder, prediction: last.returnPoint, context: 0)
        packet.dx = direction.decompress(&decoder, prediction: last.dx, context: 0)
        packet.dy = direction.decompress(&decoder, prediction: last.dy, context: 1)
        packet.dz = direction.decompress(&decoder, prediction: last.dz, context: 2)
        return packet
    }
}
