import Foundation

/// The flat, text-only form of a site shared by CSV columns and GeoJSON properties.
///
/// | column | content |
/// |---|---|
/// | `id` | optional UUID; kept when given, so an export re-imports with the same ids |
/// | `code` | required, unique reference code |
/// | `name` | required primary name |
/// | `name_language` | BCP 47 tag of `name` (default `und`, undetermined) |
/// | `other_names` | `lang:name` entries separated by `\|`, e.g. `ar:معبد بل\|fr:Temple de Bel` |
/// | `kind` | a site kind (`church`, `mosque`, `cross-stone`, …) |
/// | `community`, `period`, `description`, `admin_area` | free text |
/// | `latitude`, `longitude` | required WGS84 decimal degrees (or D°M′S″ with hemisphere) |
/// | `precision_m` | radius in metres within which the site lies |
/// | `location_certainty` | a certainty term (default `high`) |
/// | `country` | ISO 3166-1 alpha-2 |
/// | `sensitivity` | `public` (default) or `restricted` |
/// | `designations` | `type[:reference][@date]` entries separated by `\|`, e.g. `world-heritage:23@1980` |
/// | `external_ids` | `scheme:value` entries separated by `\|`, e.g. `wikidata:Q123` |
/// | `sources` | citations or URLs separated by `\|` |
/// | `boundary` | a GeoJSON Polygon or MultiPolygon |
/// | `latest_condition` | written by exports, ignored by imports |
/// | `generalised` | written by exports: `true` where a restricted site's position was generalised to its 0.1° cell; imports refuse such rows unless told to accept them |
public enum SiteFields {
    public static let columns = [
        "id", "code", "name", "name_language", "other_names", "kind", "community", "period", "description",
        "latitude", "longitude", "precision_m", "location_certainty", "country", "admin_area", "sensitivity",
        "designations", "external_ids", "sources", "boundary", "latest_condition", "generalised",
    ]
    static let generalisedIndex = index(of: "generalised")
    static let required = ["code", "name", "kind", "latitude", "longitude"]
    /// Half the diagonal of a 0.1° cell at the equator: how far a generalised position may be
    /// from the true one.
    static let generalisedPrecisionMetres = 7_900.0
    /// The source a generalised row imported with `--accept-generalised` is given.
    public static let generalisedNote =
        "Position generalised to its 0.1° cell by the export this site was imported from (--accept-generalised)"

    /// Builds a site from text fields (`field(column)` gives a column's text), appending every
    /// problem found to `issues` (one per field).
    static func site(
        from field: (String) -> String?, line: Int, unit: String = "line", acceptGeneralised: Bool = false,
        issues: inout [ImportIssue]
    ) -> Site? {
        let before = issues.count
        func report(_ column: String?, _ reason: String) {
            issues.append(ImportIssue(line: line, column: column, reason: reason, unit: unit))
        }
        func value(_ column: String) -> String? {
            guard let raw = field(column)?.trimmed, !raw.isEmpty else {
                return nil
            }
            return raw
        }
        func attempt<T>(_ column: String, _ body: () throws -> T) -> T? {
            do { return try body() } catch let error as HeritageStoreError {
                report(column, error.message)
            } catch {
                report(column, "\(error)")
            }
            return nil
        }
        for column in required where value(column) == nil {
            report(column, "is required and empty")
        }
        let id = value("id").flatMap { raw in
            attempt("id") { () throws -> String in
                guard let uuid = UUID(uuidString: raw) else {
                    throw HeritageStoreError(.invalidInput, "'\(raw)' is not a UUID")
                }
                return uuid.uuidString.lowercased()
            }
        }
        let kind = value("kind").flatMap { raw in attempt("kind") { try SiteKind.parse(raw) } }
        let latitude = value("latitude").flatMap { raw in
            attempt("latitude") {
                try GeoPoint(latitude: try parseCoordinate(raw, isLatitude: true), longitude: 0).latitude
            }
        }
        let longitude = value("longitude").flatMap { raw in
            attempt("longitude") {
                try GeoPoint(latitude: 0, longitude: try parseCoordinate(raw, isLatitude: false)).longitude
            }
        }
        let generalised = ["true", "1", "yes"].contains(value("generalised")?.lowercased() ?? "")
        if generalised && !acceptGeneralised {
            report(
                "generalised",
                "the position is generalised to its 0.1° cell (exported without --include-restricted): importing it "
                    + "would store the cell's centre as the site's position; export with --include-restricted, or "
                    + "import with --accept-generalised to keep it marked as generalised")
        }
        var precision = value("precision_m").flatMap { raw in
            attempt("precision_m") { () throws -> Double in
                guard let metres = Double(raw), metres.isFinite, metres >= 0 else {
                    throw HeritageStoreError(.invalidInput, "'\(raw)' is not a non-negative number of metres")
                }
                return metres
            }
        }
        var certainty = attempt("location_certainty") { try value("location_certainty").map(Certainty.parse) ?? .high }
        var sources = value("sources").map(entries) ?? []
        if generalised {
            // Marked: the precision covers the whole cell, the certainty is low, and a source says why.
            precision = max(precision ?? 0, generalisedPrecisionMetres)
            certainty = certainty.map { _ in .low }
            sources.append(generalisedNote)
        }
        let sensitivity = attempt("sensitivity") { try value("sensitivity").map(Sensitivity.parse) ?? .public }
        var names: [SiteName] = []
        if let name = value("name") {
            if let language = attempt("name_language", { try canonicalLanguageTag(value("name_language") ?? "und") }) {
                names.append(SiteName(language: language, name: name, isPrimary: true))
            }
        }
        if let other = value("other_names") {
            for entry in entries(other) {
                guard let colon = entry.firstIndex(of: ":") else {
                    report("other_names", "'\(entry)' is not lang:name")
                    continue
                }
                let name = String(entry[entry.index(after: colon)...]).trimmed
                if let language = attempt("other_names", { try canonicalLanguageTag(String(entry[..<colon])) }) {
                    if name.isEmpty { report("other_names", "'\(entry)' has an empty name") }
                    names.append(SiteName(language: language, name: name))
                }
            }
        }
        var designations: [Designation] = []
        for entry in value("designations").map(entries) ?? [] {
            if let designation = attempt("designations", { try parseDesignation(entry) }) {
                designations.append(designation)
            }
        }
        var externalIDs: [ExternalID] = []
        for entry in value("external_ids").map(entries) ?? [] {
            guard let colon = entry.firstIndex(of: ":") else {
                report("external_ids", "'\(entry)' is not scheme:value")
                continue
            }
            if let scheme = attempt("external_ids", { try ExternalIDScheme.parse(String(entry[..<colon])) }) {
                externalIDs.append(
                    ExternalID(
                        scheme: scheme,
                        value: String(entry[entry.index(after: colon)...]).trimmed))
            }
        }
        let country = value("country").flatMap { raw in attempt("country") { try canonicalCountryCode(raw) } }
        let boundary = value("boundary").flatMap { raw in attempt("boundary") { try validatedBoundary(raw) } }
        guard issues.count == before, let kind, let latitude, let longitude, let certainty, let sensitivity,
            let code = value("code")
        else { return nil }
        let draft = Site(
            id: id ?? RecordID.make(), code: code, names: names, kind: kind,
            community: value("community"), period: value("period"), description: value("description"),
            location: SiteLocation(
                latitude: latitude, longitude: longitude, precisionMetres: precision, certainty: certainty),
            boundary: boundary, country: country, adminArea: value("admin_area"), sensitivity: sensitivity,
            designations: designations, externalIDs: externalIDs, sources: sources)
        do {
            return try draft.validated()
        } catch let error as HeritageStoreError {
            report(columnHint(for: error.message), error.message)
        } catch {
            report(nil, "\(error)")
        }
        return nil
    }

    /// Text fields of a site as exports write them, in ``columns`` order. Restricted sites are
    /// generalised unless asked.
    static func values(of site: Site, latestCondition: OverallCondition?, includeRestricted: Bool) -> [String] {
        let generalise = site.mustGeneralise(includeRestricted: includeRestricted)
        let site = site.released(includeRestricted: includeRestricted)
        let primary = site.names.first(where: \.isPrimary) ?? site.names.first
        let others = site.names.filter { $0 != primary }
        return [
            site.id, site.code, primary?.name ?? "", primary?.language ?? "",
            others.map { "\($0.language):\($0.name)" }.joined(separator: "|"),
            site.kind.rawValue, site.community ?? "", site.period ?? "", site.description ?? "",
            "\(site.location.latitude)", "\(site.location.longitude)",
            site.location.precisionMetres.map { "\($0)" } ?? "", site.location.certainty.rawValue,
            site.country ?? "", site.adminArea ?? "", site.sensitivity.rawValue,
            site.designations.map(format).joined(separator: "|"),
            site.externalIDs.map { "\($0.scheme.rawValue):\($0.value)" }.joined(separator: "|"),
            site.sources.joined(separator: "|"), site.boundary ?? "", latestCondition?.rawValue ?? "",
            generalise ? "true" : "false",
        ]
    }

    /// The position of `column` in ``columns``.
    static func index(of column: String) -> Int {
        guard let index = columns.firstIndex(of: column) else { preconditionFailure("no column \(column)") }
        return index
    }

    static func entries(_ text: String) -> [String] {
        text.split(separator: "|").map { $0.trimmed }.filter { !$0.isEmpty }
    }

    /// Parses one `TYPE[:REFERENCE][@DATE]` designation entry.
    public static func parseDesignationEntry(_ entry: String) throws -> Designation {
        try parseDesignation(entry)
    }

    static func parseDesignation(_ entry: String) throws -> Designation {
        var body = Substring(entry)
        var date: String?
        if let at = body.lastIndex(of: "@") {
            date = String(body[body.index(after: at)...]).trimmed
            body = body[..<at]
        }
        var reference: String?
        if let colon = body.firstIndex(of: ":") {
            reference = String(body[body.index(after: colon)...]).trimmed
            body = body[..<colon]
        }
        let designation = Designation(
            type: try DesignationType.parse(String(body)), reference: reference.nilIfBlank, date: date.nilIfBlank)
        try designation.validate()
        return designation
    }

    static func format(_ designation: Designation) -> String {
        designation.type.rawValue + (designation.reference.map { ":\($0)" } ?? "")
            + (designation.date.map { "@\($0)" } ?? "")
    }

    private static func columnHint(for message: String) -> String? {
        if message.contains("country") { return "country" }
        if message.contains("code") { return "code" }
        if message.contains("name") { return "name" }
        return nil
    }
}
