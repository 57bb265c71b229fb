import HeritageStore
import Hummingbird

/// `/`: the map of every site the reader may see, coloured by latest condition, clustered on
/// the server (`GET /api/map`) and loaded by box as the map moves (`/static/map.js`, Leaflet).
/// The filters are the list's, and the list and downloads follow them. Without tiles it draws
/// country outlines and a graticule from this server alone, so it works offline in the field.
struct MapView {
    let request: WebRequest
    let query: Parameters
    let configuration: ServerConfiguration

    /// The condition classes the markers and the legend use, in order.
    static let conditions: [(String, UIText)] = [
        ("good", .conditionGood), ("fair", .conditionFair), ("poor", .conditionPoor), ("very-bad", .conditionVeryBad),
        ("destroyed", .conditionDestroyed), ("unknown", .conditionUnknown), ("unassessed", .conditionUnassessed),
    ]

    func write(_ html: inout HTMLWriter) {
        let request = request
        SiteFilterForm(request: request, query: query, action: "/sites", id: "map-filters", unassessed: true)
            .write(&html)
        html.element("p", "", ["id": "map-status", "role": "status"])
        html.element(
            "div",
            [
                "id": "map", "class": "map", "role": "region", "aria-label": request[.mapTitle],
                "data-tiles": configuration.mapTiles ?? "", "data-attribution": configuration.mapAttribution,
                "data-t-in-view": request[.sitesInView], "data-t-sites": request[.sitesWord],
                "data-t-generalised": request[.generalisedPosition], "data-t-open": request[.openSite],
                "data-t-zoom-in": request[.zoomIn],
                "data-t-conditions": Self.conditions.map { "\($0.0)=\(request[$0.1])" }.joined(separator: "|"),
            ]
        ) { _ in }
        html.raw("<noscript>")
        html.element("p", request[.mapNeedsScript], ["class": "note"])
        html.raw("</noscript>")
        html.element("ul", ["class": "legend", "aria-label": request[.legend]]) { html in
            for (slug, label) in Self.conditions {
                html.element("li") { html in
                    html.element("span", "", ["class": "swatch c-\(slug)", "aria-hidden": "true"])
                    html.text(request[label])
                }
            }
            html.element("li") { html in
                html.element("span", "", ["class": "swatch cell", "aria-hidden": "true"])
                html.text(request[.generalisedPosition])
            }
        }
        html.element("p") { html in
            html.element("a", request[.listTheseSites], ["id": "map-list", "href": "/sites"])
        }
    }
}

/// The site filters as a plain form (GET, so a filtered view is a link): text in any script,
/// kind, latest condition, designation, country. The list and the map share it.
struct SiteFilterForm {
    let request: WebRequest
    let query: Parameters
    let action: String
    var id: String? = nil
    /// Offers "never assessed" among the conditions (the map's clusters count them).
    var unassessed = false

    func write(_ html: inout HTMLWriter) {
        let request = request
        let query = query
        html.element("form", ["method": "get", "action": action, "class": "filters", "role": "search", "id": id]) {
            html in
            field(&html, id: "q", label: request[.search]) { html in
                html.open("input", ["id": "q", "name": "q", "type": "search", "value": query.get("q") ?? ""])
            }
            field(&html, id: "kind", label: request[.kind]) { html in
                select(
                    &html, "kind", SiteKind.allCases.map { ($0.rawValue, request.term($0)) }, chosen: query.get("kind"))
            }
            field(&html, id: "condition", label: request[.condition]) { html in
                var choices = OverallCondition.allCases.map { ($0.rawValue, request.term($0)) }
                if unassessed { choices.append(("unassessed", request[.conditionUnassessed])) }
                select(&html, "condition", choices, chosen: query.get("condition"))
            }
            field(&html, id: "designation", label: request[.designationType]) { html in
                select(
                    &html, "designation", DesignationType.allCases.map { ($0.rawValue, request.term($0)) },
                    chosen: query.get("designation"))
            }
            field(&html, id: "country", label: request[.country]) { html in
                html.open(
                    "input",
                    [
                        "id": "country", "name": "country", "value": query.get("country") ?? "", "size": "3",
                        "maxlength": "2", "autocomplete": "off",
                    ])
            }
            html.element("button", request[.filter], ["type": "submit"])
        }
    }

    private func field(_ html: inout HTMLWriter, id: String, label: String, _ control: (inout HTMLWriter) -> Void) {
        html.element("div", ["class": "field"]) { html in
            html.element("label", label, ["for": id])
            control(&html)
        }
    }

    private func select(_ html: inout HTMLWriter, _ name: String, _ choices: [(String, String)], chosen: String?) {
        let any = request[.anyValue]
        html.element("select", ["id": name, "name": name]) { html in
            html.element("option", any, ["value": ""])
            for (value, label) in choices {
                html.element("option", label, ["value": value, "selected": value == chosen ? "selected" : nil])
            }
        }
    }
}
