import Foundation
import HeritageOperations
import HeritageStore

/// `/findings/{id}` for two photographs: before and after one over the other with a slider that
/// swipes between them (`/static/photo.js`), the change overlay in place of the after photo at
/// the tick of a box, and the changed regions. Without script the photographs, the overlay and
/// the change mask are shown one after another. Photographs come from `/api/files/`, which
/// strips a restricted site's photo of its metadata for readers without clearance, and refuses
/// one placed by a world file.
struct PhotoComparisonView {
    struct Image {
        var versionID: String
        var fileName: String
        /// Not shown: it would place a restricted site.
        var withheld: Bool
    }

    let request: WebRequest
    let finding: Finding
    let siteCode: String
    let before: Image
    let after: Image
    let mask: Image?
    let overlay: Image?
    let regions: [[String: Any]]

    /// The finding's photographs and outputs, as this reader may see them.
    static func images(
        of finding: Finding, store: HeritageArchive, release: SiteRelease
    ) throws -> (before: Image, after: Image, mask: Image?, overlay: Image?, regions: [[String: Any]]) {
        func image(_ version: AssetVersion) -> Image {
            Image(
                versionID: version.id, fileName: release.released(version).fileName,
                withheld: release.withholds(version)
                    && (release.isGeoreferenced(version)
                        || version.format != "jpeg"
                            && version.format != "png")
            )
        }
        var mask: Image?
        var overlay: Image?
        var regions: [[String: Any]] = []
        for id in finding.resultVersionIDs {
            let version = try store.assetVersion(id).version
            switch version.fileName {
            case ComparisonOutputFile.mask: mask = image(version)
            case ComparisonOutputFile.overlay: overlay = image(version)
            case ComparisonOutputFile.summary where !release.withholds(version):
                let object = try JSONSerialization.jsonObject(with: Data(contentsOf: store.verifiedBlob(of: version)))
                regions = (object as? [String: Any])?["regions"] as? [[String: Any]] ?? []
            default: break
            }
        }
        return (
            image(try store.assetVersion(finding.beforeVersionID).version),
            image(try store.assetVersion(finding.afterVersionID).version), mask, overlay, regions
        )
    }

    func write(_ html: inout HTMLWriter) {
        let request = request
        html.element("p") { html in
            html.element(
                "a", "\(request[.backToSite]) \(siteCode)", ["href": "/sites/\(pathSegment(siteCode))#findings"])
            html.text(" · " + (finding.recordedAt ?? ""))
        }
        html.element("p", finding.summary, ["class": "note"])
        guard !before.withheld, !after.withheld else {
            html.element("p", request[.photosWithheld], ["class": "note"])
            return
        }
        html.element(
            "div",
            [
                "id": "swipe", "class": "swipe", "data-overlay": overlay.flatMap { $0.withheld ? nil : $0.versionID },
                "data-after": after.versionID,
            ]
        ) { html in
            figure(&html, before, caption: request[.beforeEpoch], class: "before")
            figure(&html, after, caption: request[.afterEpoch], class: "after")
        }
        html.element("div", ["class": "swipe-controls", "id": "swipe-controls", "hidden": "hidden"]) { html in
            html.element("label", request[.swipeLabel], ["for": "swipe-position"])
            html.open(
                "input",
                ["type": "range", "id": "swipe-position", "min": "0", "max": "100", "value": "50", "step": "1"])
            if let overlay, !overlay.withheld {
                html.element("div", ["class": "check"]) { html in
                    html.open("input", ["type": "checkbox", "id": "show-changes"])
                    html.element("label", request[.showChanges], ["for": "show-changes"])
                }
            }
        }
        html.element("div", ["class": "outputs"]) { html in
            for (image, caption) in [(overlay, request[.changeOverlay]), (mask, request[.changeMask])] {
                guard let image, !image.withheld else { continue }
                figure(&html, image, caption: caption, class: "output")
            }
        }
        html.element("h2", request[.regions])
        guard !regions.isEmpty else {
            html.element("p", request[.noneRecorded])
            return
        }
        html.table(
            [request[.regionWord], request[.pixels], request[.colourDifference]],
            regions.map { region in
                let difference = region["colourDifference"] as? [String: Any]
                let mean = (difference?["mean"] as? Double).map { String(format: "%.1f", $0) } ?? ""
                let most = (difference?["max"] as? Double).map { String(format: "%.1f", $0) } ?? ""
                return [
                    { $0.text("\(region["id"] as? Int ?? 0)") },
                    { $0.text("\(region["pointCount"] as? Int ?? 0)") },
                    { $0.text("\(mean) (max \(most))") },
                ]
            })
    }

    private func figure(_ html: inout HTMLWriter, _ image: Image, caption: String, class name: String) {
        html.element("figure", ["class": name]) { html in
            html.open(
                "img",
                ["src": "/api/files/\(image.versionID)", "alt": "\(caption): \(image.fileName)", "loading": "lazy"])
            html.element("figcaption", "\(caption): \(image.fileName)")
        }
    }
}
