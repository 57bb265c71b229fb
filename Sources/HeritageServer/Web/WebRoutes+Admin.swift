import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// `/admin/users` (administrators): every account with its role, clearance and state, each
/// changed from its row; a form to add an account with a first password. Every change is the
/// store's, audited in the administrator's name. An administrator cannot disable or demote
/// themselves, nor take away their own clearance: an archive is never left without one.
extension WebRoutes {
    func addAdmin(to router: RouterGroup<HeritageRequestContext>) {
        router.get("/admin/users") { request, context in
            let page = web(request, context)
            guard signedIn(request, context, as: .admin) != nil else {
                return refusal(page, context, title: page[.usersTitle])
            }
            return try await usersPage(page, notice: request.uri.queryParameters.get("done").map { _ in page[.saved] })
        }
        router.post("/admin/users") { request, context in
            let page = web(request, context)
            guard let (admin, secret) = signedIn(request, context, as: .admin) else {
                return refusal(page, context, title: page[.usersTitle])
            }
            var form = FormSubmission(page: page, values: try await formValues(request))
            guard tokens.check(form.first("csrf"), session: secret) else {
                form.errors["form"] = page[.formExpired]
                return try await usersPage(page, addForm: form, status: .forbidden)
            }
            let name = form.required("name")
            let role = Self.role(&form)
            let password = form.required("password")
            if let password, form.first("repeat") != password { form.errors["repeat"] = page[.passwordsDiffer] }
            if form.errors.isEmpty, let name, let role, let password {
                let cleared = form.first("clearance") == "yes"
                do {
                    _ = try await pool.run {
                        try store.createAccount(
                            name: name, role: role, restrictedAccess: cleared, password: password, actor: admin.name)
                    }
                    return WebPage.redirect("/admin/users?done=\(pathSegment(name))")
                } catch let error as HeritageStoreError {
                    form.errors[error.message.contains("password") ? "password" : "name"] = error.message
                }
            }
            return try await usersPage(page, addForm: form, status: .badRequest)
        }
        router.post("/admin/users/{name}") { request, context in
            let page = web(request, context)
            guard let (admin, secret) = signedIn(request, context, as: .admin) else {
                return refusal(page, context, title: page[.usersTitle])
            }
            let name = try context.parameters.require("name")
            var form = FormSubmission(page: page, values: try await formValues(request))
            guard tokens.check(form.first("csrf"), session: secret) else {
                return try await usersPage(page, rowError: (name, page[.formExpired]), status: .forbidden)
            }
            let role = Self.role(&form)
            let cleared = form.first("clearance") == "yes"
            let disabled = form.first("state") == "disabled"
            if name.lowercased() == admin.name.lowercased(),
                role != .admin || disabled || !cleared && admin.restrictedAccess
            {
                return try await usersPage(page, rowError: (name, page[.notYourself]), status: .badRequest)
            }
            guard let role else {
                return try await usersPage(page, rowError: (name, form.errors["role"] ?? ""), status: .badRequest)
            }
            do {
                _ = try await pool.run {
                    try store.updateAccount(
                        named: name, role: role, restrictedAccess: cleared, disabled: disabled, actor: admin.name)
                }
            } catch let error as HeritageStoreError {
                return try await usersPage(page, rowError: (name, error.message), status: .badRequest)
            }
            return WebPage.redirect("/admin/users?done=\(pathSegment(name))")
        }
    }

    /// The form's role; refused when absent or not a role.
    static func role(_ form: inout FormSubmission) -> AccountRole? {
        guard let text = form.required("role") else { return nil }
        guard let role = AccountRole(rawValue: text) else {
            form.errors["role"] = "role must be viewer, surveyor, reviewer or admin, not '\(text)'"
            return nil
        }
        return role
    }

    private func usersPage(
        _ page: WebRequest, addForm: FormSubmission? = nil, rowError: (String, String)? = nil, notice: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let accounts = try await pool.run { try store.accounts() }
        return WebPage.render(page[.usersTitle], page, status: status) { html in
            UsersView(
                request: page, accounts: accounts, addValues: addForm?.values ?? [:], addErrors: addForm?.errors ?? [:],
                rowError: rowError, notice: notice
            ).write(&html)
        }
    }
}

/// The accounts as a table of forms, one per account, and the form that adds one.
struct UsersView {
    let request: WebRequest
    let accounts: [Account]
    var addValues: [String: [String]] = [:]
    var addErrors: [String: String] = [:]
    var rowError: (String, String)?
    var notice: String?

    func write(_ html: inout HTMLWriter) {
        let request = request
        let token = request.formToken ?? ""
        if let notice { html.element("p", notice, ["class": "notice", "role": "status"]) }
        if let (name, message) = rowError {
            html.element("p", "\(name): \(message)", ["class": "error", "role": "alert", "id": "row-error"])
        }
        html.element("div", ["class": "table"]) { html in
            html.element("table") { html in
                html.raw("<thead><tr>")
                for header in [request[.username], request[.role], request[.clearance], request[.state], ""] {
                    html.element("th", header.isEmpty ? request[.save] : header, ["scope": "col"])
                }
                html.raw("</tr></thead><tbody>")
                for account in accounts {
                    let form = "account-\(account.id)"
                    html.element("tr") { html in
                        html.element("th", ["scope": "row"]) { html in
                            html.text(account.name)
                            // The row's controls belong to this form (a form cannot wrap a table row).
                            html.element(
                                "form",
                                ["method": "post", "action": "/admin/users/\(pathSegment(account.name))", "id": form]
                            ) {
                                $0.open("input", ["type": "hidden", "name": "csrf", "value": token])
                            }
                        }
                        html.element("td") { html in
                            html.element(
                                "select",
                                ["name": "role", "form": form, "aria-label": "\(request[.role]): \(account.name)"]
                            ) { html in
                                for role in AccountRole.allCases {
                                    html.element(
                                        "option", role.rawValue,
                                        ["value": role.rawValue, "selected": role == account.role ? "selected" : nil])
                                }
                            }
                        }
                        html.element("td") { html in
                            html.element(
                                "select",
                                [
                                    "name": "clearance", "form": form,
                                    "aria-label": "\(request[.clearance]): \(account.name)",
                                ]
                            ) { html in
                                html.element(
                                    "option", request[.clearanceYes],
                                    ["value": "yes", "selected": account.restrictedAccess ? "selected" : nil])
                                html.element(
                                    "option", request[.clearanceNo],
                                    ["value": "no", "selected": account.restrictedAccess ? nil : "selected"])
                            }
                        }
                        html.element("td") { html in
                            html.element(
                                "select",
                                ["name": "state", "form": form, "aria-label": "\(request[.state]): \(account.name)"]
                            ) { html in
                                html.element(
                                    "option", request[.enabled],
                                    ["value": "enabled", "selected": account.disabled ? nil : "selected"])
                                html.element(
                                    "option", request[.disabled],
                                    ["value": "disabled", "selected": account.disabled ? "selected" : nil])
                            }
                        }
                        html.element("td") { html in
                            html.element(
                                "button", request[.save],
                                [
                                    "type": "submit", "form": form, "class": "secondary",
                                    "aria-label": "\(request[.save]): \(account.name)",
                                ])
                        }
                    }
                }
                html.raw("</tbody>")
            }
        }
        html.element("h2", request[.addAccount])
        let fields = FormWriter(request: request, values: addValues, errors: addErrors)
        html.element("form", ["method": "post", "action": "/admin/users", "class": "stack"]) { html in
            html.open("input", ["type": "hidden", "name": "csrf", "value": token])
            if let message = addErrors["form"] { html.element("p", message, ["class": "error", "role": "alert"]) }
            fields.input(&html, "name", request[.username], required: true)
            fields.options(
                &html, "role", request[.role], AccountRole.allCases.map { ($0.rawValue, $0.rawValue) }, required: true)
            html.element("div", ["class": "check"]) { html in
                html.open("input", ["type": "checkbox", "id": "clearance", "name": "clearance", "value": "yes"])
                html.element("label", request[.clearanceGrant], ["for": "clearance"])
            }
            fields.input(&html, "password", request[.newPassword], type: "password", required: true)
            fields.input(&html, "repeat", request[.repeatPassword], type: "password", required: true)
            html.element("button", request[.addAccount], ["type": "submit"])
        }
    }
}
