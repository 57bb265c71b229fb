import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// The reviewers' pages: the queue of proposals, and the audit log.
extension WebRoutes {
    /// `/review`: the pending proposals, for reviewers; `POST /review/{id}` decides one.
    func addReview(to router: RouterGroup<HeritageRequestContext>) {
        router.get("/review") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .reviewer) != nil else { return refusal(page, context) }
            return try await reviewPage(page, includeRestricted: context.mayReadRestricted)
        }
        router.post("/review/{id}") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .reviewer) else {
                return refusal(page, context)
            }
            let id = try context.parameters.require("id")
            let fields = try await formFields(request)
            guard tokens.check(fields["csrf"], session: secret) else {
                return try await reviewPage(
                    page, includeRestricted: context.mayReadRestricted, failure: (id, page[.formExpired]),
                    status: .forbidden)
            }
            let approve = fields["decision"] == "approve"
            let reason = fields["reason"]
            do {
                _ = try await pool.run {
                    try store.decide(proposal: id, approve: approve, reason: reason, actor: account.name)
                }
            } catch let error as HeritageStoreError {
                let status: HTTPResponse.Status =
                    switch error.code {
                    case .notFound: .notFound
                    case .invalidInput: .badRequest
                    case .notPermitted: .forbidden
                    default: .conflict
                    }
                return try await reviewPage(
                    page, includeRestricted: context.mayReadRestricted, failure: (id, error.message), status: status)
            }
            return WebPage.redirect("/review")
        }
    }

    func reviewPage(
        _ page: WebRequest, includeRestricted: Bool, failure: (id: String, message: String)? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let items = try await pool.run {
            try store.proposals(status: .pending, site: nil, proposedBy: nil, limit: 50, offset: 0).map { proposal in
                ReviewView.Item(
                    proposal: try store.released(proposal, includeRestricted: includeRestricted),
                    current: try store.site(proposal.siteID).map {
                        try store.release(ofSite: $0.id, includeRestricted: includeRestricted).releasedSite
                    })
            }
        }
        return WebPage.render(page[.reviewTitle], page, status: status) { html in
            ReviewView(request: page, items: items, failure: failure).write(&html)
        }
    }

    /// `/audit` (reviewers): the audit log a page at a time, newest first, filtered by entity,
    /// actor or action, with the chain's state.
    func addAudit(to router: RouterGroup<HeritageRequestContext>) {
        router.get("/audit") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .reviewer) != nil else {
                return refusal(page, context, title: page[.auditTitle])
            }
            let query = request.uri.queryParameters
            let events = try await audit.page(query, includeRestricted: context.mayReadRestricted)
            return WebPage.render(page[.auditTitle], page) { html in
                AuditView(request: page, query: query, page: events).write(&html)
            }
        }
    }
}
