import Foundation
import HeritageStore
import Hummingbird

/// `/audit`: the chain's state first, a filter form (entity, actor, action), the events newest
/// first, and a link to the older ones.
struct AuditView {
    let request: WebRequest
    let query: Parameters
    let page: AuditRoutes.AuditPage

    func write(_ html: inout HTMLWriter) {
        let request = request
        let chain = page.chain
        if chain.intact {
            html.element(
                "p", "\(request[.chainIntact]) \(chain.checkedThrough) (\(chain.headHash.prefix(16))…).",
                ["class": "ok"])
        } else {
            html.element("p", "\(request[.chainBroken]) \(chain.problem ?? "")", ["class": "error", "role": "alert"])
        }
        html.element("form", ["method": "get", "action": "/audit", "class": "filters"]) { html in
            for (name, label) in [
                ("entity", request[.entity]), ("actor", request[.actor]), ("action", request[.action]),
            ] {
                html.element("div", ["class": "field"]) { html in
                    html.element("label", label, ["for": name])
                    html.open("input", ["id": name, "name": name, "value": query.get(name) ?? ""])
                }
            }
            html.element("button", request[.filter], ["type": "submit"])
        }
        guard !page.events.isEmpty else {
            html.element("p", request[.noEvents])
            return
        }
        html.table(
            [request[.sequence], request[.time], request[.actor], request[.action], request[.entity]],
            page.events.map { released in
                let event = released.event
                return [
                    { $0.text("\(event.sequence)") },
                    { $0.text(event.time) },
                    { $0.element("span", event.actor, ["dir": "auto"]) },
                    { html in
                        html.text(event.action)
                        if released.valuesWithheld {
                            html.element("span", " (\(request[.valuesWithheld]))", ["class": "note"])
                        }
                    },
                    { html in
                        html.element(
                            "a", "\(event.entityType) \(event.entityID.prefix(8))",
                            ["href": "/audit?entity=\(pathSegment(event.entityID))"])
                    },
                ]
            })
        if let next = page.nextBefore {
            var components = URLComponents()
            components.queryItems =
                ["entity", "actor", "action"].compactMap { name in
                    query.get(name).flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) }
                } + [URLQueryItem(name: "before", value: "\(next)")]
            html.element("nav", ["class": "pages", "aria-label": request[.olderEvents]]) { html in
                html.element(
                    "a", request[.olderEvents],
                    ["href": "/audit?" + (components.percentEncodedQuery ?? ""), "rel": "next"])
            }
        }
    }
}
