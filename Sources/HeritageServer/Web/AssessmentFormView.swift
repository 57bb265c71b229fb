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

    /// What each overall condition means, paraphrasing the EAMENA condition assessment guidance.
    static let conditionMeanings: [OverallCondition: String] = [
        .good: "Stable: no significant damage or threat is visible.",
        .fair: "Some damage or deterioration, but the site's main features are intact.",
        .poor: "Significant damage or deterioration: parts of the site are lost or at risk.",
        .veryBad: "Severe damage: most of the site's fabric is lost or collapsing.",
        .destroyed: "Nothing, or almost nothing, of the site survives.",
        .unknown: "The condition cannot be judged from the evidence at hand.",
    ]

    func write(_ html: inout HTMLWriter) {
        let request = request
        html.element("p", request[.assessIntro])
        html.element(
            "form", ["method": "post", "action": "/sites/\(pathSegment(site.code))/assess", "class": "stack wide"]
        ) {
            html in
            html.open("input", ["type": "hidden", "name": "csrf", "value": request.formToken ?? ""])
            choice(&html, "overallCondition", request[.condition], Array(OverallCondition.allCases), required: true)
            html.element("dl", ["class": "definitions"]) { html in
                for condition in OverallCondition.allCases {
                    html.element("dt", condition.label)
                    html.element("dd", Self.conditionMeanings[condition] ?? "")
                }
            }
            choice(&html, "certainty", request[.certainty], Array(Certainty.allCases), required: true)
            field(&html, "date", request[.date]) { html, described in
                html.open(
                    "input",
                    [
                        "id": "date", "name": "date", "type": "date", "required": "required",
                        "value": values["date"]?.first ?? "", "aria-invalid": errors["date"] == nil ? nil : "true",
                        "aria-describedby": described,
                    ])
            }
            choice(&html, "activity", request[.activity], Array(AssessmentActivity.allCases), required: true)
            choice(&html, "damageExtent", request[.damageExtent], Array(DamageExtent.allCases))
            choice(&html, "causeCategory", request[.causeCategory], Array(DisturbanceCategory.allCases))
            choice(&html, "causeType", request[.causeType], Array(DisturbanceType.allCases))
            html.element("fieldset") { html in
                html.element("legend", request[.effects])
                for effect in DisturbanceEffect.allCases {
                    let id = "effect-\(effect.rawValue)"
                    html.element("div", ["class": "check"]) { html in
                        html.open(
                            "input",
                            [
                                "type": "checkbox", "id": id, "name": "effects", "value": effect.rawValue,
                                "checked": values["effects"]?.contains(effect.rawValue) == true ? "checked" : nil,
                            ])
                        html.element("label", effect.label, ["for": id])
                    }
                }
            }
            for (name, label) in [("notes", request[.notes]), ("note", request[.noteToReviewer])] {
                field(&html, name, label) { html, described in
                    html.element(
                        "textarea", values[name]?.first ?? "",
                        ["id": name, "name": name, "rows": "3", "dir": "auto", "aria-describedby": described])
                }
            }
            html.element("button", request[.propose], ["type": "submit"])
        }
    }

    private func field(
        _ html: inout HTMLWriter, _ name: String, _ label: String, _ control: (inout HTMLWriter, String?) -> Void
    ) {
        html.element("div", ["class": "field"]) { html in
            html.element("label", label, ["for": name])
            let errorID = "\(name)-error"
            if let error = errors[name] { html.element("p", error, ["id": errorID, "class": "error"]) }
            control(&html, errors[name] == nil ? nil : errorID)
        }
    }

    private func choice<Term: VocabularyTerm>(
        _ html: inout HTMLWriter, _ name: String, _ label: String, _ terms: [Term], required: Bool = false
    ) {
        let chosen = values[name]?.first
        let request = request
        field(&html, name, label) { html, described in
            html.element(
                "select",
                [
                    "id": name, "name": name, "required": required ? "required" : nil,
                    "aria-invalid": errors[name] == nil ? nil : "true", "aria-describedby": described,
                ]
            ) { html in
                html.element("option", required ? "—" : request[.anyValue], ["value": ""])
                for term in terms {
                    html.element(
                        "option", term.label,
                        ["value": term.rawValue, "selected": term.rawValue == chosen ? "selected" : nil])
                }
            }
        }
    }
}
