import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One element of an E57 file's XML section: its E57 type (`Structure`, `Vector`,
/// `CompressedVector`, `Integer`, `ScaledInteger`, `Float`, `String`, `Blob`), attributes,
/// text and children in order.
final class E57Element {
    let name: String
    let attributes: [String: String]
    let line: Int
    var text = ""
    var children: [E57Element] = []

    init(name: String, attributes: [String: String], line: Int) {
        self.name = name
        self.attributes = attributes
        self.line = line
    }

    var type: String { attributes["type"] ?? "" }

    func child(_ name: String) -> E57Element? { children.first { $0.name == name } }

    /// A child's path, `pose/rotation/w`.
    func find(_ path: String) -> E57Element? {
        var element: E57Element? = self
        for part in path.split(separator: "/") { element = element?.child(String(part)) }
        return element
    }

    /// The number an `Integer`, `ScaledInteger` or `Float` element holds; an empty element is
    /// 0 (the standard's default). A `ScaledInteger` is scaled.
    var number: Double? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch type {
        case "Integer":
            return trimmed.isEmpty ? 0 : Int64(trimmed).map(Double.init)
        case "Float":
            return trimmed.isEmpty ? 0 : Double(trimmed)
        case "ScaledInteger":
            let raw = trimmed.isEmpty ? 0 : Int64(trimmed).map(Double.init)
            let scale = attributes["scale"].flatMap(Double.init) ?? 1
            let offset = attributes["offset"].flatMap(Double.init) ?? 0
            return raw.map { $0 * scale + offset }
        default:
            return nil
        }
    }

    func number(_ path: String) -> Double? { find(path)?.number }

    func string(_ path: String) -> String? {
        guard let element = find(path), element.type == "String" else { return nil }
        return element.text
    }
}

/// Parses the XML section with Foundation's parser (libxml2) into ``E57Element``s.
final class E57XMLTreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [E57Element] = []
    private(set) var root: E57Element?
    private weak var parser: XMLParser?

    static func parse(_ data: Data, file: String, at offset: Int) throws(ScanImportError) -> E57Element {
        // E2807 requires UTF-8; Foundation's parser traps on a name that is not, so it is checked first.
        if let bad = firstInvalidUTF8(data) {
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(offset),
                "the XML section is not UTF-8: its byte \(bad) begins no valid character")
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        let builder = E57XMLTreeBuilder()
        builder.parser = parser
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let reason = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "no root element"
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(offset),
                "the XML section is not well-formed (line \(parser.lineNumber), column \(parser.columnNumber)): \(reason)"
            )
        }
        guard root.name == "e57Root" else {
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(offset),
                "the XML section's root is <\(root.name)>; expected <e57Root>")
        }
        return root
    }

    /// Where the first byte that is not part of a valid UTF-8 sequence is, if any.
    static func firstInvalidUTF8(_ data: Data) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        var position = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): position += scalar.count
            case .emptyInput: return nil
            case .error: return position
            }
        }
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let element = E57Element(name: elementName, attributes: attributes, line: parser.lineNumber)
        if let parent = stack.last { parent.children.append(element) } else if root == nil { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
    }
}
