import Foundation
import HeritageStore

/// `/review` (reviewers): each pending proposal with its evidence, what it would change beside
/// the record as it stands, and a form to approve or reject it with a reason.
struct ReviewView {
    struct Item {
        var proposal: Proposal
        /// The site as it stands now (nil for a new site).
        var current: Site?
    }

    let request: WebRequest
    let items: [Item]
    /// A decision that failed: the proposal and why, shown at its reason field.
    var failure: (id: String, message: String)? = nil

    func write(_ html: inout HTMLWriter) {
        let request = request
        if items.isEmpty { html.element("p", request[.noPending]) }
        for item in items {
            let proposal = item.proposal
            html.element("section", ["class": "proposal", "aria-labelledby": "p-\(proposal.id)"]) { html in
                html.element(
                    "h2",
                    "\(kindLabel(proposal.kind)): \(proposal.site?.code ?? item.current?.code ?? proposal.siteID)",
                    ["id": "p-\(proposal.id)"])
                html.element("p", "\(request[.proposedBy]) \(proposal.proposedBy), \(proposal.proposedAt)")
                if let note = proposal.note { html.element("p", note, ["dir": "auto"]) }
                if !proposal.evidence.isEmpty {
                    html.element("p", "\(request[.evidence]): \(proposal.evidence.joined(separator: ", "))")
                }
                changes(&html, item)
                decisionForm(&html, proposal)
            }
        }
    }

    func kindLabel(_ kind: Proposal.Kind) -> String {
        switch kind {
        case .siteCreate: request[.kindSiteCreate]
        case .siteUpdate: request[.kindSiteUpdate]
        case .conditionCreate: request[.kindConditionCreate]
        }
    }

    /// The fields the proposal sets, each beside its value as the record stands.
    func changes(_ html: inout HTMLWriter, _ item: Item) {
        let proposed: [String: String]
        let standing: [String: String]
        switch item.proposal.kind {
        case .siteCreate, .siteUpdate:
            proposed = Self.flattened(item.proposal.site)
            standing = Self.flattened(item.current)
        case .conditionCreate:
            proposed = Self.flattened(item.proposal.assessment)
            standing = [:]
        }
        let fields = proposed.keys.filter { proposed[$0] != standing[$0] }.sorted()
        let request = request
        html.table(
            caption: request[.changes], [request[.field], request[.asItStands], request[.asProposed]],
            fields.map { field in
                [
                    { $0.element("code", field) },
                    { $0.element("span", standing[field] ?? "", ["dir": "auto"]) },
                    { $0.element("span", proposed[field] ?? "", ["dir": "auto", "class": "proposed"]) },
                ]
            })
    }

    func decisionForm(_ html: inout HTMLWriter, _ proposal: Proposal) {
        let request = request
        let failed = failure?.id == proposal.id
        let reasonID = "reason-\(proposal.id)"
        let errorID = "error-\(proposal.id)"
        html.element("form", ["method": "post", "action": "/review/\(proposal.id)", "class": "stack"]) { html in
            html.open("input", ["type": "hidden", "name": "csrf", "value": request.formToken ?? ""])
            html.element("label", request[.reason], ["for": reasonID])
            if failed, let message = failure?.message {
                html.element("p", message, ["id": errorID, "class": "error", "role": "alert"])
            }
            html.element(
                "textarea", "",
                [
                    "id": reasonID, "name": "reason", "rows": "2", "aria-invalid": failed ? "true" : nil,
                    "aria-describedby": failed ? errorID : nil,
                ])
            html.element("div", ["class": "actions"]) { html in
                html.element("button", request[.approve], ["type": "submit", "name": "decision", "value": "approve"])
                html.element(
                    "button", request[.reject],
                    ["type": "submit", "name": "decision", "value": "reject", "class": "secondary"])
            }
        }
    }

    /// A record's fields as `path: value` text (nested objects by dotted path, lists as JSON).
    static func flattened(_ value: (some Encodable)?) -> [String: String] {
        guard let value else { return [:] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        var fields: [String: String] = [:]
        func visit(_ value: Any, _ path: String) {
            switch value {
            case let object as [String: Any]:
                for (key, inner) in object { visit(inner, path.isEmpty ? key : "\(path).\(key)") }
            case let list as [Any]:
                let data = try? JSONSerialization.data(
                    withJSONObject: list, options: [.sortedKeys, .withoutEscapingSlashes])
                fields[path] = data.map { String(decoding: $0, as: UTF8.self) } ?? ""
            case is NSNull:
                break
            default:
                fields[path] = "\(value)"
            }
        }
        visit(object, "")
        fields["id"] = nil
        return fields
    }
}
