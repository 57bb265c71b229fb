import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// Surveyors add and edit sites from a form (`/sites/new`, `/sites/{code}/edit`); either is
/// sent to review as a proposal, as `POST /api/sites` and `PATCH /api/sites/{code}` are, and
/// the surveyor is taken to their proposals (`/proposals`), where its fate is shown.
extension WebRoutes {
    func addSiteForms(to router: RouterGroup<HeritageRequestContext>) {
        router.get("/sites/new") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .surveyor) != nil else {
                return refusal(page, context, title: page[.newSiteTitle])
            }
            return WebPage.render(page[.newSiteTitle], page) { html in
                SiteFormView(request: page, site: nil, values: ["sensitivity": ["public"]]).write(&html)
            }
        }
        router.post("/sites/new") { request, context in
            try await submitSite(request, context, code: nil)
        }
        router.get("/sites/{code}/edit") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .surveyor) != nil else {
                return refusal(page, context, title: page[.editSiteTitle])
            }
            let code = try context.parameters.require("code")
            let cleared = context.mayReadRestricted
            let text = try await pool.run { () throws -> String in
                let release = try store.release(ofSite: code, includeRestricted: cleared)
                let site = release.releasedSite
                let asksPosition = cleared || site.sensitivity == .public
                let form = SiteFormView(
                    request: page, site: site, values: SiteFormView.values(of: site, withPosition: asksPosition),
                    asksPosition: asksPosition)
                let html = WebPage.document("\(page[.editSiteTitle]): \(site.code)", page) { form.write(&$0) }
                return try release.checked(html, of: release.site)
            }
            return WebPage.respond(text, page)
        }
        router.post("/sites/{code}/edit") { request, context in
            try await submitSite(request, context, code: try context.parameters.require("code"))
        }
        router.get("/proposals") { request, context in
            let page = web(request, context)
            guard let (account, _) = signedIn(request, context, as: .surveyor) else {
                return refusal(page, context, title: page[.proposalsTitle])
            }
            let cleared = context.mayReadRestricted
            let proposals = try await pool.run {
                try store.proposals(status: nil, site: nil, proposedBy: account.name, limit: 200, offset: 0)
                    .map { try store.released($0, includeRestricted: cleared) }
            }
            let sent = request.uri.queryParameters.get("sent")
            return WebPage.render(page[.proposalsTitle], page) { html in
                ProposalListView(request: page, proposals: proposals, sent: sent).write(&html)
            }
        }
    }

    /// A site form sent: the proposal stored and 303 to `/proposals`, or the form again with
    /// its refusals (400; 403 when its token had expired).
    private func submitSite(_ request: Request, _ context: HeritageRequestContext, code: String?) async throws
        -> Response
    {
        let page = web(request, context)
        let title = code == nil ? page[.newSiteTitle] : page[.editSiteTitle]
        guard let (account, secret) = signedIn(request, context, as: .surveyor) else {
            return refusal(page, context, title: title)
        }
        let cleared = context.mayReadRestricted
        var base: Site? = nil
        if let code { base = try await pool.run { try store.requireSite(code) } }
        // Without clearance, a restricted site's position (and so its sensitivity, which would
        // publish it) is neither shown nor taken.
        let asksPosition = base == nil || cleared || base?.sensitivity == .public
        var reader = SiteFormReader(
            submission: FormSubmission(page: page, values: try await formValues(request)), base: base,
            asksPosition: asksPosition)
        var status: HTTPResponse.Status = .badRequest
        if !tokens.check(reader.submission.first("csrf"), session: secret) {
            reader.submission.errors["form"] = page[.formExpired]
            status = .forbidden
        } else if var site = reader.site() {
            if !asksPosition, let base { site.sensitivity = base.sensitivity }
            let draft = Proposal(
                kind: base == nil ? .siteCreate : .siteUpdate, siteID: site.id, site: site, evidence: [],
                note: reader.submission.first("note"), proposedBy: account.name)
            do {
                let proposal = try await pool.run { try store.propose(draft, actor: account.name) }
                return WebPage.redirect("/proposals?sent=\(proposal.id)")
            } catch let error as HeritageStoreError {
                reader.submission.errors[SiteFormReader.field(of: error.message, values: reader.submission.values)] =
                    error.message
            }
        }
        let submission = reader.submission
        let shown = base.map { site in
            // What the form shows of the site edited is what this reader may see of it.
            var released = site
            if !asksPosition { released.location = SiteLocation(latitude: 0, longitude: 0) }
            return released
        }
        let form = SiteFormView(
            request: page, site: shown, values: submission.values, errors: submission.errors,
            asksPosition: asksPosition)
        return WebPage.render(title + (shown.map { ": \($0.code)" } ?? ""), page, status: status) { html in
            if let message = submission.errors["form"] {
                html.element("p", message, ["class": "error", "role": "alert"])
            }
            form.write(&html)
        }
    }
}

/// `/proposals`: the signed-in surveyor's proposals, newest first, each with its fate (pending,
/// or approved or rejected, by whom and why).
struct ProposalListView {
    let request: WebRequest
    let proposals: [Proposal]
    /// The proposal just sent, announced at the top.
    var sent: String?

    func write(_ html: inout HTMLWriter) {
        let request = request
        if let sent, proposals.contains(where: { $0.id == sent }) {
            html.element("p", request[.proposalSent], ["class": "notice", "role": "status"])
        }
        if request.account.map({ $0.role >= .reviewer }) == true {
            html.element("p") { $0.element("a", request[.reviewTitle], ["href": "/review"]) }
        }
        guard !proposals.isEmpty else {
            html.element("p", request[.noProposals])
            return
        }
        let review = ReviewView(request: request, items: [])
        html.table(
            [
                request[.date], request[.kind], request[.code], request[.noteToReviewer], request[.status],
                request[.decidedBy], request[.reasonGiven],
            ],
            proposals.map { proposal in
                let code = proposal.site?.code ?? proposal.siteID
                return [
                    { $0.text(proposal.proposedAt) },
                    { $0.text(review.kindLabel(proposal.kind)) },
                    { html in
                        if proposal.kind == .siteCreate && proposal.status != .approved {
                            html.element("span", code, ["dir": "auto"])
                        } else {
                            html.element("a", code, ["href": "/sites/\(pathSegment(code))", "dir": "auto"])
                        }
                    },
                    { $0.element("span", proposal.note ?? "", ["dir": "auto"]) },
                    { $0.text(statusLabel(proposal.status)) },
                    { $0.text(proposal.decidedBy ?? "") },
                    { $0.element("span", proposal.reason ?? "", ["dir": "auto"]) },
                ]
            })
    }

    func statusLabel(_ status: Proposal.Status) -> String {
        switch status {
        case .pending: request[.statusPending]
        case .approved: request[.statusApproved]
        case .rejected: request[.statusRejected]
        }
    }
}
