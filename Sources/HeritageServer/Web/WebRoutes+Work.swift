import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// The surveyors' work on a site's evidence: uploading scans and photographs
/// (`/sites/{code}/upload`), and launching a comparison (`/sites/{code}/compare`) then following
/// it (`/jobs/{id}`), through the same operations as the API's.
extension WebRoutes {
    func addUpload(to router: RouterGroup<HeritageRequestContext>) {
        router.get("/sites/{code}/upload") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .surveyor) != nil else {
                return refusal(page, context, title: page[.uploadTitle])
            }
            let code = try context.parameters.require("code")
            let (site, surveys) = try await pool.run { () throws -> (Site, [Survey]) in
                let site = try store.requireSite(code)
                return (site, try store.surveys(ofSite: site.id))
            }
            return WebPage.render("\(page[.uploadTitle]): \(site.code)", page, scripts: ["upload.js"]) { html in
                UploadFormView(request: page, site: site, surveys: surveys).write(&html)
            }
        }
        // Without script: the form's files in one request, stored together or not at all.
        router.post("/sites/{code}/upload") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .surveyor) else {
                return refusal(page, context, title: page[.uploadTitle])
            }
            let code = try context.parameters.require("code")
            let (site, surveys) = try await pool.run { () throws -> (Site, [Survey]) in
                let site = try store.requireSite(code)
                return (site, try store.surveys(ofSite: site.id))
            }
            var shown = UploadFormView(request: page, site: site, surveys: surveys)
            var status: HTTPResponse.Status = .ok
            do {
                guard let boundary = try UploadRoutes.formBoundary(request.headers[.contentType]) else {
                    throw APIError(.badRequest, "the form must be sent as multipart/form-data")
                }
                let (imported, _) = try await uploads.importForm(
                    request.body, boundary: boundary, site: site.id, query: request.uri.queryParameters,
                    account: account
                ) { fields in
                    guard tokens.check(fields["csrf"], session: secret) else {
                        throw APIError(.forbidden, page[.formExpired])
                    }
                }
                shown.stored = imported.map { "\($0.file) → @\($0.version)" }
            } catch let error as APIError {
                shown.error = error.message
                status = error.status
            } catch let error as HeritageStoreError {
                shown.error = error.message
                status = ErrorMiddleware.status(of: error.code)
            }
            return WebPage.render("\(page[.uploadTitle]): \(site.code)", page, status: status, scripts: ["upload.js"]) {
                shown.write(&$0)
            }
        }
    }

    func addComparisons(to router: RouterGroup<HeritageRequestContext>) {
        router.get("/sites/{code}/compare") { request, context in
            try await comparePage(request, context, submission: nil)
        }
        router.post("/sites/{code}/compare") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .surveyor) else {
                return refusal(page, context, title: page[.compareTitle])
            }
            let code = try context.parameters.require("code")
            var form = FormSubmission(page: page, values: try await formValues(request))
            guard tokens.check(form.first("csrf"), session: secret) else {
                form.errors["form"] = page[.formExpired]
                return try await comparePage(request, context, submission: form, status: .forbidden)
            }
            if let asked = CompareFormView.request(from: &form) {
                do {
                    let site = try await pool.run { try store.requireSite(code) }
                    let job = try await jobs.launch(asked, site: site.id, account: account)
                    return WebPage.redirect("/jobs/\(job.id)")
                } catch let error as HeritageStoreError {
                    form.errors[CompareFormView.field(of: error.message)] = error.message
                } catch let error as APIError {
                    form.errors[CompareFormView.field(of: error.message)] = error.message
                }
            }
            return try await comparePage(request, context, submission: form, status: .badRequest)
        }
        router.get("/jobs/{id}") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .surveyor) != nil else {
                return refusal(page, context, title: page[.jobTitle])
            }
            let id = try context.parameters.require("id")
            let (job, site) = try await pool.run { () throws -> (Job, Site) in
                let job = try store.job(id)
                return (job, try store.requireSite(job.siteID))
            }
            let view = JobPageView(request: page, view: jobs.runner.view(job), siteCode: site.code)
            return WebPage.render(
                "\(page[.jobTitle]): \(site.code)", page, scripts: view.isFinished ? [] : ["job.js"],
                refreshWithoutScript: view.isFinished ? nil : 3
            ) { view.write(&$0) }
        }
        router.post("/jobs/{id}/cancel") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .surveyor) else {
                return refusal(page, context, title: page[.jobTitle])
            }
            let id = try context.parameters.require("id")
            let fields = try await formFields(request)
            guard tokens.check(fields["csrf"], session: secret) else {
                throw APIError(.forbidden, page[.formExpired])
            }
            let job = try await jobs.cancel(id, account: account)
            return WebPage.redirect("/jobs/\(job.id)")
        }
    }

    /// The comparison form, empty or as sent with its refusals.
    private func comparePage(
        _ request: Request, _ context: HeritageRequestContext, submission: FormSubmission?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = web(request, context)
        guard signedIn(request, context, as: .surveyor) != nil else {
            return refusal(page, context, title: page[.compareTitle])
        }
        let code = try context.parameters.require("code")
        let cleared = context.mayReadRestricted
        let text = try await pool.run { () throws -> String in
            let (site, release) = try SitePage.assemble(code, from: store, includeRestricted: cleared)
            let form = CompareFormView(
                request: page, site: site.site, versions: CompareFormView.versions(of: site),
                values: submission?.values ?? [:], errors: submission?.errors ?? [:])
            let html = WebPage.document("\(page[.compareTitle]): \(site.site.code)", page) { html in
                if let message = submission?.errors["form"] {
                    html.element("p", message, ["class": "error", "role": "alert"])
                }
                form.write(&html)
            }
            return try release.checked(html, of: release.site)
        }
        return WebPage.respond(text, page, status: status)
    }
}
