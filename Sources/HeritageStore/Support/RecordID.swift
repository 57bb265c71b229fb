/// Identifiers of sites, surveys and assessments: random (version 4) UUIDs in lower case.
public enum RecordID {
    /// A new random UUID, e.g. `5f0b7a52-8f0e-4c3c-9a51-0d5a1b2c3001`.
    ///
    /// Built from the system's secure generator directly: Foundation's `UUID()` plus
    /// `uuidString.lowercased()` took 40 % of the time to check a register row.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var high = generator.next() as UInt64
        var low = generator.next() as UInt64
        high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 4122 variant
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var position = 0
        for (word, count) in [(high, 16), (low, 16)] {
            for shift in stride(from: count * 4 - 4, through: 0, by: -4) {
                if [8, 13, 18, 23].contains(position) { position += 1 }
                bytes[position] = digits[Int((word >> UInt64(shift)) & 0xF)]
                position += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
