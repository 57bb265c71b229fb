import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// A form about one site (``AssessmentFormView``, ``SurveyFormView``): made from what was sent
/// and the refusals found, each shown at its field.
protocol SiteForm {
    init(request: WebRequest, site: Site, values: [String: [String]], errors: [String: String])
    func write(_ html: inout HTMLWriter)
    /// What the form shows before anything is sent (drafted from the page's query).
    static func initialValues(_ query: Parameters, site: Site, store: HeritageArchive) throws -> [String: [String]]
}

extension SiteForm {
    static func initialValues(_ query: Parameters, site: Site, store: HeritageArchive) throws -> [String: [String]] {
        [:]
    }
}

extension AssessmentFormView: SiteForm {
    /// With `?finding=ID`, the assessment drafted from that comparison (as `condition add
    /// --from-finding` drafts it): its date, activity, extent and effects; the finding goes
    /// with the form, to be the proposal's evidence and cited in its notes.
    static func initialValues(_ query: Parameters, site: Site, store: HeritageArchive) throws -> [String: [String]] {
        guard let reference = query.get("finding"), !reference.isEmpty else { return [:] }
        var statement = AssessmentStatement(assessor: "draft", condition: .unknown, certainty: .medium)
        statement.site = site.id
        let (draft, finding) = try store.draftAssessment(statement, fromFinding: reference)
        return [
            "finding": [finding?.id ?? reference], "date": [draft.date], "activity": [draft.activity.rawValue],
            "damageExtent": [draft.damageExtent.rawValue], "effects": draft.effects.map(\.rawValue),
        ]
    }
}

extension SurveyFormView: SiteForm {}

/// What a form sent, and what was refused in it, by field (`form` for the whole form).
struct FormSubmission {
    let page: WebRequest
    let values: [String: [String]]
    var errors: [String: String] = [:]

    /// The field's first value, nil when absent or empty.
    func first(_ name: String) -> String? { values[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }

    /// The field's value; refused when absent.
    mutating func required(_ name: String) -> String? {
        guard let value = first(name) else {
            errors[name] = page[.required]
            return nil
        }
        return value
    }

    /// The field's vocabulary term; refused when it names none (or, if required, is absent).
    mutating func term<Term: VocabularyTerm>(_ name: String, _ type: Term.Type, required: Bool = false) -> Term? {
        guard let value = required ? self.required(name) : first(name) else { return nil }
        do { return try Term.parse(value) } catch {
            errors[name] = "\(error)"
            return nil
        }
    }

    /// A refusal of the store, at the first of `fields` its message names, else at the top.
    mutating func refused(_ error: HeritageStoreError, fields: [String]) {
        errors[fields.first { error.message.contains($0) } ?? "form"] = error.message
    }
}

/// The surveyors' forms: a condition assessment proposed for review, and a survey recorded.
extension WebRoutes {
    func addForms(to router: RouterGroup<HeritageRequestContext>) {
        addSiteForm(AssessmentFormView.self, to: router, path: "assess", title: .assessTitle) {
            form, account, site in
            let condition = form.term("overallCondition", OverallCondition.self, required: true)
            let certainty = form.term("certainty", Certainty.self, required: true)
            _ = form.term("activity", AssessmentActivity.self, required: true)
            _ = form.term("damageExtent", DamageExtent.self)
            _ = form.term("causeCategory", DisturbanceCategory.self)
            _ = form.term("causeType", DisturbanceType.self)
            _ = form.required("date")
            for effect in form.values["effects"] ?? [] where (try? DisturbanceEffect.parse(effect)) == nil {
                form.errors["effects"] = "unknown effect '\(effect)'"
            }
            guard form.errors.isEmpty, let condition, let certainty else { return }
            let input = ProposalRoutes.AssessmentInput(
                overallCondition: condition.rawValue, certainty: certainty.rawValue, date: form.first("date"),
                activity: form.first("activity"), damageExtent: form.first("damageExtent"),
                causeCategory: form.first("causeCategory"), causeType: form.first("causeType"),
                effects: form.values["effects"], notes: form.first("notes"), finding: form.first("finding"),
                note: form.first("note"))
            do {
                try await pool.run {
                    let draft = try ProposalRoutes.assessmentProposal(
                        input, site: site.id, account: account, store: store)
                    _ = try store.propose(draft, actor: account.name)
                }
            } catch let error as HeritageStoreError {
                form.refused(error, fields: ["date", "activity", "certainty", "effects"])
            }
        }
        addSiteForm(SurveyFormView.self, to: router, path: "survey", title: .surveyTitle) { form, account, site in
            let start = form.required("startDate")
            let method = form.term("method", SurveyMethod.self, required: true)
            guard form.errors.isEmpty, let start, let method else { return }
            let team = (form.first("team") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            let draft = Survey(
                siteID: site.id, startDate: start, endDate: form.first("endDate"), team: team, method: method,
                notes: form.first("notes"))
            do {
                _ = try await pool.run { try store.addSurvey(draft, actor: account.name) }
            } catch let error as HeritageStoreError {
                form.refused(error, fields: ["endDate", "startDate"])
            }
        }
    }

    /// `GET /sites/{code}/PATH` shows the form to surveyors; `POST` checks its token and hands
    /// what was sent to `submit`, which stores it or adds refusals. Stored: 303 to the site's
    /// page. Refused: the form again (400, or 403 for an expired token), each refusal at its
    /// field and the answers kept.
    func addSiteForm<Form: SiteForm>(
        _ form: Form.Type, to router: RouterGroup<HeritageRequestContext>, path: String, title: UIText,
        submit: @escaping @Sendable (inout FormSubmission, Account, Site) async throws -> Void
    ) {
        router.get("/sites/{code}/\(path)") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .surveyor) != nil else {
                return refusal(page, context, title: page[title])
            }
            let code = try context.parameters.require("code")
            let query = request.uri.queryParameters
            let (site, values) = try await pool.run { () throws -> (Site, [String: [String]]) in
                let site = try store.requireSite(code)
                return (site, try Form.initialValues(query, site: site, store: store))
            }
            return WebPage.render("\(page[title]): \(site.code)", page) { html in
                Form(request: page, site: site, values: values, errors: [:]).write(&html)
            }
        }
        router.post("/sites/{code}/\(path)") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .surveyor) else {
                return refusal(page, context, title: page[title])
            }
            let code = try context.parameters.require("code")
            let site = try await pool.run { try store.requireSite(code) }
            var submission = FormSubmission(page: page, values: try await formValues(request))
            if tokens.check(submission.first("csrf"), session: secret) {
                try await submit(&submission, account, site)
                if submission.errors.isEmpty { return WebPage.redirect("/sites/\(pathSegment(site.code))") }
            } else {
                submission.errors["form"] = page[.formExpired]
            }
            let errors = submission.errors
            let status: HTTPResponse.Status = errors["form"] == page[.formExpired] ? .forbidden : .badRequest
            return WebPage.render("\(page[title]): \(site.code)", page, status: status) { html in
                if let message = errors["form"] { html.element("p", message, ["class": "error", "role": "alert"]) }
                Form(request: page, site: site, values: submission.values, errors: errors).write(&html)
            }
        }
    }
}
