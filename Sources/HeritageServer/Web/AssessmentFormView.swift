import Foundation
import HeritageStore

/// `/sites/{code}/assess` (surveyors): a condition assessment proposed for review, in the
/// EAMENA vocabulary, each overall condition with what it means. A field the server refuses
/// comes back marked, its message tied to it (`aria-describedby`), the other answers kept.
struct AssessmentFormView {
    let request: WebRequest
    let site: Site
    /// What was sent, to show again after a refusal.
    var values: [String: [String]] = [:]
    /// Refusals by field name.
    var errors: [String: String] = [:]

    func write(_ html: inout HTMLWriter) {
        let request = request
        let form = FormWriter(request: request, values: values, errors: errors)
        html.element("p", request[.assessIntro])
        html.element(
            "form", ["method": "post", "action": "/sites/\(pathSegment(site.code))/assess", "class": "stack wide"]
        ) { html in
            html.open("input", ["type": "hidden", "name": "csrf", "value": request.formToken ?? ""])
            if let finding = values["finding"]?.first, !finding.isEmpty {
                html.open("input", ["type": "hidden", "name": "finding", "value": finding])
                html.element(
                    "p", request[.draftedFromFinding].replacingOccurrences(of: "{id}", with: String(finding.prefix(8))),
                    ["class": "notice"])
            }
            form.choice(
                &html, "overallCondition", request[.condition], Array(OverallCondition.allCases), required: true)
            html.element("dl", ["class": "definitions"]) { html in
                for condition in OverallCondition.allCases {
                    html.element("dt", request.term(condition))
                    html.element(
                        "dd",
                        (VocabularyText.conditionMeanings[request.language] ?? VocabularyText.conditionMeanings[.en])?[
                            condition] ?? "")
                }
            }
            form.choice(&html, "certainty", request[.certainty], Array(Certainty.allCases), required: true)
            form.input(&html, "date", request[.date], type: "date", required: true)
            form.choice(&html, "activity", request[.activity], Array(AssessmentActivity.allCases), required: true)
            form.choice(&html, "damageExtent", request[.damageExtent], Array(DamageExtent.allCases))
            form.choice(&html, "causeCategory", request[.causeCategory], Array(DisturbanceCategory.allCases))
            form.choice(&html, "causeType", request[.causeType], Array(DisturbanceType.allCases))
            html.element("fieldset") { html in
                html.element("legend", request[.effects])
                if let error = errors["effects"] { html.element("p", error, ["class": "error", "role": "alert"]) }
                for effect in DisturbanceEffect.allCases {
                    let id = "effect-\(effect.rawValue)"
                    html.element("div", ["class": "check"]) { html in
                        html.open(
                            "input",
                            [
                                "type": "checkbox", "id": id, "name": "effects", "value": effect.rawValue,
                                "checked": values["effects"]?.contains(effect.rawValue) == true ? "checked" : nil,
                            ])
                        html.element("label", request.term(effect), ["for": id])
                    }
                }
            }
            form.textArea(&html, "notes", request[.notes])
            form.textArea(&html, "note", request[.noteToReviewer])
            html.element("button", request[.propose], ["type": "submit"])
        }
    }
}
