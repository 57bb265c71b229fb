import Foundation
import HeritageOperations
import HeritageStore
import Hummingbird

/// One site as the API shows it: its record, condition timeline, surveys, and the first page
/// of its assets and findings (the rest are paged by ``SiteItemPage``), each released for the
/// caller (``SiteRelease``), then encoded and searched once more for any exact position before
/// it is sent.
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

    /// How many assets and findings a site page lists; the rest are at
    /// `/api/sites/{code}/assets` and `/findings`, so a site with thousands of uploads costs a
    /// page, not the whole of them, each time it is read.
    static let firstPageSize = 100

    var site: Site
    /// The position shown is the centre of the site's 0.1° cell, not the site's own.
    var generalised: Bool
    var timeline: [TimelineEntry]
    var surveys: [Survey]
    /// The oldest ``firstPageSize`` assets; `assetCount` says how many there are.
    var assets: [AssetEntry]
    var assetCount: Int
    /// The oldest ``firstPageSize`` findings; `findingCount` says how many there are.
    var findings: [Finding]
    var findingCount: Int

    /// The page as the bytes to send (stable JSON), searched before they are.
    static func build(_ code: String, from store: HeritageArchive, includeRestricted: Bool) throws -> Data {
        let (page, release) = try assemble(code, from: store, includeRestricted: includeRestricted)
        return try release.checkedBytes(page, of: release.site)
    }

    /// The page, released for the caller, and the release (to search what is made of it).
    static func assemble(
        _ code: String, from store: HeritageArchive, includeRestricted: Bool
    ) throws -> (SitePage, SiteRelease) {
        let site = try store.requireSite(code)
        let release = try store.release(ofSite: site.id, includeRestricted: includeRestricted)
        let assets = try store.assets(ofSite: site.id, limit: firstPageSize, offset: 0)
        let findings = try store.findings(ofSite: site.id, limit: firstPageSize, offset: 0)
        let page = SitePage(
            site: release.releasedSite, generalised: release.generalise,
            timeline: try store.conditionHistory(ofSite: site.id).map {
                TimelineEntry(assessment: release.released($0.assessment), supersededBy: $0.supersededBy)
            },
            surveys: try store.surveys(ofSite: site.id).map(release.released),
            assets: assets.assets.map { release.entry($0) }, assetCount: assets.total,
            findings: findings.findings.map(release.released), findingCount: findings.total)
        return (page, release)
    }
}

/// A further page of a site's assets or findings: `GET /api/sites/{code}/assets` and
/// `/findings?limit=N&offset=K`, oldest first, released as the site page releases them.
struct SiteItemPage<Item: Encodable>: Encodable {
    var site: String
    /// What the items are called in the JSON: "assets" or "findings".
    var name: String
    var items: [Item]
    var total: Int
    var limit: Int
    var offset: Int

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(site, forKey: Key("site"))
        try container.encode(items, forKey: Key(name))
        try container.encode(total, forKey: Key("total"))
        try container.encode(limit, forKey: Key("limit"))
        try container.encode(offset, forKey: Key("offset"))
    }

    /// A page of a site's items as the bytes to send: `read` finds them (and how many there are),
    /// `release` shows each as the caller may see it; the bytes are searched before they are.
    static func bytes<Stored>(
        _ code: String, name: String, limit: Int, offset: Int, from store: HeritageArchive, includeRestricted: Bool,
        read: (String) throws -> (total: Int, items: [Stored]), release: (SiteRelease, Stored) -> Item
    ) throws -> Data {
        let site = try store.requireSite(code)
        let siteRelease = try store.release(ofSite: site.id, includeRestricted: includeRestricted)
        let found = try read(site.id)
        let page = SiteItemPage(
            site: site.code, name: name, items: found.items.map { release(siteRelease, $0) }, total: found.total,
            limit: limit, offset: offset)
        return try siteRelease.checkedBytes(page, of: site)
    }
}

extension SiteItemPage<SitePage.AssetEntry> {
    static func assets(
        _ code: String, limit: Int, offset: Int, from store: HeritageArchive, includeRestricted: Bool
    ) throws -> Data {
        try bytes(
            code, name: "assets", limit: limit, offset: offset, from: store, includeRestricted: includeRestricted,
            read: { site in
                let found = try store.assets(ofSite: site, limit: limit, offset: offset)
                return (found.total, found.assets)
            },
            release: { release, found in release.entry(found) })
    }
}

extension SiteItemPage<Finding> {
    static func findings(
        _ code: String, limit: Int, offset: Int, from store: HeritageArchive, includeRestricted: Bool
    ) throws -> Data {
        try bytes(
            code, name: "findings", limit: limit, offset: offset, from: store, includeRestricted: includeRestricted,
            read: { site in
                let found = try store.findings(ofSite: site, limit: limit, offset: offset)
                return (found.total, found.findings)
            },
            release: { release, finding in release.released(finding) })
    }
}

extension SiteRelease {
    /// An asset and its versions as released, each version marked when it is withheld.
    func entry(_ found: (asset: Asset, versions: [AssetVersion])) -> SitePage.AssetEntry {
        SitePage.AssetEntry(
            asset: released(found.asset),
            versions: found.versions.map { SitePage.VersionEntry(version: released($0), withheld: withholds($0)) })
    }

    /// `value` as the bytes to send (stable JSON), after the last line of defence: without
    /// clearance, the bytes hold no known position of the site.
    func checkedBytes(_ value: some Encodable, of site: Site) throws -> Data {
        Data(try checked(jsonText(value), of: site).utf8)
    }

    /// `text` (JSON or HTML made from what this release released), searched once more.
    func checked(_ text: String, of site: Site) throws -> String {
        if generalise, search.reveals(text) {
            throw APIError(.internalServerError, "the page of \(site.code) could not be released without its position")
        }
        return text
    }
}
