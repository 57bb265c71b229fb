import Foundation

/// BagIt's text conventions (RFC 8493 §2.1.3, §2.2.2).
enum BagText {
    /// Manifest paths percent-encode CR, LF and `%`.
    static func encodePath(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\n", with: "%0A")
            .replacingOccurrences(of: "\r", with: "%0D")
    }

    /// Decodes `%0A`, `%0D` and `%25` (in either case), and nothing else: a bag made before
    /// RFC 8493 may hold a literal `%41` in a name.
    static func decodePath(_ path: String) -> String {
        guard path.contains("%") else { return path }
        var result = ""
        var index = path.startIndex
        while index < path.endIndex {
            if path[index] == "%", let end = path.index(index, offsetBy: 3, limitedBy: path.endIndex) {
                switch path[path.index(after: index)..<end].uppercased() {
                case "0A":
                    result.append("\n")
                    index = end
                    continue
                case "0D":
                    result.append("\r")
                    index = end
                    continue
                case "25":
                    result.append("%")
                    index = end
                    continue
                default: break
                }
            }
            result.append(path[index])
            index = path.index(after: index)
        }
        return result
    }

    static func oneLine(_ value: String) -> String {
        value.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    /// Decodes a tag file in the bag's declared encoding, without a leading byte-order mark.
    static func decode(_ data: Data, encoding: String.Encoding) -> String? {
        var bytes = data
        if encoding == .utf8, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard var text = String(data: bytes, encoding: encoding) else { return nil }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    /// The lines of a tag file, split on LF, CRLF or CR.
    static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }
}

/// `bagit.txt`: the version and the tag files' character encoding.
struct BagDeclaration {
    var version: (major: Int, minor: Int)
    var encodingName: String
    var encoding: String.Encoding

    /// Parses `bagit.txt`, or says what is wrong with it and on which line.
    static func parse(_ data: Data) -> Result<BagDeclaration, BagProblem> {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) else {
            return .failure(BagProblem("bagit.txt: not UTF-8"))
        }
        let lines = BagText.lines(text).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let first = lines.first, first.hasPrefix("BagIt-Version:") else {
            return .failure(BagProblem("bagit.txt, line 1: expected 'BagIt-Version: M.N'"))
        }
        let number = first.dropFirst("BagIt-Version:".count).trimmingCharacters(in: .whitespaces)
        let parts = number.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else {
            return .failure(BagProblem("bagit.txt, line 1: '\(number)' is not a version M.N"))
        }
        guard lines.count >= 2, lines[1].hasPrefix("Tag-File-Character-Encoding:") else {
            return .failure(BagProblem("bagit.txt, line 2: expected 'Tag-File-Character-Encoding: …'"))
        }
        let name = lines[1].dropFirst("Tag-File-Character-Encoding:".count).trimmingCharacters(in: .whitespaces)
        guard let encoding = encoding(named: name) else {
            return .failure(
                BagProblem(
                    "bagit.txt, line 2: encoding '\(name)' is not one heritage reads (UTF-8, ISO-8859-1, UTF-16)"))
        }
        return .success(BagDeclaration(version: (major, minor), encodingName: name, encoding: encoding))
    }

    static func encoding(named name: String) -> String.Encoding? {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8": .utf8
        case "iso-8859-1", "latin-1", "latin1", "iso8859-1": .isoLatin1
        case "utf-16", "utf16": .utf16
        case "utf-16le": .utf16LittleEndian
        case "utf-16be": .utf16BigEndian
        case "us-ascii", "ascii": .ascii
        default: nil
        }
    }
}

/// `bag-info.txt` (or any tag file of labels and values): every entry in file order, with
/// folded lines joined. A label may repeat.
struct BagInfo {
    var entries: [(label: String, value: String)] = []

    static func parse(_ text: String) -> BagInfo {
        var info = BagInfo()
        for line in BagText.lines(text) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if let first = line.first, first == " " || first == "\t", !info.entries.isEmpty {
                info.entries[info.entries.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            info.entries.append(
                (
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                ))
        }
        return info
    }

    /// Parses UTF-8 bytes (the declared encoding is not known yet when a zip is opened).
    static func parse(_ data: Data) -> BagInfo {
        parse(BagText.decode(data, encoding: .utf8) ?? String(decoding: data, as: UTF8.self))
    }

    /// The first value of a label (labels compared without case).
    func first(_ label: String) -> String? {
        entries.first { $0.label.caseInsensitiveCompare(label) == .orderedSame }?.value
    }

    func all(_ label: String) -> [String] {
        entries.filter { $0.label.caseInsensitiveCompare(label) == .orderedSame }.map(\.value)
    }
}

/// `Payload-Oxum: OCTETS.COUNT`.
struct PayloadOxum: Equatable {
    var bytes: Int64
    var count: Int

    init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".")
        guard parts.count == 2, let bytes = Int64(parts[0]), let count = Int(parts[1]), bytes >= 0, count >= 0 else {
            return nil
        }
        self.bytes = bytes
        self.count = count
    }
}

/// One reason a bag is invalid, naming the file and, where there is one, the line.
struct BagProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
