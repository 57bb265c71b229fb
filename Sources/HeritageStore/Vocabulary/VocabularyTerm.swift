import Foundation

/// A term of a controlled vocabulary: a stable slug stored in the database and a label shown to people.
///
/// Parsing accepts either form, ignoring case, spaces, punctuation and the difference between
/// "/" and "-", so `"Very Bad"`, `"very-bad"` and `"VERY_BAD"` all name ``OverallCondition/veryBad``.
public protocol VocabularyTerm: CaseIterable, RawRepresentable, Codable, Hashable, Sendable
where RawValue == String, AllCases: Collection {
    /// The human label, as in the EAMENA/Arches vocabulary.
    var label: String { get }
    /// The vocabulary's name in messages ("site kind", "overall condition").
    static var vocabularyName: String { get }
}

extension VocabularyTerm {
    /// Finds the term named by `text`, or throws an error listing the accepted terms.
    public static func parse(_ text: String) throws -> Self {
        if let exact = Self(rawValue: text) { return exact }
        let key = vocabularyKey(text)
        if let term = allCases.first(where: { vocabularyKey($0.rawValue) == key || vocabularyKey($0.label) == key }) {
            return term
        }
        let accepted = allCases.map(\.rawValue).joined(separator: ", ")
        throw HeritageStoreError(
            .invalidInput, "unknown \(vocabularyName) '\(text)'; expected one of: \(accepted)")
    }

    /// The slugs of every term, for SQL CHECK constraints.
    static var sqlList: String {
        allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }
}

/// Lower-case letters and digits only: "Very Bad", "very-bad" and "VERY_BAD" give "verybad".
func vocabularyKey(_ text: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in text.lowercased().unicodeScalars
    where scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
        scalars.append(scalar)
    }
    return String(scalars)
}

extension String {
    /// The text without leading and trailing white space or line breaks (pure Swift, no bridging).
    var trimmed: String {
        // Fast path: most fields start and end with a visible ASCII character.
        if let first = utf8.first, let last = utf8.last, (0x21..<0x7F).contains(first), (0x21..<0x7F).contains(last) {
            return self
        }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}

extension Substring {
    var trimmed: String { String(self).trimmed }
}
