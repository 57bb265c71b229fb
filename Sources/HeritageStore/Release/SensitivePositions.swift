import Foundation

/// Every position the archive knows for one restricted site, and the ways each is likely to be
/// written: as decimal text (in degrees to 3-7 decimals, a projected coordinate to the metre
/// or finer) and as a little-endian IEEE double (binary headers). What is released about the
/// site without clearance must hold none of them; ``search`` finds and removes them.
public struct SensitivePositions: Sendable {
    /// Latitudes and longitudes in degrees (site point, boundary, photo GPS, georeferenced bounds).
    public private(set) var degrees: [Double] = []
    /// Projected coordinates, in metres or feet (scan bounds, world-file origins).
    public private(set) var projected: [Double] = []

    public init() {}

    mutating func addDegrees(_ value: Double) {
        if value.isFinite, value != 0 { degrees.append(value) }
    }

    mutating func addProjected(_ value: Double) {
        if value.isFinite, abs(value) >= 1000 { projected.append(value) }
    }

    /// The byte patterns, longest first.
    public var patterns: [[UInt8]] {
        var text = Set<String>()
        for value in degrees {
            // The centre of the value's 0.1° cell: the generalised position reveals that much.
            let cell = ((value * 10).rounded(.down) + 0.5) / 10
            for decimals in 3...7 {
                let exact = String(format: "%.\(decimals)f", value)
                if exact != String(format: "%.\(decimals)f", cell) { text.insert(exact) }
            }
            let shortest = "\(value)"
            if let dot = shortest.firstIndex(of: "."), shortest[dot...].count > 3 { text.insert(shortest) }
        }
        for value in projected {
            let whole = String(Int64(value.rounded(.towardZero)))
            text.insert(whole + ".")
            if value == value.rounded() { text.insert(whole) }
            for decimals in 1...3 { text.insert(String(format: "%.\(decimals)f", value)) }
            text.insert("\(value)")
        }
        var patterns = text.map { Array($0.utf8) }
        for value in degrees + projected {
            patterns.append(withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) })
        }
        return patterns.sorted { $0.count > $1.count }
    }

    /// A search for all the patterns at once, built once and used for every text and file.
    public var search: PositionSearch { PositionSearch(matcher: PatternMatcher(patterns)) }
}

/// Finds and removes the sensitive positions in text, with the patterns compiled once.
public struct PositionSearch: Sendable {
    public let matcher: PatternMatcher

    /// Whether `text` holds a sensitive position.
    public func reveals(_ text: String) -> Bool { matcher.firstRange(in: Array(text.utf8)) != nil }

    /// `text` with every number that contains a sensitive position replaced by "[withheld]".
    public func redact(_ text: String) -> String {
        var bytes = Array(text.utf8)
        var from = 0
        var changed = false
        let marker = Array("[withheld]".utf8)
        func digit(_ index: Int) -> Bool {
            index >= 0 && index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39
        }
        while let range = matcher.firstRange(in: bytes, from: from) {
            // Widen to the whole number around the match: digits, a decimal point between
            // digits, a leading minus sign (not the full stop of ".jpg").
            var lower = range.lowerBound
            var upper = range.upperBound
            while digit(lower - 1) || (lower > 0 && bytes[lower - 1] == 0x2E && digit(lower - 2)) { lower -= 1 }
            if lower > 0, bytes[lower - 1] == 0x2D { lower -= 1 }
            while digit(upper) || (upper < bytes.count && bytes[upper] == 0x2E && digit(upper + 1)) { upper += 1 }
            bytes.replaceSubrange(lower..<upper, with: marker)
            from = lower + marker.count
            changed = true
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }
}

/// Finds any of many byte patterns (each at least 4 bytes) in one pass: each position's first
/// four bytes are looked up in a table of the patterns that start with them.
public struct PatternMatcher: Sendable {
    let patterns: [[UInt8]]
    let byPrefix: [UInt32: [Int]]
    /// Whether any pattern starts with a given first two bytes (a quick filter).
    let firstTwo: [Bool]
    /// The longest pattern's length: a caller reading in blocks carries this much less one.
    public let longest: Int

    public init(_ patterns: [[UInt8]]) {
        self.patterns = patterns.filter { $0.count >= 4 }
        var byPrefix: [UInt32: [Int]] = [:]
        var firstTwo = [Bool](repeating: false, count: 65_536)
        for (index, pattern) in self.patterns.enumerated() {
            byPrefix[Self.key(pattern, 0), default: []].append(index)
            firstTwo[Int(pattern[0]) << 8 | Int(pattern[1])] = true
        }
        self.byPrefix = byPrefix
        self.firstTwo = firstTwo
        longest = self.patterns.map(\.count).max() ?? 0
    }

    private static func key(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// Where the first pattern found in `bytes` at or after `from` is, or nil. A match that is
    /// the seconds of a time of day (`06:20:34.236Z` holds latitude 34.236 to three decimals) is
    /// not a position: every timestamp with milliseconds would otherwise be refused, by chance,
    /// about once in thirty thousand.
    public func firstRange(in bytes: [UInt8], from: Int = 0) -> Range<Int>? {
        guard !patterns.isEmpty, bytes.count >= 4, from <= bytes.count - 4 else { return nil }
        func digit(_ index: Int) -> Bool { index >= 0 && bytes[index] >= 0x30 && bytes[index] <= 0x39 }
        func colon(_ index: Int) -> Bool { index >= 0 && bytes[index] == 0x3A }
        for start in max(0, from)...(bytes.count - 4) where firstTwo[Int(bytes[start]) << 8 | Int(bytes[start + 1])] {
            guard let candidates = byPrefix[Self.key(bytes, start)] else { continue }
            if colon(start - 1) && digit(start - 2) && digit(start - 3) && colon(start - 4) && digit(start - 5)
                && digit(start - 6)
            {
                continue
            }
            for index in candidates {
                let pattern = patterns[index]
                if start + pattern.count <= bytes.count, bytes[start..<start + pattern.count].elementsEqual(pattern) {
                    return start..<start + pattern.count
                }
            }
        }
        return nil
    }
}
