import Foundation

/// What may be released about one site, and in what form, to someone without clearance for
/// restricted positions. For a public site (or with clearance) everything passes unchanged.
///
/// For a restricted site released without clearance:
/// - the site's point is snapped to its 0.1° cell and its boundary dropped (``Site/released(includeRestricted:)``);
/// - a file that holds a position (GPS, a coordinate reference system, georeferenced bounds, a
///   world file, LAS) ``reveals(_:)`` it and is withheld, as are results derived from it,
///   except images;
/// - a version's capture is generalised, its CRS withheld, its reader summary stripped of
///   bounds, GPS and comments that hold a position;
/// - free text (titles, file names, notes, warnings) has every number that is a known position
///   replaced by "[withheld]";
/// - audit events keep their hashes and links; values that hold a position are withheld.
///
/// ``positions`` lists every position the archive knows for the site, for a last byte search
/// of whatever is written.
public struct SiteRelease: Sendable {
    public let site: Site
    /// Whether positions must be hidden (a restricted site, released without clearance).
    public let generalise: Bool
    public let positions: SensitivePositions
    /// The positions' patterns, compiled once for every text and file this release checks.
    public let search: PositionSearch
    /// Versions whose file holds a position.
    let revealing: Set<String>
    /// Versions whose coordinates are positions (not only their metadata).
    let georeferenced: Set<String>
    /// Every id of a row about the site (surveys, assessments, assets, versions, findings).
    let entities: Set<String>

    public static let withheldCRS = "withheld (restricted site)"

    init(
        site: Site, generalise: Bool, positions: SensitivePositions, revealing: Set<String>,
        georeferenced: Set<String>, entities: Set<String>
    ) {
        self.site = site
        self.generalise = generalise
        self.positions = positions
        self.search = positions.search
        self.revealing = revealing
        self.georeferenced = georeferenced
        self.entities = entities
    }

    /// Whether this version's file (or its related world file) holds a position of the site.
    public func reveals(_ version: AssetVersion) -> Bool { revealing.contains(version.id) }

    /// Whether this version's coordinates (points, pixels placed by a world file) are positions,
    /// so that what is measured in them is a position too.
    public func isGeoreferenced(_ version: AssetVersion) -> Bool { georeferenced.contains(version.id) }

    /// Whether the file must be withheld from this release.
    public func withholds(_ version: AssetVersion) -> Bool { generalise && reveals(version) }

    /// Whether an event, row or file with this id is about the site.
    public func isAbout(_ entityID: String) -> Bool { entityID == site.id || entities.contains(entityID) }

    /// The site as it may be released.
    public var releasedSite: Site {
        guard generalise else { return site }
        var copy = site.released(includeRestricted: false)
        copy.description = copy.description.map(search.redact)
        return copy
    }

    /// A version as it may be released: capture generalised, CRS withheld, the reader's
    /// summary without bounds of a georeferenced file, GPS or revealing comments.
    public func released(_ version: AssetVersion) -> AssetVersion {
        guard generalise else { return version }
        var copy = version
        copy.capture = version.capture.generalised
        if copy.capture.crs != nil { copy.capture.crs = Self.withheldCRS }
        copy.fileName = search.redact(version.fileName)
        copy.warnings = version.warnings.map(search.redact)
        copy.summary = releasedSummary(version)
        copy.provenance = version.provenance.map { provenance in
            var shown = provenance
            shown.bagName = search.redact(provenance.bagName)
            shown.pathInBag = search.redact(provenance.pathInBag)
            for keyPath in [\Provenance.sourceOrganization, \.contactName, \.baggingDate, \.externalIdentifier] {
                shown[keyPath: keyPath] = provenance[keyPath: keyPath].map(search.redact)
            }
            return shown
        }
        return copy
    }

    /// An asset as it may be released (its title may be a file name with a position in it).
    public func released(_ asset: Asset) -> Asset {
        guard generalise else { return asset }
        var copy = asset
        copy.title = search.redact(asset.title)
        return copy
    }

    /// An audit event as it may be released: unchanged, or with its values withheld when they
    /// hold a position (a site's or a version's values always do). Its hash then cannot be
    /// recomputed by the reader, only its links checked.
    public func released(_ event: AuditEvent) -> (event: AuditEvent, valuesWithheld: Bool) {
        guard generalise, isAbout(event.entityID) else { return (event, false) }
        let holdsPosition =
            ["site", "assetVersion", "proposal"].contains(event.entityType)
            || [event.oldValue, event.newValue].contains { $0.map(search.reveals) ?? false }
        guard holdsPosition else { return (event, false) }
        var copy = event
        copy.oldValue = nil
        copy.newValue = nil
        return (copy, true)
    }

    /// A survey as it may be released (its notes and team are free text).
    public func released(_ survey: Survey) -> Survey {
        guard generalise else { return survey }
        var copy = survey
        copy.notes = survey.notes.map(search.redact)
        copy.team = survey.team.map(search.redact)
        return copy
    }

    /// An assessment as it may be released (its notes are free text).
    public func released(_ assessment: ConditionAssessment) -> ConditionAssessment {
        guard generalise else { return assessment }
        var copy = assessment
        copy.notes = assessment.notes.map(search.redact)
        copy.assessor = search.redact(assessment.assessor)
        return copy
    }

    /// A finding as it may be released (its account is free text).
    public func released(_ finding: Finding) -> Finding {
        guard generalise else { return finding }
        var copy = finding
        copy.summary = search.redact(finding.summary)
        return copy
    }

    /// Free text as it may be released.
    public func released(text: String) -> String { generalise ? search.redact(text) : text }

    private func releasedSummary(_ version: AssetVersion) -> String {
        guard let data = version.summary.data(using: .utf8),
            var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return search.redact(version.summary) }
        if version.kind == .derivedSummary && isGeoreferenced(version) {
            // A comparison of georeferenced scans: its regions are positions. The report gives
            // them relative to the scan; the summary file itself is withheld.
            return #"{"withheld":"the comparison's positions are those of a restricted site"}"#
        }
        if reveals(version), object["bounds"] is [String: Any] { object["bounds"] = NSNull() }
        if let gps = object["gps"] as? [String: Any] {
            if let latitude = gps["latitude"] as? Double, let longitude = gps["longitude"] as? Double,
                let point = try? GeoPoint(latitude: latitude, longitude: longitude).generalised
            {
                object["gps"] = ["latitude": point.latitude, "longitude": point.longitude, "altitude": NSNull()]
            } else {
                object["gps"] = NSNull()
            }
        }
        if object["crs"] is String { object["crs"] = Self.withheldCRS }
        if let comments = object["comments"] as? [String] { object["comments"] = comments.map(search.redact) }
        if let warnings = object["warnings"] as? [String] { object["warnings"] = warnings.map(search.redact) }
        guard
            let encoded = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return search.redact(String(decoding: encoded, as: UTF8.self))
    }
}

extension AssetVersion {
    /// How a version's summary is to be read.
    fileprivate enum SummaryKind { case reader, derivedSummary }

    fileprivate var kind: SummaryKind { derivation != nil && format == "json" ? .derivedSummary : .reader }
}

extension CaptureMetadata {
    /// This capture as it may be released for a restricted site: the position snapped to the
    /// centre of its 0.1° cell, like the site's own, and no altitude.
    public var generalised: CaptureMetadata {
        guard let latitude, let longitude, let point = try? GeoPoint(latitude: latitude, longitude: longitude) else {
            return self
        }
        var copy = self
        copy.latitude = point.generalised.latitude
        copy.longitude = point.generalised.longitude
        copy.altitude = nil
        return copy
    }
}
