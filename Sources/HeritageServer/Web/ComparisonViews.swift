import Foundation
import HeritageOperations
import HeritageStore

/// `/sites/{code}/compare` (surveyors): two versions of the site's scans or photographs and the
/// comparison's parameters, each explained, with what it is when left empty (derived from the
/// before epoch's point spacing). Sent, it becomes a job, followed on its own page.
struct CompareFormView {
    let request: WebRequest
    let site: Site
    /// The site's scan and photograph versions that may be compared: value `ASSET@N`, label.
    let versions: [(value: String, label: String)]
    var values: [String: [String]] = [:]
    var errors: [String: String] = [:]

    /// The versions a form offers: every version of the site's scans and photographs (not
    /// derived results or documents), except those withheld from this reader.
    static func versions(of page: SitePage) -> [(value: String, label: String)] {
        page.assets.filter { [.scan, .photo].contains($0.asset.kind) }.flatMap { entry in
            entry.versions.filter { !$0.withheld }.map { item in
                let version = item.version
                let date = version.capture.capturedAt.map { ", \($0)" } ?? ""
                return (
                    "\(entry.asset.id)@\(version.number)",
                    "\(entry.asset.title) @\(version.number) (\(version.fileName)\(date))"
                )
            }
        }
    }

    /// The numeric parameters, in the order shown: field name and its explanation.
    static let parameters: [(String, UIText, UIText)] = [
        ("normalRadius", .normalRadius, .normalRadiusHint), ("cylinderRadius", .cylinderRadius, .cylinderRadiusHint),
        ("cylinderHalfLength", .cylinderHalfLength, .cylinderHalfLengthHint),
        ("coreSpacing", .coreSpacing, .coreSpacingHint),
        ("registrationError", .registrationError, .registrationErrorHint), ("threshold", .threshold, .thresholdHint),
    ]

    func write(_ html: inout HTMLWriter) {
        let request = request
        let form = FormWriter(request: request, values: values, errors: errors)
        html.element("p", request[.compareIntro])
        if versions.count < 2 {
            html.element("p", request[.needTwoVersions], ["class": "note"])
            html.element("p") { html in
                html.element("a", request[.uploadTitle], ["href": "/sites/\(pathSegment(site.code))/upload"])
            }
            return
        }
        html.element(
            "form", ["method": "post", "action": "/sites/\(pathSegment(site.code))/compare", "class": "stack wide"]
        ) { html in
            html.open("input", ["type": "hidden", "name": "csrf", "value": request.formToken ?? ""])
            var before = values
            if before["before"] == nil { before["before"] = [versions[0].value] }
            if before["after"] == nil { before["after"] = [versions[versions.count - 1].value] }
            let chosen = FormWriter(request: request, values: before, errors: errors)
            chosen.options(&html, "before", request[.beforeEpoch], versions, required: true)
            chosen.options(&html, "after", request[.afterEpoch], versions, required: true)
            form.options(
                &html, "method", request[.method],
                [
                    ("", request[.methodAutomatic]), ("m3c2", "M3C2"), ("c2c", "C2C"), ("c2m", "C2M"),
                    ("photo", request[.methodPhoto]),
                ], hint: request[.methodHint])
            form.options(
                &html, "align", request[.alignment], [("none", request[.alignNone]), ("icp", "ICP")],
                hint: request[.alignHint])
            html.element("fieldset") { html in
                html.element("legend", request[.parameters])
                html.element("p", request[.parametersHint], ["class": "hint"])
                for (name, label, hint) in Self.parameters {
                    form.input(
                        &html, name, request[label], type: "number", hint: request[hint], step: "any",
                        placeholder: request[.automatic])
                }
                form.input(&html, "units", request[.units], hint: request[.unitsHint], placeholder: "m")
            }
            html.element("button", request[.startComparison], ["type": "submit"])
        }
    }

    /// The job's request from the form; refusals at their fields.
    static func request(from form: inout FormSubmission) -> ComparisonJobRequest? {
        let before = form.required("before")
        let after = form.required("after")
        var parameters = ComparisonRequest()
        parameters.method = form.first("method")
        parameters.align = form.first("align")
        parameters.units = form.first("units")
        func number(_ name: String) -> Double? {
            guard let text = form.first(name) else { return nil }
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
                form.errors[name] = form.page[.notANumber]
                return nil
            }
            return value
        }
        parameters.normalRadius = number("normalRadius").map { [$0] }
        parameters.cylinderRadius = number("cylinderRadius")
        parameters.cylinderHalfLength = number("cylinderHalfLength")
        parameters.coreSpacing = number("coreSpacing")
        parameters.registrationError = number("registrationError")
        parameters.threshold = number("threshold")
        guard form.errors.isEmpty, let before, let after else { return nil }
        return ComparisonJobRequest(before: before, after: after, parameters: parameters)
    }

    /// Where a refusal of the job's check belongs.
    static func field(of message: String) -> String {
        let fields = [
            "normalRadius", "cylinderRadius", "cylinderHalfLength", "coreSpacing", "registrationError", "threshold",
            "method", "align", "units",
        ]
        if message.contains("same version") || message.contains("another site") { return "after" }
        return fields.first { message.contains($0) } ?? "form"
    }
}

/// `/jobs/{id}`: a comparison as it runs (stage and percentage, moved live by `job.js` from
/// the job's events, or by reloading without script) and, when it ends, what came of it.
struct JobPageView {
    let request: WebRequest
    let view: JobView
    /// The site's code, for links back.
    let siteCode: String

    var isFinished: Bool { view.job.status.isFinished }

    func write(_ html: inout HTMLWriter) {
        let request = request
        let job = view.job
        html.element("div", ["id": "job", "data-job": job.id, "data-finished": isFinished ? "true" : "false"]) {
            html in
            html.element("dl", ["class": "facts"]) { html in
                html.element("dt", request[.code])
                html.element("dd") { $0.element("a", siteCode, ["href": "/sites/\(pathSegment(siteCode))"]) }
                if let asked = view.request {
                    html.element("dt", request[.beforeEpoch])
                    html.element("dd", asked.before)
                    html.element("dt", request[.afterEpoch])
                    html.element("dd", asked.after)
                }
                html.element("dt", request[.proposedBy])
                html.element("dd", "\(job.requestedBy), \(job.requestedAt)")
                html.element("dt", request[.status])
                html.element("dd", statusLabel(job.status), ["id": "job-status"])
                html.element("dt", request[.stage])
                html.element("dd", job.stage ?? "", ["id": "job-stage"])
            }
            html.element("label", request[.progress], ["for": "job-progress"])
            html.element(
                "progress", "\(view.percent) %",
                ["id": "job-progress", "max": "100", "value": "\(view.percent)", "aria-describedby": "job-stage"])
            html.element("p", "\(view.percent) %", ["id": "job-percent", "aria-live": "polite"])
            if let error = job.error { html.element("p", error, ["class": "error", "role": "alert"]) }
        }
        if job.status == .succeeded, job.findingID != nil {
            html.element("p", request[.comparisonDone], ["class": "ok"])
            html.element("p") { html in
                html.element("a", request[.findings], ["href": "/sites/\(pathSegment(siteCode))#findings"])
            }
        }
        if !isFinished, let token = request.formToken {
            html.element("form", ["method": "post", "action": "/jobs/\(job.id)/cancel"]) { html in
                html.open("input", ["type": "hidden", "name": "csrf", "value": token])
                html.element("button", request[.cancel], ["type": "submit", "class": "secondary"])
            }
        }
    }

    func statusLabel(_ status: Job.Status) -> String {
        switch status {
        case .queued: request[.jobQueued]
        case .running: request[.jobRunning]
        case .succeeded: request[.jobSucceeded]
        case .failed: request[.jobFailed]
        case .cancelled: request[.jobCancelled]
        }
    }
}
