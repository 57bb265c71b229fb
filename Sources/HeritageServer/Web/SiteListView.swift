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
        SiteFilterForm(request: request, query: query, action: "/sites", unassessed: true).write(&html)
        html.element("p", ["class": "downloads"]) { html in
            html.text("\(request[.downloadSelection]): ")
            html.element("a", "CSV", ["href": "/api/sites.csv?\(Self.filterQuery(query))", "download": "sites.csv"])
            html.text(" · ")
            html.element(
                "a", "GeoJSON", ["href": "/api/sites.geojson?\(Self.filterQuery(query))", "download": "sites.geojson"])
            html.text(" · ")
            html.element("a", request[.mapTitle], ["href": "/?\(Self.filterQuery(query))"])
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
                    { $0.text(request.term(site.kind)) },
                    { $0.text(site.country ?? "") },
                    { $0.text(site.latestCondition.map(request.term) ?? "") },
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
        kept.queryItems = ["q", "kind", "condition", "designation", "country", "limit"].compactMap { name in
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

    /// The filters of `query` (not its paging) as a query string.
    static func filterQuery(_ query: Parameters) -> String {
        var kept = URLComponents()
        kept.queryItems = ["q", "kind", "condition", "designation", "country"].compactMap { name in
            query.get(name).flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) }
        }
        return kept.percentEncodedQuery ?? ""
    }
}

/// `text` as one segment of a URL path.
func pathSegment(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
        ?? text
}
