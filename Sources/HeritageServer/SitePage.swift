import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// One site as the API shows it: its record, condition timeline, surveys, assets and
/// findings, each released for the caller (``SiteRelease``), then encoded and searched once
/// more for any exact position before it is sent.
struct SitePage: Encodable {
    struct AssetEntry: Encodable {
        var asset: Asset
        var versions: [VersionEntry]
    }
    struct VersionEntry: Encodable {
        var version: AssetVersion
        /// The file holds the site's position: it is not served without clearance.
        var withheld: Bool
    }

    var site: Site
    /// The position shown is the centre of the site's 0.1° cell, not the site's own.
    var generalised: Bool
    var timeline: [TimelineEntry]
    var surveys: [Survey]
    var assets: [AssetEntry]
    var findings: [Finding]

    /// The page as the bytes to send (stable JSON), searched before they are.
    static func build(_ code: String, from store: HeritageArchive, includeRestricted: Bool) throws -> Data {
        let site = try store.requireSite(code)
        let assets = try store.assets(ofSite: site.id)
        let release = try store.release(ofSite: site.id, includeRestricted: includeRestricted, assets: assets)
        let page = SitePage(
            site: release.releasedSite, generalised: release.generalise,
            timeline: try store.conditionHistory(ofSite: site.id).map {
                TimelineEntry(assessment: release.released($0.assessment), supersededBy: $0.supersededBy)
            },
            surveys: try store.surveys(ofSite: site.id).map(release.released),
            assets: assets.map { entry in
                AssetEntry(
                    asset: release.released(entry.asset),
                    versions: entry.versions.map {
                        VersionEntry(version: release.released($0), withheld: release.withholds($0))
                    })
            },
            findings: try store.findings(ofSite: site.id).map(release.released))
        let text = try jsonText(page)
        // The last line of defence: the bytes to be sent hold no known position.
        if release.generalise, release.search.reveals(text) {
            throw APIError(.internalServerError, "the page of \(site.code) could not be released without its position")
        }
        return Data(text.utf8)
    }
}
