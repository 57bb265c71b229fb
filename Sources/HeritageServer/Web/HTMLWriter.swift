import EvidenceReport

/// Builds an HTML document in which every piece of text is escaped unless it is written with
/// ``raw(_:)``, which only the writer's own fixed markup uses: a site's name, a note or an
/// error message can never become markup.
struct HTMLWriter {
    private(set) var text = ""

    /// Markup fixed in the program, never data.
    mutating func raw(_ markup: StaticString) {
        text += markup.description
    }

    /// Text, escaped.
    mutating func text(_ value: String) {
        text += escapeHTML(value)
    }

    /// `<tag attributes>`; attribute values are escaped.
    mutating func open(_ tag: StaticString, _ attributes: KeyValuePairs<String, String?> = [:]) {
        text += "<\(tag)"
        for (name, value) in attributes {
            guard let value else { continue }
            text += " \(name)=\"\(escapeHTML(value))\""
        }
        text += ">"
    }

    mutating func close(_ tag: StaticString) {
        text += "</\(tag)>"
    }

    /// `<tag attributes>text</tag>`.
    mutating func element(
        _ tag: StaticString, _ content: String, _ attributes: KeyValuePairs<String, String?> = [:]
    ) {
        open(tag, attributes)
        text(content)
        close(tag)
    }

    /// `<tag attributes>…</tag>` around what `body` writes.
    mutating func element(
        _ tag: StaticString, _ attributes: KeyValuePairs<String, String?> = [:], _ body: (inout HTMLWriter) -> Void
    ) {
        open(tag, attributes)
        body(&self)
        close(tag)
    }

    /// A table: a header row and rows of cells, each cell written by its closure.
    mutating func table(
        caption: String? = nil, _ headers: [String], _ rows: [[(inout HTMLWriter) -> Void]]
    ) {
        raw("<div class=\"table\">")
        open("table")
        if let caption { element("caption", caption) }
        raw("<thead><tr>")
        for header in headers { element("th", header, ["scope": "col"]) }
        raw("</tr></thead><tbody>")
        for row in rows {
            raw("<tr>")
            for cell in row { element("td") { cell(&$0) } }
            raw("</tr>")
        }
        raw("</tbody></table></div>")
    }
}
