import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// The surveyors' forms: a condition assessment proposed for review, and a survey recorded.
extension WebRoutes {
    /// `/sites/{code}/assess` (surveyors): a condition assessment proposed from a form.
    func addAssessmentForm(to router: RouterGroup<HeritageRequestContext>) {
        router.get("/sites/{code}/assess") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .surveyor) != nil else {
                return refusal(page, context, title: page[.assessTitle])
            }
            let code = try context.parameters.require("code")
            let site = try await pool.run { try store.requireSite(code) }
            return WebPage.render("\(page[.assessTitle]): \(site.code)", page) { html in
                AssessmentFormView(request: page, site: site).write(&html)
            }
        }
        router.post("/sites/{code}/assess") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .surveyor) else {
                return refusal(page, context, title: page[.assessTitle])
            }
            let code = try context.parameters.require("code")
            let site = try await pool.run { try store.requireSite(code) }
            let values = try await formValues(request)
            func first(_ name: String) -> String? { values[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }
            var errors: [String: String] = [:]
            func check<Term: VocabularyTerm>(_ name: String, _ type: Term.Type, required: Bool = false) {
                guard let value = first(name) else {
                    if required { errors[name] = page[.required] }
                    return
                }
                do { _ = try Term.parse(value) } catch { errors[name] = "\(error)" }
            }
            check("overallCondition", OverallCondition.self, required: true)
            check("certainty", Certainty.self, required: true)
            check("activity", AssessmentActivity.self, required: true)
            check("damageExtent", DamageExtent.self)
            check("causeCategory", DisturbanceCategory.self)
            check("causeType", DisturbanceType.self)
            if first("date") == nil { errors["date"] = page[.required] }
            for effect in values["effects"] ?? [] where (try? DisturbanceEffect.parse(effect)) == nil {
                errors["effects"] = "unknown effect '\(effect)'"
            }
            if !tokens.check(first("csrf"), session: secret) { errors["form"] = page[.formExpired] }
            if errors.isEmpty {
                let input = ProposalRoutes.AssessmentInput(
                    overallCondition: first("overallCondition") ?? "", certainty: first("certainty") ?? "",
                    date: first("date"), activity: first("activity"), damageExtent: first("damageExtent"),
                    causeCategory: first("causeCategory"), causeType: first("causeType"), effects: values["effects"],
                    notes: first("notes"), note: first("note"))
                do {
                    try await pool.run {
                        let draft = try ProposalRoutes.assessmentProposal(
                            input, site: site.id, account: account, store: store)
                        _ = try store.propose(draft, actor: account.name)
                    }
                    return WebPage.redirect("/sites/\(pathSegment(site.code))")
                } catch let error as HeritageStoreError {
                    // At the field the message names, else at the top of the form.
                    let field = ["date", "activity", "certainty", "effects"].first { error.message.contains($0) }
                    errors[field ?? "form"] = error.message
                }
            }
            let status: HTTPResponse.Status = errors["form"] == page[.formExpired] ? .forbidden : .badRequest
            return WebPage.render("\(page[.assessTitle]): \(site.code)", page, status: status) { html in
                if let message = errors["form"] { html.element("p", message, ["class": "error", "role": "alert"]) }
                AssessmentFormView(request: page, site: site, values: values, errors: errors).write(&html)
            }
        }
    }

    /// `/sites/{code}/survey` (surveyors): records a survey, in the surveyor's name.
    func addSurveyForm(to router: RouterGroup<HeritageRequestContext>) {
        router.get("/sites/{code}/survey") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .surveyor) != nil else {
                return refusal(page, context, title: page[.surveyTitle])
            }
            let code = try context.parameters.require("code")
            let site = try await pool.run { try store.requireSite(code) }
            return WebPage.render("\(page[.surveyTitle]): \(site.code)", page) { html in
                SurveyFormView(request: page, site: site).write(&html)
            }
        }
        router.post("/sites/{code}/survey") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .surveyor) else {
                return refusal(page, context, title: page[.surveyTitle])
            }
            let code = try context.parameters.require("code")
            let site = try await pool.run { try store.requireSite(code) }
            let values = try await formValues(request)
            func first(_ name: String) -> String? { values[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }
            var errors: [String: String] = [:]
            if first("startDate") == nil { errors["startDate"] = page[.required] }
            var method: SurveyMethod?
            if let text = first("method") {
                do { method = try SurveyMethod.parse(text) } catch { errors["method"] = "\(error)" }
            } else {
                errors["method"] = page[.required]
            }
            if !tokens.check(first("csrf"), session: secret) { errors["form"] = page[.formExpired] }
            if errors.isEmpty, let method, let start = first("startDate") {
                let team = (first("team") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
                let draft = Survey(
                    siteID: site.id, startDate: start, endDate: first("endDate"), team: team, method: method,
                    notes: first("notes"))
                do {
                    _ = try await pool.run { try store.addSurvey(draft, actor: account.name) }
                    return WebPage.redirect("/sites/\(pathSegment(site.code))")
                } catch let error as HeritageStoreError {
                    let field = ["endDate", "startDate", "date"].first { error.message.contains($0) }
                    errors[field.map { $0 == "date" ? "startDate" : $0 } ?? "form"] = error.message
                }
            }
            let status: HTTPResponse.Status = errors["form"] == page[.formExpired] ? .forbidden : .badRequest
            return WebPage.render("\(page[.surveyTitle]): \(site.code)", page, status: status) { html in
                if let message = errors["form"] { html.element("p", message, ["class": "error", "role": "alert"]) }
                SurveyFormView(request: page, site: site, values: values, errors: errors).write(&html)
            }
        }
    }
}
