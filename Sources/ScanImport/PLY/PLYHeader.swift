/// The storage format a PLY body is written in.
public enum PLYFormat: String, Sendable, Codable {
    case ascii
    case binaryLittleEndian = "binary_little_endian"
    case binaryBigEndian = "binary_big_endian"
}

/// A PLY scalar type, under its canonical PLY 1.0 name.
public enum PLYScalarType: String, Sendable, Codable, CaseIterable {
    case int8, uint8, int16, uint16, int32, uint32, float32, float64

    /// Parses a type name or its alias (`char`, `uchar`, `short`, `ushort`, `int`, `uint`, `float`, `double`).
    init?(name: Substring) {
        switch name {
        case "char", "int8": self = .int8
        case "uchar", "uint8": self = .uint8
        case "short", "int16": self = .int16
        case "ushort", "uint16": self = .uint16
        case "int", "int32": self = .int32
        case "uint", "uint32": self = .uint32
        case "float", "float32": self = .float32
        case "double", "float64": self = .float64
        default: return nil
        }
    }

    public var byteCount: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        case .int32, .uint32, .float32: 4
        case .float64: 8
        }
    }

    var isInteger: Bool { self != .float32 && self != .float64 }

    /// The range an integer type holds.
    var integerRange: ClosedRange<Int64> {
        switch self {
        case .int8: -128...127
        case .uint8: 0...255
        case .int16: -32768...32767
        case .uint16: 0...65535
        case .int32: Int64(Int32.min)...Int64(Int32.max)
        case .uint32: 0...Int64(UInt32.max)
        case .float32, .float64: Int64.min...Int64.max
        }
    }
}

/// One property of a PLY element: a scalar, or a list with a count type and an item type.
public struct PLYProperty: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        case scalar(PLYScalarType)
        case list(count: PLYScalarType, item: PLYScalarType)
    }
    public var name: String
    public var kind: Kind

    /// "float x", "list uchar int vertex_indices": as the header wrote it.
    public var declaration: String {
        switch kind {
        case .scalar(let type): "\(type.rawValue) \(name)"
        case .list(let count, let item): "list \(count.rawValue) \(item.rawValue) \(name)"
        }
    }
}

/// One element declared by the header: its name, how many records, and their properties.
public struct PLYElement: Sendable, Hashable, Codable {
    public var name: String
    public var count: Int
    public var properties: [PLYProperty]

    /// The size of one record when every property is a scalar (no lists), else nil.
    var fixedRecordSize: Int? {
        var size = 0
        for property in properties {
            guard case .scalar(let type) = property.kind else { return nil }
            size += type.byteCount
        }
        return size
    }
}

/// A parsed PLY header.
public struct PLYHeader: Sendable, Hashable, Codable {
    public var format: PLYFormat
    public var version: String
    public var elements: [PLYElement]
    /// `comment` lines, in order, without the keyword.
    public var comments: [String]
    /// `obj_info` lines, in order, without the keyword.
    public var objInfo: [String]
    /// Byte offset where the body starts (just after `end_header` and its line break).
    public var bodyOffset: Int
    /// Number of lines the header takes, so body line numbers can be reported.
    public var lineCount: Int

    /// Parses the header at the start of `bytes`.
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> PLYHeader {
        var lines: [(number: Int, text: Substring)] = []
        var index = 0
        var lineStart = 0
        var lineNumber = 1
        var bodyOffset: Int?
        // Headers are ASCII text; cap the search so a binary file without end_header fails fast.
        let limit = min(bytes.count, 1 << 20)
        while index < limit {
            if bytes[index] == UInt8(ascii: "\n") {
                var end = index
                if end > lineStart && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let text = Substring(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<end]), as: UTF8.self)
                lines.append((lineNumber, text))
                lineNumber += 1
                lineStart = index + 1
                if text.trimmingSpaces == "end_header" {
                    bodyOffset = index + 1
                    break
                }
            }
            index += 1
        }
        if bodyOffset == nil, lineStart < limit {
            // A last line without a line break (a header-only file).
            var end = limit
            if end > lineStart && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let text = Substring(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<end]), as: UTF8.self)
            lines.append((lineNumber, text))
            if text.trimmingSpaces == "end_header" { bodyOffset = limit }
        }
        guard let first = lines.first, first.text.trimmingSpaces == "ply" else {
            throw ScanImportError(.malformedHeader, file: file, at: .line(1), "expected the magic word 'ply'")
        }
        guard let bodyOffset else {
            throw ScanImportError(
                .malformedHeader, file: file, at: .line(lines.last?.number ?? 1),
                "the header never ends; expected a line 'end_header'")
        }
        var format: PLYFormat?
        var version = ""
        var elements: [PLYElement] = []
        var comments: [String] = []
        var objInfo: [String] = []
        for (number, text) in lines.dropFirst() {
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let keyword = words.first else { continue }
            func fail(_ message: String) -> ScanImportError {
                ScanImportError(.malformedHeader, file: file, at: .line(number), message)
            }
            switch keyword {
            case "format":
                guard format == nil else { throw fail("a second 'format' line") }
                guard words.count == 3, let parsed = PLYFormat(rawValue: String(words[1])) else {
                    throw fail(
                        "expected 'format ascii|binary_little_endian|binary_big_endian 1.0', found '\(text.trimmingSpaces)'"
                    )
                }
                guard words[2] == "1.0" || words[2] == "1" else {
                    throw ScanImportError(
                        .unsupported, file: file, at: .line(number),
                        "PLY version \(words[2]) is not supported; expected 1.0")
                }
                format = parsed
                version = String(words[2])
            case "comment":
                comments.append(
                    String(text.drop { $0 == " " || $0 == "\t" }.dropFirst(7).drop { $0 == " " || $0 == "\t" }))
            case "obj_info":
                objInfo.append(
                    String(text.drop { $0 == " " || $0 == "\t" }.dropFirst(8).drop { $0 == " " || $0 == "\t" }))
            case "element":
                guard format != nil else { throw fail("expected 'format' before the first element") }
                guard words.count == 3, let count = Int(words[2]), count >= 0 else {
                    throw fail(
                        "expected 'element NAME COUNT' with a non-negative count, found '\(text.trimmingSpaces)'")
                }
                guard !elements.contains(where: { $0.name == words[1] }) else {
                    throw fail("element '\(words[1])' is declared twice")
                }
                elements.append(PLYElement(name: String(words[1]), count: count, properties: []))
            case "property":
                guard !elements.isEmpty else { throw fail("a property before any element") }
                let property: PLYProperty
                if words.count == 5 && words[1] == "list" {
                    guard let count = PLYScalarType(name: words[2]), count.isInteger,
                        let item = PLYScalarType(name: words[3])
                    else {
                        throw fail(
                            "expected 'property list COUNT_TYPE ITEM_TYPE NAME' with an integer count type, found '\(text.trimmingSpaces)'"
                        )
                    }
                    property = PLYProperty(name: String(words[4]), kind: .list(count: count, item: item))
                } else if words.count == 3, let type = PLYScalarType(name: words[1]) {
                    property = PLYProperty(name: String(words[2]), kind: .scalar(type))
                } else {
                    throw fail(
                        "expected 'property TYPE NAME' or 'property list COUNT_TYPE ITEM_TYPE NAME' with a PLY type (char, uchar, short, ushort, int, uint, float, double or int8…float64), found '\(text.trimmingSpaces)'"
                    )
                }
                let last = elements.count - 1
                guard !elements[last].properties.contains(where: { $0.name == property.name }) else {
                    throw fail("property '\(property.name)' is declared twice in element '\(elements[last].name)'")
                }
                elements[last].properties.append(property)
            case "end_header":
                break
            default:
                throw fail(
                    "unknown header keyword '\(keyword)'; expected format, comment, obj_info, element, property or end_header"
                )
            }
        }
        guard let format else {
            throw ScanImportError(.malformedHeader, file: file, at: .line(2), "the header has no 'format' line")
        }
        return PLYHeader(
            format: format, version: version, elements: elements, comments: comments, objInfo: objInfo,
            bodyOffset: bodyOffset, lineCount: lines.count)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}
