import Foundation

/// Full-text search on PostgreSQL as the SQLite store's FTS5 index answers it: text is split into
/// words as FTS5's `unicode61` tokenizer splits it (runs of letters, numbers and private-use
/// characters, with combining marks; everything else separates), lower-cased, with diacritics
/// removed; a site's document holds the words of its code, names, community and description
/// with their positions, each column in its own range so that no phrase spans two; a query
/// word matches as a prefix, and a query word that splits into several (`al-Qadim`) matches
/// them as a phrase, as FTS5's `"al-Qadim"*` does.
enum SearchText {
    /// The first position of each column: code, names, community, description.
    static let columnStarts = [1, 2_000, 6_000, 10_000]
    /// PostgreSQL keeps positions up to this.
    static let lastPosition = 16_383

    /// The words of `text`, folded.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            guard !current.isEmpty else { return }
            let word = String(current).lowercased().folding(options: .diacriticInsensitive, locale: nil)
            if !word.isEmpty { words.append(word) }
            current = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .decimalNumber, .letterNumber, .otherNumber, .privateUse, .nonspacingMark, .spacingMark,
                .enclosingMark:
                current.append(scalar)
            default:
                flush()
            }
        }
        flush()
        return words
    }

    /// The `tsvector` literal of a site's columns (nil columns are empty).
    static func document(code: String, names: String?, community: String?, description: String?) -> String {
        var positions: [String: [Int]] = [:]
        for (column, text) in [code, names, community, description].enumerated() {
            guard let text else { continue }
            for (offset, word) in words(text).enumerated() {
                positions[word, default: []].append(min(columnStarts[column] + offset, lastPosition))
            }
        }
        return positions.sorted { $0.key < $1.key }.map { word, places in
            "'\(escaped(word))':" + places.map(String.init).joined(separator: ",")
        }.joined(separator: " ")
    }

    /// The `tsquery` literal of a user's search text: every word must match, each as a prefix.
    /// Nil when the text has no word.
    static func query(_ text: String) -> String? {
        let terms = text.split(whereSeparator: \.isWhitespace).compactMap { part -> String? in
            let parts = words(String(part))
            guard !parts.isEmpty else { return nil }
            let phrase = parts.enumerated().map { index, word in
                "'\(escaped(word))'" + (index == parts.count - 1 ? ":*" : "")
            }
            return parts.count == 1 ? phrase[0] : "(" + phrase.joined(separator: " <-> ") + ")"
        }
        return terms.isEmpty ? nil : terms.joined(separator: " & ")
    }

    private static func escaped(_ word: String) -> String {
        word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''")
    }
}
