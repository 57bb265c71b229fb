import Foundation
import HeritageStore

/// `/sites/new` and `/sites/{code}/edit` (surveyors): a site's record as a form, sent to review
/// as a proposal. Names and designations are rows (the first name is the primary one; an
/// empty row is ignored). Without clearance, a restricted site's position is neither shown nor
/// asked: the edit keeps the stored one.
struct SiteFormView {
    let request: WebRequest
    /// The site edited; nil for a new one.
    let site: Site?
    var values: [String: [String]] = [:]
    var errors: [String: String] = [:]
    /// Whether the position is shown and taken: always for a new site, and for an edit of a
    /// public site or by a cleared account.
    var asksPosition = true

    /// Rows offered beyond those a record fills.
    static let spareNameRows = 2
    static let spareDesignationRows = 1

    /// The form's values for a site as it stands.
    static func values(of site: Site, withPosition: Bool) -> [String: [String]] {
        var values: [String: [String]] = [
            "kind": [site.kind.rawValue], "sensitivity": [site.sensitivity.rawValue],
            "country": [site.country ?? ""], "adminArea": [site.adminArea ?? ""], "period": [site.period ?? ""],
            "community": [site.community ?? ""], "description": [site.description ?? ""],
            "locationCertainty": [site.location.certainty.rawValue],
        ]
        let names = site.names.sorted { $0.isPrimary && !$1.isPrimary }
        values["nameText"] = names.map(\.name)
        values["nameLanguage"] = names.map(\.language)
        values["designationType"] = site.designations.map(\.type.rawValue)
        values["designationReference"] = site.designations.map { $0.reference ?? "" }
        values["designationDate"] = site.designations.map { $0.date ?? "" }
        if withPosition {
            values["latitude"] = [String(site.location.latitude)]
            values["longitude"] = [String(site.location.longitude)]
            values["precisionMetres"] = [site.location.precisionMetres.map { String($0) } ?? ""]
        }
        return values
    }

    var action: String { site.map { "/sites/\(pathSegment($0.code))/edit" } ?? "/sites/new" }

    func write(_ html: inout HTMLWriter) {
        let request = request
        let form = FormWriter(request: request, values: values, errors: errors)
        html.element("p", request[.siteFormIntro])
        html.element("form", ["method": "post", "action": action, "class": "stack wide"]) { html in
            html.open("input", ["type": "hidden", "name": "csrf", "value": request.formToken ?? ""])
            if site == nil {
                form.input(&html, "code", request[.code], required: true, hint: request[.codeHint])
            }
            form.choice(&html, "kind", request[.kind], Array(SiteKind.allCases), required: true)
            html.element("fieldset") { html in
                html.element("legend", request[.names])
                html.element("p", request[.namesHint], ["class": "hint"])
                let rows = max(1, (values["nameText"] ?? []).count) + Self.spareNameRows
                for row in 0..<rows {
                    html.element("div", ["class": "row"]) { html in
                        form.input(
                            &html, "nameText", "\(request[.name]) \(row + 1)", required: row == 0, index: row,
                            direction: "auto")
                        form.input(
                            &html, "nameLanguage", "\(request[.languageTag]) \(row + 1)", required: row == 0,
                            index: row, placeholder: "ar, hy, en, sr-Cyrl")
                    }
                }
            }
            html.element("fieldset") { html in
                html.element("legend", request[.position])
                if asksPosition {
                    html.element("div", ["class": "row"]) { html in
                        form.input(
                            &html, "latitude", request[.latitude], type: "number", required: true, step: "any",
                            placeholder: "40.1772")
                        form.input(
                            &html, "longitude", request[.longitude], type: "number", required: true, step: "any",
                            placeholder: "44.5035")
                    }
                    form.input(&html, "precisionMetres", request[.precisionMetres], type: "number", step: "any")
                    form.choice(&html, "locationCertainty", request[.certainty], Array(Certainty.allCases))
                } else {
                    html.element("p", request[.positionKept], ["class": "note"])
                }
                form.choice(
                    &html, "sensitivity", request[.sensitivity], Array(Sensitivity.allCases), required: true,
                    hint: request[.sensitivityHint])
            }
            form.input(&html, "country", request[.country], placeholder: "AM")
            form.input(&html, "adminArea", request[.adminArea])
            form.input(&html, "period", request[.period])
            form.input(&html, "community", request[.community])
            form.textArea(&html, "description", request[.description])
            html.element("fieldset") { html in
                html.element("legend", request[.designations])
                let rows = (values["designationType"] ?? []).count + Self.spareDesignationRows
                for row in 0..<rows {
                    html.element("div", ["class": "row"]) { html in
                        form.choice(
                            &html, "designationType", "\(request[.designationType]) \(row + 1)",
                            Array(DesignationType.allCases), index: row)
                        form.input(&html, "designationReference", request[.reference], index: row)
                        form.input(
                            &html, "designationDate", request[.date], index: row, placeholder: "YYYY-MM-DD")
                    }
                }
            }
            form.textArea(&html, "note", request[.noteToReviewer])
            html.element("button", request[.propose], ["type": "submit"])
        }
    }
}

/// Reads a site form into a record: `base` is the site edited (its id, external ids, sources,
/// boundary and, when the form does not ask it, its position are kept) or nil for a new one.
/// Refusals are put at their fields; nil when there were any.
struct SiteFormReader {
    var submission: FormSubmission
    let base: Site?
    let asksPosition: Bool

    mutating func site() -> Site? {
        var form = submission
        defer { submission = form }
        let code = base?.code ?? form.required("code")
        let kind = form.term("kind", SiteKind.self, required: true)
        let sensitivity = form.term("sensitivity", Sensitivity.self, required: true)
        var names: [SiteName] = []
        let texts = form.values["nameText"] ?? []
        let languages = form.values["nameLanguage"] ?? []
        for row in 0..<max(texts.count, languages.count) {
            let text = row < texts.count ? texts[row].trimmingCharacters(in: .whitespacesAndNewlines) : ""
            let language = row < languages.count ? languages[row].trimmingCharacters(in: .whitespaces) : ""
            if text.isEmpty && language.isEmpty { continue }
            if text.isEmpty { form.errors["nameText-\(row)"] = form.page[.required] }
            if language.isEmpty { form.errors["nameLanguage-\(row)"] = form.page[.required] }
            names.append(SiteName(language: language, name: text, isPrimary: names.isEmpty))
        }
        if names.isEmpty { form.errors["nameText-0"] = form.page[.required] }
        var location = base?.location ?? SiteLocation(latitude: 0, longitude: 0)
        if asksPosition {
            let latitude = number(&form, "latitude", required: true)
            let longitude = number(&form, "longitude", required: true)
            location = SiteLocation(
                latitude: latitude ?? 0, longitude: longitude ?? 0,
                precisionMetres: number(&form, "precisionMetres"),
                certainty: form.term("locationCertainty", Certainty.self) ?? .high)
        }
        var designations: [Designation] = []
        let types = form.values["designationType"] ?? []
        let references = form.values["designationReference"] ?? []
        let dates = form.values["designationDate"] ?? []
        for row in 0..<types.count {
            let reference = row < references.count ? references[row].trimmingCharacters(in: .whitespaces) : ""
            let date = row < dates.count ? dates[row].trimmingCharacters(in: .whitespaces) : ""
            guard !types[row].isEmpty else {
                if !reference.isEmpty || !date.isEmpty { form.errors["designationType-\(row)"] = form.page[.required] }
                continue
            }
            guard let type = try? DesignationType.parse(types[row]) else {
                form.errors["designationType-\(row)"] = "unknown designation '\(types[row])'"
                continue
            }
            designations.append(
                Designation(type: type, reference: reference.isEmpty ? nil : reference, date: date.isEmpty ? nil : date)
            )
        }
        guard form.errors.isEmpty, let code, let kind, let sensitivity else { return nil }
        var site =
            base
            ?? Site(
                id: RecordID.make(), code: code, names: names, kind: kind,
                location: location, sensitivity: sensitivity)
        site.names = names
        site.kind = kind
        site.sensitivity = sensitivity
        site.location = location
        site.designations = designations
        site.country = form.first("country")
        site.adminArea = form.first("adminArea")
        site.period = form.first("period")
        site.community = form.first("community")
        site.description = form.first("description")
        return site
    }

    private func number(_ form: inout FormSubmission, _ name: String, required: Bool = false) -> Double? {
        guard let text = required ? form.required(name) : form.first(name) else { return nil }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            form.errors[name] = form.page[.notANumber]
            return nil
        }
        return value
    }

    /// Where a refusal of the store belongs: the field its message is about (in a repeated
    /// field, the row whose value it quotes), else the top.
    static func field(of message: String, values: [String: [String]]) -> String {
        func row(_ name: String) -> String {
            let index = (values[name] ?? []).firstIndex { !$0.isEmpty && message.contains("'\($0)'") }
            return FormWriter.id(name, index ?? 0)
        }
        let fields: [(String, () -> String)] = [
            ("site code", { "code" }), ("already exists", { "code" }), ("latitude", { "latitude" }),
            ("longitude", { "longitude" }), ("precision", { "precisionMetres" }), ("country", { "country" }),
            ("language tag", { row("nameLanguage") }), ("designation date", { row("designationDate") }),
            ("designation", { row("designationReference") }), ("name", { row("nameText") }),
        ]
        return fields.first { message.contains($0.0) }?.1() ?? "form"
    }
}
