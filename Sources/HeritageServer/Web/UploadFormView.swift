import HeritageStore

/// `/sites/{code}/upload` (surveyors): scans and photographs for a site, several at a time, or a
/// photograph taken there and then (`capture`). Without script the form posts the files in one
/// request; `upload.js` instead sends each file on its own, with a progress bar, a cancel
/// button, the reader's refusal shown at the file, and retries when the connection drops. The
/// texts it shows travel in the form's `data-` attributes, in the page's language.
struct UploadFormView {
    let request: WebRequest
    let site: Site
    let surveys: [Survey]
    /// What was stored by a form posted without script, and what was refused.
    var stored: [String] = []
    var error: String?

    /// The extensions the readers take, for the file picker's filter.
    static let accepted =
        ".ply,.obj,.las,.laz,.e57,.pts,.ptx,.xyz,.txt,.csv,.jpg,.jpeg,.png,.tif,.tiff,.pdf,.jgw,.pgw,.wld"

    func write(_ html: inout HTMLWriter) {
        let request = request
        let code = pathSegment(site.code)
        if let error { html.element("p", error, ["class": "error", "role": "alert", "id": "upload-error"]) }
        if !stored.isEmpty {
            html.element("p", request[.uploadStored], ["class": "ok", "role": "status"])
            html.element("ul") { html in for name in stored { html.element("li", name) } }
        }
        html.element("p", request[.uploadIntro])
        html.element(
            "form",
            [
                "method": "post", "action": "/sites/\(code)/upload", "enctype": "multipart/form-data",
                "class": "stack wide", "id": "upload-form", "data-site": site.code,
                "data-t-stored": request[.uploadFileStored], "data-t-duplicate": request[.uploadFileDuplicate],
                "data-t-cancel": request[.cancel], "data-t-cancelled": request[.uploadCancelled],
                "data-t-retry": request[.uploadRetry], "data-t-failed": request[.uploadFailed],
                "data-t-waiting": request[.uploadWaiting], "data-t-warning": request[.uploadWarning],
            ]
        ) { html in
            html.open("input", ["type": "hidden", "name": "csrf", "value": request.formToken ?? ""])
            html.element("div", ["class": "field"]) { html in
                html.element("label", request[.uploadFiles], ["for": "files"])
                html.element("p", request[.uploadFormats], ["class": "hint", "id": "files-hint"])
                html.open(
                    "input",
                    [
                        "id": "files", "name": "files", "type": "file", "multiple": "multiple",
                        "accept": Self.accepted, "aria-describedby": "files-hint",
                    ])
            }
            html.element("div", ["class": "field"]) { html in
                html.element("label", request[.takePhoto], ["for": "photo"])
                html.open(
                    "input",
                    ["id": "photo", "name": "photo", "type": "file", "accept": "image/*", "capture": "environment"])
            }
            html.element("p", request[.dropHere], ["id": "dropzone", "class": "dropzone", "hidden": "hidden"])
            html.element("div", ["class": "field"]) { html in
                html.element("label", request[.survey], ["for": "survey"])
                html.element("select", ["id": "survey", "name": "survey"]) { html in
                    html.element("option", "—", ["value": ""])
                    for survey in surveys {
                        html.element(
                            "option",
                            "\(survey.startDate) · \(request.term(survey.method))"
                                + (survey.team.isEmpty ? "" : " · \(survey.team.joined(separator: ", "))"),
                            ["value": survey.id])
                    }
                }
            }
            html.element("button", request[.uploadSend], ["type": "submit"])
        }
        html.element("ol", ["id": "upload-list", "class": "uploads", "aria-live": "polite"]) { _ in }
        html.element("p") { $0.element("a", request[.backToSite], ["href": "/sites/\(code)"]) }
    }
}
