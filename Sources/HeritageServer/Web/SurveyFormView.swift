import HeritageStore

/// `/sites/{code}/survey` (surveyors): records a field visit or remote-sensing campaign, which
/// uploads can then name. Refused fields come back marked, the answers kept.
struct SurveyFormView {
    let request: WebRequest
    let site: Site
    var values: [String: [String]] = [:]
    var errors: [String: String] = [:]

    func write(_ html: inout HTMLWriter) {
        let request = request
        let form = FormWriter(request: request, values: values, errors: errors)
        html.element(
            "form", ["method": "post", "action": "/sites/\(pathSegment(site.code))/survey", "class": "stack wide"]
        ) { html in
            html.open("input", ["type": "hidden", "name": "csrf", "value": request.formToken ?? ""])
            form.input(&html, "startDate", request[.startDate], type: "date", required: true)
            form.input(&html, "endDate", request[.endDate], type: "date")
            form.choice(&html, "method", request[.surveyMethod], Array(SurveyMethod.allCases), required: true)
            form.input(&html, "team", request[.teamHint])
            form.textArea(&html, "notes", request[.notes])
            html.element("button", request[.recordSurvey], ["type": "submit"])
        }
    }
}
