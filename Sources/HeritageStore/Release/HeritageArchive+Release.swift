import Foundation
import GRDB

extension HeritageArchive {
    /// Formats whose files carry a georeference of their own (a LAS header's offsets and CRS).
    static let georeferencedFormats: Set<String> = ["las", "laz", "e57", "copc", "ptx", "pts"]
    /// Sidecar files that place an image on the map.
    static let worldFileExtensions: Set<String> = [
        "jgw", "jpgw", "pgw", "pngw", "tfw", "tifw", "wld", "j2w", "gfw", "bpw", "prj",
    ]

    /// What may be released about a site to someone with or without clearance for restricted
    /// positions, with every position the archive knows for it (site point and boundary, photo
    /// GPS, georeferenced scan bounds, world-file origins, comparison regions of georeferenced
    /// scans) for a last byte search of what is written.
    ///
    /// - Parameters:
    ///   - reference: the site's code or id.
    ///   - includeRestricted: the caller has clearance: nothing is generalised.
    ///   - assets: the site's assets with their versions, when the caller has read them already.
    /// - Returns: for a public site, or with clearance, a release that passes everything
    ///   unchanged (and reads nothing more).
    /// - Throws: ``HeritageStoreError`` when there is no such site or the archive cannot be read.
    public func release(
        ofSite reference: String, includeRestricted: Bool,
        assets knownAssets: [(asset: Asset, versions: [AssetVersion])]? = nil
    ) throws -> SiteRelease {
        let site = try requireSite(reference)
        guard site.mustGeneralise(includeRestricted: includeRestricted) else {
            return SiteRelease(
                site: site, generalise: false, positions: SensitivePositions(), revealing: [], georeferenced: [],
                entities: [])
        }
        let assets = try knownAssets ?? assets(ofSite: site.id)
        let versions = assets.flatMap(\.versions)
        var entities = Set(assets.map(\.asset.id) + versions.map(\.id))
        try read { db in
            for table in ["survey", "conditionAssessment", "finding", "bagIngestion", "proposal"] {
                entities.formUnion(
                    try String.fetchAll(db, sql: "SELECT id FROM \(table) WHERE siteId = ?", arguments: [site.id]))
            }
        }
        var positions = SensitivePositions()
        positions.addDegrees(site.location.latitude)
        positions.addDegrees(site.location.longitude)
        if let boundary = site.boundary { Self.collectNumbers(inJSON: boundary) { positions.addDegrees($0) } }

        var revealing = Set<String>()
        var georeferenced = Set<String>()
        for version in versions where version.derivation == nil {
            switch try collectPositions(of: version, site: site, into: &positions) {
            case .none: break
            case .metadata: revealing.insert(version.id)
            case .geometry:
                revealing.insert(version.id)
                georeferenced.insert(version.id)
            }
        }
        // A result derived from a georeferenced file holds its positions, images apart. (One
        // derived from photographs that only carry GPS holds pixel positions.)
        for version in versions {
            guard let derivation = version.derivation,
                derivation.sourceVersionIDs.contains(where: { georeferenced.contains($0) })
            else { continue }
            if version.format == "json" {
                Self.collectRegionPositions(version.summary) { positions.addProjected($0) }
            }
            if !["png", "jpeg"].contains(version.format) {
                revealing.insert(version.id)
                georeferenced.insert(version.id)
            }
        }
        return SiteRelease(
            site: site, generalise: true, positions: positions, revealing: revealing, georeferenced: georeferenced,
            entities: entities)
    }

    /// The ids of the restricted sites, oldest first.
    public func restrictedSiteIDs() throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT id FROM site WHERE sensitivity = 'restricted' ORDER BY seq")
        }
    }

    /// How a file holds a position of its site.
    private enum PositionKind {
        case none
        /// In its metadata only (a photograph's EXIF GPS); its pixels or points are local.
        case metadata
        /// In its coordinates (a coordinate system, georeferenced bounds, a world file, LAS).
        case geometry
    }

    /// Adds what a version's capture, summary and world file say of where it is, and says how
    /// the file holds a position of the site.
    private func collectPositions(
        of version: AssetVersion, site: Site, into positions: inout SensitivePositions
    ) throws -> PositionKind {
        var kind = PositionKind.none
        if let latitude = version.capture.latitude, let longitude = version.capture.longitude {
            positions.addDegrees(latitude)
            positions.addDegrees(longitude)
            kind = .metadata
        }
        if version.capture.crs != nil || Self.georeferencedFormats.contains(version.format.lowercased()) {
            kind = .geometry
        }
        let summary =
            version.summary.data(using: .utf8).flatMap { try? JSONSerialization.jsonObject(with: $0) }
            as? [String: Any]
        if let gps = summary?["gps"] as? [String: Any],
            let latitude = gps["latitude"] as? Double, let longitude = gps["longitude"] as? Double
        {
            positions.addDegrees(latitude)
            positions.addDegrees(longitude)
            if kind == .none { kind = .metadata }
        }
        if let bounds = summary?["bounds"] as? [String: Any], let low = bounds["min"] as? [Double],
            let high = bounds["max"] as? [Double], low.count >= 2, high.count >= 2
        {
            let horizontal = [low[0], low[1], high[0], high[1]]
            let near = { (x: Double, y: Double) in
                abs(x - site.location.longitude) < 1 && abs(y - site.location.latitude) < 1
            }
            if horizontal.contains(where: { abs($0) >= 1000 }) {
                horizontal.forEach { positions.addProjected($0) }
                kind = .geometry
            } else if near(low[0], low[1]) || near(high[0], high[1]) || near(low[1], low[0]) {
                horizontal.forEach { positions.addDegrees($0) }
                kind = .geometry
            } else if kind == .geometry {
                horizontal.forEach { positions.addProjected($0) }
            }
        }
        for related in version.relatedFiles
        where Self.worldFileExtensions.contains(URL(filePath: related.name).pathExtension.lowercased()) {
            kind = .geometry
            guard related.size < 65_536,
                let text = try? String(contentsOf: blobs.path(of: related.sha256), encoding: .utf8)
            else { continue }
            let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
            if numbers.count >= 6 {
                // The origin; degrees when it lies near the site, else projected.
                let (x, y) = (numbers[4], numbers[5])
                if abs(x) <= 180 && abs(y) <= 90 {
                    positions.addDegrees(x)
                    positions.addDegrees(y)
                } else {
                    positions.addProjected(x)
                    positions.addProjected(y)
                }
            }
        }
        return kind
    }

    /// Every number in a JSON text (a GeoJSON boundary's coordinates).
    static func collectNumbers(inJSON text: String, _ body: (Double) -> Void) {
        guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) else {
            return
        }
        func walk(_ value: Any) {
            if let number = value as? Double {
                body(number)
            } else if let list = value as? [Any] {
                list.forEach(walk)
            } else if let object = value as? [String: Any] {
                object.values.forEach(walk)
            }
        }
        walk(object)
    }

    /// The horizontal coordinates of a comparison summary's regions (centroid and box).
    static func collectRegionPositions(_ summary: String, _ body: (Double) -> Void) {
        guard let data = summary.data(using: .utf8),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let regions = object["regions"] as? [[String: Any]]
        else { return }
        for region in regions {
            for key in ["centroid", "lower", "upper"] {
                if let point = region[key] as? [Double] { point.prefix(2).forEach(body) }
            }
        }
    }
}
