import Foundation

/// A value as stable JSON: sorted keys, two-space indentation, no escaped slashes. What
/// `summary.json` and every `--json` output are written as.
public func prettyJSON<T: Encodable>(_ value: T) throws -> Data {
    try stableEncoder([.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]).encode(value)
}

/// Compact, sorted JSON text of a value (a reader's summary as an asset version keeps it).
public func jsonText<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try stableEncoder([.sortedKeys, .withoutEscapingSlashes]).encode(value), as: UTF8.self)
}

private func stableEncoder(_ formatting: JSONEncoder.OutputFormatting) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = formatting
    // Readers keep non-finite values out of what they report; should one slip through, the
    // output still encodes (as JSON5 and Python write it) instead of failing unnamed.
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return encoder
}
