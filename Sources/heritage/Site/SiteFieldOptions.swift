import ArgumentParser
import Foundation
import HeritageStore

/// The fields of a site as command-line options, shared by `site add` and `site edit`.
struct SiteFieldOptions: ParsableArguments {
    @Option(help: "Unique reference code, e.g. SY-PAL-BEL.") var code: String?
    @Option(help: "Primary name.") var name: String?
    @Option(help: "BCP 47 language tag of --name (default und, undetermined, as in a register).") var language: String?
    @Option(name: .customLong("other-name"), help: "Another name as LANG:NAME (repeatable), e.g. ar:معبد بل")
    var otherNames: [String] = []
    @Option(help: "Site kind: \(SiteKind.allCases.map(\.rawValue).joined(separator: ", ")).") var kind: String?
    @Option(help: "Community or religion.") var community: String?
    @Option(help: "Period or construction date, e.g. '1557-1566'.") var period: String?
    @Option(help: "Description.") var description: String?
    @Option(parsing: .unconditional, help: "WGS84 latitude (decimal or D°M′S″N; -33.5 for south).", transform: { $0 })
    var latitude: String?
    @Option(parsing: .unconditional, help: "WGS84 longitude (decimal or D°M′S″E; -70.6 for west).", transform: { $0 })
    var longitude: String?
    @Option(help: "Position precision in metres.") var precision: Double?
    @Option(help: "Certainty of the position: \(Certainty.allCases.map(\.rawValue).joined(separator: ", ")).")
    var certainty: String?
    @Option(help: "ISO 3166-1 alpha-2 country code.") var country: String?
    @Option(name: .customLong("admin-area"), help: "Administrative area.") var adminArea: String?
    @Option(help: "Sensitivity: public or restricted.") var sensitivity: String?
    @Option(help: "Designation as TYPE[:REFERENCE][@DATE] (repeatable), e.g. world-heritage:23@1980.")
    var designation: [String] = []
    @Option(name: .customLong("external-id"), help: "External id as SCHEME:VALUE (repeatable), e.g. wikidata:Q42.")
    var externalID: [String] = []
    @Option(help: "A source: citation or URL (repeatable).") var source: [String] = []
    @Option(help: "Boundary: a GeoJSON Polygon/MultiPolygon, or @FILE to read one.") var boundary: String?

    /// Applies the options that were given to `site`; repeatable options add to its lists.
    func apply(to site: inout Site) throws {
        if let code { site.code = code }
        if let name {
            let language = self.language ?? site.names.first(where: \.isPrimary)?.language ?? "und"
            site.names.removeAll { $0.isPrimary }
            site.names.insert(SiteName(language: language, name: name, isPrimary: true), at: 0)
        } else if let language, let index = site.names.firstIndex(where: \.isPrimary) {
            site.names[index].language = language
        }
        for entry in otherNames {
            guard let colon = entry.firstIndex(of: ":") else {
                throw HeritageStoreError(.invalidInput, "--other-name '\(entry)' is not LANG:NAME")
            }
            site.names.append(
                SiteName(language: String(entry[..<colon]), name: String(entry[entry.index(after: colon)...])))
        }
        if let kind { site.kind = try SiteKind.parse(kind) }
        if let community { site.community = community }
        if let period { site.period = period }
        if let description { site.description = description }
        if let latitude { site.location.latitude = try parseCoordinate(latitude, isLatitude: true) }
        if let longitude { site.location.longitude = try parseCoordinate(longitude, isLatitude: false) }
        if let precision { site.location.precisionMetres = precision }
        if let certainty { site.location.certainty = try Certainty.parse(certainty) }
        if let country { site.country = country }
        if let adminArea { site.adminArea = adminArea }
        if let sensitivity { site.sensitivity = try Sensitivity.parse(sensitivity) }
        for entry in designation { site.designations.append(try SiteFields.parseDesignationEntry(entry)) }
        for entry in externalID {
            guard let colon = entry.firstIndex(of: ":") else {
                throw HeritageStoreError(.invalidInput, "--external-id '\(entry)' is not SCHEME:VALUE")
            }
            site.externalIDs.append(
                ExternalID(
                    scheme: try ExternalIDScheme.parse(String(entry[..<colon])),
                    value: String(entry[entry.index(after: colon)...])))
        }
        site.sources += source
        if let boundary {
            if boundary.hasPrefix("@") {
                let path = String(boundary.dropFirst())
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw HeritageStoreError(.io, "cannot read the boundary file \(path)")
                }
                site.boundary = String(decoding: data, as: UTF8.self)
            } else {
                site.boundary = boundary.isEmpty ? nil : boundary
            }
        }
    }
}
