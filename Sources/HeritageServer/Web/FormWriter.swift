import HeritageStore

/// Writes a form's fields, each with its label, and with the message of a refused field shown
/// above it and tied to it (`aria-invalid`, `aria-describedby`); what was sent is shown again.
struct FormWriter {
    let request: WebRequest
    /// What was sent, by field name.
    var values: [String: [String]] = [:]
    /// Refusals by field name.
    var errors: [String: String] = [:]

    func value(_ name: String) -> String { values[name]?.first ?? "" }

    /// A labelled field: `control` writes the control, given the id of the error to point at.
    func field(
        _ html: inout HTMLWriter, _ name: String, _ label: String, _ control: (inout HTMLWriter, String?) -> Void
    ) {
        html.element("div", ["class": "field"]) { html in
            html.element("label", label, ["for": name])
            let errorID = "\(name)-error"
            if let error = errors[name] { html.element("p", error, ["id": errorID, "class": "error"]) }
            control(&html, errors[name] == nil ? nil : errorID)
        }
    }

    /// An `<input>` of `type`.
    func input(_ html: inout HTMLWriter, _ name: String, _ label: String, type: String = "text", required: Bool = false)
    {
        let invalid = errors[name] != nil
        field(&html, name, label) { html, described in
            html.open(
                "input",
                [
                    "id": name, "name": name, "type": type, "required": required ? "required" : nil,
                    "value": value(name), "aria-invalid": invalid ? "true" : nil, "aria-describedby": described,
                ])
        }
    }

    /// A `<textarea>`.
    func textArea(_ html: inout HTMLWriter, _ name: String, _ label: String) {
        let text = value(name)
        field(&html, name, label) { html, described in
            html.element(
                "textarea", text, ["id": name, "name": name, "rows": "3", "dir": "auto", "aria-describedby": described])
        }
    }

    /// A `<select>` of a vocabulary's terms, by label.
    func choice<Term: VocabularyTerm>(
        _ html: inout HTMLWriter, _ name: String, _ label: String, _ terms: [Term], required: Bool = false
    ) {
        let chosen = values[name]?.first
        let invalid = errors[name] != nil
        let any = request[.anyValue]
        field(&html, name, label) { html, described in
            html.element(
                "select",
                [
                    "id": name, "name": name, "required": required ? "required" : nil,
                    "aria-invalid": invalid ? "true" : nil, "aria-describedby": described,
                ]
            ) { html in
                html.element("option", required ? "—" : any, ["value": ""])
                for term in terms {
                    html.element(
                        "option", term.label,
                        ["value": term.rawValue, "selected": term.rawValue == chosen ? "selected" : nil])
                }
            }
        }
    }
}
