import HeritageStore

/// Writes a form's fields, each with its label, and with the message of a refused field shown
/// above it and tied to it (`aria-invalid`, `aria-describedby`); what was sent is shown again.
struct FormWriter {
    let request: WebRequest
    /// What was sent, by field name.
    var values: [String: [String]] = [:]
    /// Refusals by field name.
    var errors: [String: String] = [:]

    /// The value sent for `name` (its `index`th, for a field repeated in rows).
    func value(_ name: String, index: Int? = nil) -> String {
        let sent = values[name] ?? []
        let position = index ?? 0
        return position < sent.count ? sent[position] : ""
    }

    /// The element id of a field: its name, and for a repeated field its row (`nameText-2`).
    /// Refusals are keyed by it.
    static func id(_ name: String, _ index: Int?) -> String { index.map { "\(name)-\($0)" } ?? name }

    /// A labelled field: `control` writes the control, given its id and the id of the error to
    /// point at.
    func field(
        _ html: inout HTMLWriter, _ name: String, _ label: String, index: Int? = nil, hint: String? = nil,
        _ control: (inout HTMLWriter, String, String?) -> Void
    ) {
        let id = Self.id(name, index)
        html.element("div", ["class": "field"]) { html in
            html.element("label", label, ["for": id])
            let errorID = "\(id)-error"
            let hintID = "\(id)-hint"
            if let hint { html.element("p", hint, ["id": hintID, "class": "hint"]) }
            if let error = errors[id] { html.element("p", error, ["id": errorID, "class": "error"]) }
            let described = [errors[id] == nil ? nil : errorID, hint == nil ? nil : hintID].compactMap { $0 }
            control(&html, id, described.isEmpty ? nil : described.joined(separator: " "))
        }
    }

    /// An `<input>` of `type`; `attributes` adds `step`, `min`, `max`, `placeholder`,
    /// `inputmode` or `autocomplete` where given.
    func input(
        _ html: inout HTMLWriter, _ name: String, _ label: String, type: String = "text", required: Bool = false,
        index: Int? = nil, hint: String? = nil, step: String? = nil, placeholder: String? = nil,
        direction: String? = nil
    ) {
        let invalid = errors[Self.id(name, index)] != nil
        let text = value(name, index: index)
        field(&html, name, label, index: index, hint: hint) { html, id, described in
            html.open(
                "input",
                [
                    "id": id, "name": name, "type": type, "required": required ? "required" : nil,
                    "value": text, "step": step, "placeholder": placeholder, "dir": direction,
                    "aria-invalid": invalid ? "true" : nil, "aria-describedby": described,
                ])
        }
    }

    /// A `<textarea>`.
    func textArea(_ html: inout HTMLWriter, _ name: String, _ label: String) {
        let text = value(name)
        field(&html, name, label) { html, id, described in
            html.element(
                "textarea", text, ["id": id, "name": name, "rows": "3", "dir": "auto", "aria-describedby": described])
        }
    }

    /// A `<select>` of a vocabulary's terms, by label.
    func choice<Term: VocabularyTerm>(
        _ html: inout HTMLWriter, _ name: String, _ label: String, _ terms: [Term], required: Bool = false,
        index: Int? = nil, hint: String? = nil
    ) {
        let chosen = value(name, index: index)
        let invalid = errors[Self.id(name, index)] != nil
        field(&html, name, label, index: index, hint: hint) { html, id, described in
            html.element(
                "select",
                [
                    "id": id, "name": name, "required": required ? "required" : nil,
                    "aria-invalid": invalid ? "true" : nil, "aria-describedby": described,
                ]
            ) { html in
                html.element("option", "—", ["value": ""])
                for term in terms {
                    html.element(
                        "option", request.term(term),
                        ["value": term.rawValue, "selected": term.rawValue == chosen ? "selected" : nil])
                }
            }
        }
    }
}

extension FormWriter {
    /// A `<select>` of fixed choices (value, label); the first is chosen when nothing was sent.
    func options(
        _ html: inout HTMLWriter, _ name: String, _ label: String, _ choices: [(value: String, label: String)],
        required: Bool = false, hint: String? = nil
    ) {
        let sent = value(name)
        let chosen = sent.isEmpty ? choices.first?.value : sent
        let invalid = errors[name] != nil
        field(&html, name, label, hint: hint) { html, id, described in
            html.element(
                "select",
                [
                    "id": id, "name": name, "required": required ? "required" : nil,
                    "aria-invalid": invalid ? "true" : nil, "aria-describedby": described,
                ]
            ) { html in
                for choice in choices {
                    html.element(
                        "option", choice.label,
                        ["value": choice.value, "selected": choice.value == chosen ? "selected" : nil])
                }
            }
        }
    }
}
