import Foundation
import HeritageOperations
import HeritageStore

/// `/findings/{id}`: a comparison of scans in 3D (`/static/viewer.js`, three.js). The measured
/// points coloured by signed distance with the heat maps' legend, the before and after epochs
/// to switch to, orbit, pan and zoom (mouse, touch, or the arrow keys on the focused view), and
/// each damage region in a table whose buttons fly the view to it. The legend and the table are
/// written here, so they read without script.
struct ViewerView {
    let request: WebRequest
    let scene: ComparisonScene
    let siteCode: String
    let recordedAt: String?
    /// The most points drawn at once (`?budget=`; 2,000,000 unless asked).
    var budget = 2_000_000

    func write(_ html: inout HTMLWriter) {
        let request = request
        let scene = scene
        let units = scene.units
        html.element("p") { html in
            html.element(
                "a", "\(request[.backToSite]) \(siteCode)", ["href": "/sites/\(pathSegment(siteCode))#findings"])
            html.text(" · \(scene.method.uppercased())" + (recordedAt.map { " · \($0)" } ?? ""))
        }
        html.element("fieldset", ["class": "epochs"]) { html in
            html.element("legend", request[.show])
            for (index, epoch) in scene.epochs.enumerated() {
                html.element("div", ["class": "check"]) { html in
                    html.open(
                        "input",
                        [
                            "type": "radio", "name": "epoch", "id": "epoch-\(epoch.name)", "value": epoch.name,
                            "checked": index == 0 ? "checked" : nil,
                        ])
                    let label =
                        switch epoch.name {
                        case "changes": request[.epochChanges]
                        case "before": request[.beforeEpoch]
                        default: request[.afterEpoch]
                        }
                    html.element("label", "\(label) (\(epoch.fileName))", ["for": "epoch-\(epoch.name)"])
                }
            }
        }
        html.element(
            "div",
            [
                "id": "viewer", "class": "viewer", "data-loaded": "0", "data-finding": scene.findingID,
                "data-budget": "\(budget)",
                "data-t-shown": request[.pointsShown], "data-t-view": request[.viewerLabel],
                "data-t-region": request[.regionWord],
            ]
        ) { _ in }
        html.raw("<noscript>")
        html.element("p", request[.viewerNeedsScript], ["class": "note"])
        html.raw("</noscript>")
        html.element("p", "", ["id": "viewer-status", "role": "status"])
        html.element("p", "", ["id": "viewer-region", "aria-live": "polite", "class": "region"])
        html.element("p", request[.viewerKeys], ["class": "hint"])
        html.element("div", ["class": "scale", "aria-label": request[.legend]]) { html in
            html.element("span", "−" + Self.number(scene.range) + " \(units) (\(request[.loss]))")
            html.element("span", "", ["class": "gradient", "aria-hidden": "true"])
            html.element("span", "+" + Self.number(scene.range) + " \(units) (\(request[.gain]))")
            html.element("span", "", ["class": "swatch nodata", "aria-hidden": "true"])
            html.element("span", request[.noData])
        }
        html.element("h2", request[.regions])
        guard !scene.regions.isEmpty else {
            html.element("p", request[.noneRecorded])
            return
        }
        html.table(
            [
                request[.regionWord], request[.kind], request[.changedArea], request[.volume], request[.meanDepth],
                request[.maxDepth], request[.viewerTitle],
            ],
            scene.regions.enumerated().map { index, region in
                [
                    { $0.text("\(region.id)") },
                    { $0.text(region.kind == "gain" ? request[.gain] : request[.loss]) },
                    { $0.text(region.area.map { "\(Self.number($0)) \(units)²" } ?? "") },
                    { $0.text(region.volume.map { "\(Self.number($0)) \(units)³" } ?? "") },
                    { $0.text(region.meanDepth.map { "\(Self.number($0)) \(units)" } ?? "") },
                    { $0.text(region.maxDepth.map { "\(Self.number($0)) \(units)" } ?? "") },
                    { html in
                        html.element(
                            "button", request[.flyTo],
                            [
                                "type": "button", "class": "secondary fly", "data-region": "\(index)",
                                "aria-label": "\(request[.flyTo]): \(request[.regionWord]) \(region.id)",
                            ])
                    },
                ]
            })
    }

    static func number(_ value: Double) -> String { String(format: "%.3g", value) }
}
