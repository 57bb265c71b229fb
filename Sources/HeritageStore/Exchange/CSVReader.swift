import Foundation

/// A strict RFC 4180 reader that remembers where each record starts.
///
/// Written here rather than taken from a CSV package because an import must name the line of
/// every bad row, and the packages available (CSV.swift, SwiftCSV) report neither line numbers
/// nor unterminated quotes. Accepts a UTF-8 byte order mark, CRLF or LF line ends, quoted fields
/// holding commas, doubled quotes and line breaks.
struct CSVReader {
    struct Record {
        /// 1-based line on which the record starts.
        var line: Int
        var fields: [String]
    }

    let bytes: [UInt8]
    let file: String
    /// Where the next record starts, and its line.
    private var index = 0
    private var line = 1

    init(_ bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    /// Splits `bytes` into records. Blank lines are skipped.
    static func records(_ bytes: [UInt8], file: String) throws -> [Record] {
        var reader = CSVReader(bytes, file: file)
        var records: [Record] = []
        while case let block = try reader.next(limit: 1 << 16), !block.isEmpty { records += block }
        return records
    }

    /// The next records, at most `limit` of them; none at the end of the file. Blank lines are
    /// skipped. A register is read a block at a time, so its records are never all held at once.
    mutating func next(limit: Int) throws -> [Record] {
        var records: [Record] = []
        var index = self.index
        var line = self.line
        defer { (self.index, self.line) = (index, line) }
        var fields: [String] = []
        var field: [UInt8] = []
        var recordLine = line
        var atFieldStart = true
        var fieldWasQuoted = false
        let file = self.file
        let bytes = self.bytes

        func finishField() throws {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw HeritageStoreError(
                    .invalidInput, "field \(fields.count + 1) is not valid UTF-8", location: "\(file):\(recordLine)")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            atFieldStart = true
            fieldWasQuoted = false
        }
        func finishRecord() throws {
            try finishField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
        }

        while index < bytes.count && records.count < limit {
            let byte = bytes[index]
            if atFieldStart && byte == UInt8(ascii: "\"") {
                // A quoted field: read to the closing quote.
                let quoteLine = line
                index += 1
                var closed = false
                while index < bytes.count {
                    let inner = bytes[index]
                    if inner == UInt8(ascii: "\"") {
                        if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                            field.append(inner)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if inner == UInt8(ascii: "\n") { line += 1 }
                    field.append(inner)
                    index += 1
                }
                guard closed else {
                    throw HeritageStoreError(
                        .invalidInput, "a quoted field opened here is never closed; expected a closing '\"'",
                        location: "\(file):\(quoteLine)")
                }
                atFieldStart = false
                fieldWasQuoted = true
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                try finishField()
                index += 1
            case UInt8(ascii: "\r") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n"):
                index += 1
            case UInt8(ascii: "\n"):
                try finishRecord()
                index += 1
                line += 1
                recordLine = line
            default:
                if fieldWasQuoted || byte == UInt8(ascii: "\"") {
                    throw HeritageStoreError(
                        .invalidInput,
                        "stray '\(Character(Unicode.Scalar(byte)))' in field \(fields.count + 1); expected a comma or line end after a quoted field, and quotes only around whole fields",
                        location: "\(file):\(line)")
                }
                field.append(byte)
                atFieldStart = false
                index += 1
            }
        }
        if index >= bytes.count && (!field.isEmpty || !fields.isEmpty || fieldWasQuoted) { try finishRecord() }
        return records
    }

    /// Quotes a field when it holds a comma, quote or line break.
    static func escape(_ field: String) -> String {
        // By scalar: "\r\n" is one Character, equal to neither "\r" nor "\n".
        if field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }
}
