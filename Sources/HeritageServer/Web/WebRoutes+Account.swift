import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// `/account`: who is signed in, with what role and clearance; a form to change the password
/// (the current one checked, and slowed down after failures as sign-in is) and one to issue an
/// API token for scripts, shown once.
extension WebRoutes {
    func addAccount(to router: RouterGroup<HeritageRequestContext>) {
        router.get("/account") { request, context in
            let page = web(request, context)
            guard let (account, _) = signedIn(request, context, as: .viewer) else { return refusal(page, context) }
            return accountPage(page, account)
        }
        router.post("/account/password") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .viewer) else { return refusal(page, context) }
            var form = FormSubmission(page: page, values: try await formValues(request))
            guard tokens.check(form.first("csrf"), session: secret) else {
                return accountPage(page, account, passwordForm: ["form": page[.formExpired]], status: .forbidden)
            }
            let current = form.required("current") ?? ""
            let new = form.required("new")
            if let new, form.first("repeat") != new { form.errors["repeat"] = page[.passwordsDiffer] }
            if await auth.throttle.wait(for: account.name) != nil { form.errors["current"] = page[.signInThrottled] }
            if form.errors.isEmpty, let new {
                let name = account.name
                if try await pool.run({ try store.signIn(name: name, password: current) }) == nil {
                    await auth.throttle.failed(name)
                    form.errors["current"] = page[.wrongPassword]
                } else {
                    await auth.throttle.succeeded(name)
                    do {
                        try await pool.run { try store.changePassword(of: name, to: new, actor: name) }
                        return accountPage(page, account, notice: page[.passwordChanged])
                    } catch let error as HeritageStoreError {
                        form.errors["new"] = error.message
                    }
                }
            }
            return accountPage(page, account, passwordForm: form.errors, status: .badRequest)
        }
        router.post("/account/token") { request, context in
            let page = web(request, context)
            guard let (account, secret) = signedIn(request, context, as: .viewer) else { return refusal(page, context) }
            var form = FormSubmission(page: page, values: try await formValues(request))
            guard tokens.check(form.first("csrf"), session: secret) else {
                return accountPage(page, account, tokenForm: ["form": page[.formExpired]], status: .forbidden)
            }
            guard let label = form.required("label") else {
                return accountPage(page, account, tokenForm: form.errors, status: .badRequest)
            }
            let name = account.name
            let token = try await pool.run { try store.issueToken(for: name, label: label, actor: name) }
            return accountPage(page, account, issuedToken: token)
        }
    }

    func accountPage(
        _ page: WebRequest, _ account: Account, notice: String? = nil, passwordForm: [String: String] = [:],
        tokenForm: [String: String] = [:], issuedToken: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        WebPage.render(page[.accountTitle], page, status: status) { html in
            if let notice { html.element("p", notice, ["class": "ok", "role": "status"]) }
            html.element("dl", ["class": "facts"]) { html in
                html.element("dt", page[.username])
                html.element("dd", account.name)
                html.element("dt", page[.role])
                html.element("dd", account.role.rawValue)
                html.element("dt", page[.clearance])
                html.element("dd", account.restrictedAccess ? page[.clearanceYes] : page[.clearanceNo])
            }
            html.element("h2", page[.changePassword])
            let password = FormWriter(request: page, errors: passwordForm)
            html.element("form", ["method": "post", "action": "/account/password", "class": "stack"]) { html in
                if let message = passwordForm["form"] {
                    html.element("p", message, ["class": "error", "role": "alert"])
                }
                html.open("input", ["type": "hidden", "name": "csrf", "value": page.formToken ?? ""])
                password.input(&html, "current", page[.currentPassword], type: "password", required: true)
                password.input(&html, "new", page[.newPassword], type: "password", required: true)
                password.input(&html, "repeat", page[.repeatPassword], type: "password", required: true)
                html.element("button", page[.changePassword], ["type": "submit"])
            }
            html.element("h2", page[.apiToken])
            if let issuedToken {
                html.element("p", page[.tokenShownOnce], ["role": "status"])
                html.element("p") { $0.element("code", issuedToken, ["class": "token"]) }
            }
            let token = FormWriter(request: page, errors: tokenForm)
            html.element("form", ["method": "post", "action": "/account/token", "class": "stack"]) { html in
                if let message = tokenForm["form"] { html.element("p", message, ["class": "error", "role": "alert"]) }
                html.open("input", ["type": "hidden", "name": "csrf", "value": page.formToken ?? ""])
                token.input(&html, "label", page[.tokenLabel], required: true)
                html.element("button", page[.issueToken], ["type": "submit"])
            }
        }
    }
}
