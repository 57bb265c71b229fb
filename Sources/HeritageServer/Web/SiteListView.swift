import Foundation
import HeritageStore
import Hummingbird

/// `/sites`: the filters as a plain form (GET, so a filtered list is a link), the sites found as
/// a table, and links to the pages before and after.
struct SiteListView {
    let request: WebRequest
    let query: Parameters
    let list: SiteRoutes.SiteList

    func write(_ html: inout HTMLWriter) {
        let request = request
        if let account = request.account, account.role >= .surveyor {
            html.element("p") { $0.element("a", request[.addSite], ["href": "/sites/new"]) }
        }
        html.element("form", ["method": "get", "action": "/sites", "class": "filters", "role": "search"]) { html in
            field(&html, id: "q", label: request[.search]) { html in
                html.open("input", ["id": "q", "name": "q", "type": "search", "value": query.get("q") ?? ""])
            }
            field(&html, id: "kind", label: request[.kind]) { html in
                select(&html, "kind", SiteKind.allCases.map { ($0.rawValue, $0.label) }, chosen: query.get("kind"))
            }
            field(&html, id: "condition", label: request[.condition]) { html in
                select(
                    &html, "condition", OverallCondition.allCases.map { ($0.rawValue, $0.label) },
                    chosen: query.get("condition"))
            }
            field(&html, id: "country", label: request[.country]) { html in
                html.open(
                    "input",
                    [
                        "id": "country", "name": "country", "value": query.get("country") ?? "", "maxlength": "2",
                        "size": "3", "autocapitalize": "characters",
                    ])
            }
            html.element("button", request[.filter], ["type": "submit"])
        }
        guard !list.sites.isEmpty else {
            html.element("p", request[.noSites])
            return
        }
        html.table(
            caption: "\(request[.shownOf]): \(list.count)",
            [
                request[.code], request[.name], request[.kind], request[.country], request[.condition],
                request[.position],
            ],
            list.sites.map { site in
                [
                    { $0.element("a", site.code, ["href": "/sites/\(pathSegment(site.code))"]) },
                    { $0.element("span", site.name, ["dir": "auto"]) },
                    { $0.text(site.kind.label) },
                    { $0.text(site.country ?? "") },
                    { $0.text(site.latestCondition?.label ?? "") },
                    { html in
                        html.text(String(format: "%.5f, %.5f", site.latitude, site.longitude))
                        if site.generalised {
                            html.element("span", " (\(request[.generalisedPosition]))", ["class": "note"])
                        }
                    },
                ]
            })
        pages(&html)
    }

    /// Links to the pages before and after, keeping the filters.
    func pages(_ html: inout HTMLWriter) {
        let limit = Int(query.get("limit") ?? "") ?? 100
        let offset = Int(query.get("offset") ?? "") ?? 0
        var kept = URLComponents()
        kept.queryItems = ["q", "kind", "condition", "country", "limit"].compactMap { name in
            query.get(name).flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) }
        }
        func link(_ offset: Int) -> String {
            var components = kept
            components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "offset", value: "\(offset)")]
            return "/sites?" + (components.percentEncodedQuery ?? "")
        }
        html.element("nav", ["class": "pages", "aria-label": "\(request[.previous]) / \(request[.next])"]) { html in
            if offset > 0 {
                html.element("a", request[.previous], ["href": link(max(0, offset - limit)), "rel": "prev"])
            }
            if list.count >= limit { html.element("a", request[.next], ["href": link(offset + limit), "rel": "next"]) }
        }
    }

    private func field(
        _ html: inout HTMLWriter, id: String, label: String, _ control: (inout HTMLWriter) -> Void
    ) {
        html.element("div", ["class": "field"]) { html in
            html.element("label", label, ["for": id])
            control(&html)
        }
    }

    private func select(_ html: inout HTMLWriter, _ name: String, _ options: [(String, String)], chosen: String?) {
        let request = request
        html.element("select", ["id": name, "name": name]) { html in
            html.element("option", request[.anyValue], ["value": ""])
            for (value, label) in options {
                html.element("option", label, ["value": value, "selected": value == chosen ? "selected" : nil])
            }
        }
    }
}

/// `text` as one segment of a URL path.
func pathSegment(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
        ?? text
}
