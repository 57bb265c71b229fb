import Foundation

/// A heritage place in the registry.
///
/// `id` is a UUID assigned once and never changed; `code` is the unique human reference
/// (for example `SY-PAL-BEL`) and may be corrected, with the change audited.
public struct Site: Codable, Hashable, Sendable {
    public var id: String
    public var code: String
    /// Names in any language and script; exactly one is primary.
    public var names: [SiteName]
    public var kind: SiteKind
    public var community: String?
    /// A period or construction date, as free text ("1172–1173", "6th century CE").
    public var period: String?
    public var description: String?
    public var location: SiteLocation
    /// A GeoJSON Polygon or MultiPolygon, validated and normalised.
    public var boundary: String?
    /// ISO 3166-1 alpha-2 country code, upper case.
    public var country: String?
    public var adminArea: String?
    public var sensitivity: Sensitivity
    public var designations: [Designation]
    public var externalIDs: [ExternalID]
    /// Where the facts come from: citations or URLs.
    public var sources: [String]

    public init(
        id: String = RecordID.make(), code: String, names: [SiteName], kind: SiteKind,
        community: String? = nil, period: String? = nil, description: String? = nil, location: SiteLocation,
        boundary: String? = nil, country: String? = nil, adminArea: String? = nil,
        sensitivity: Sensitivity = .public, designations: [Designation] = [], externalIDs: [ExternalID] = [],
        sources: [String] = []
    ) {
        self.id = id
        self.code = code
        self.names = names
        self.kind = kind
        self.community = community
        self.period = period
        self.description = description
        self.location = location
        self.boundary = boundary
        self.country = country
        self.adminArea = adminArea
        self.sensitivity = sensitivity
        self.designations = designations
        self.externalIDs = externalIDs
        self.sources = sources
    }

    /// The primary name (the first name if, against the rules, none is marked primary).
    public var primaryName: String {
        (names.first(where: \.isPrimary) ?? names.first)?.name ?? code
    }

    /// Checks every rule that does not need the database, and normalises codes and text.
    public func validated() throws -> Site {
        var site = self
        site.code = code.trimmed
        guard !site.code.isEmpty, site.code.count <= 64,
            site.code.unicodeScalars.allSatisfy(isCodeScalar)
        else {
            throw HeritageStoreError(
                .invalidInput, "site code '\(code)' must be 1-64 letters, digits or - _ . / without spaces")
        }
        guard !names.isEmpty else {
            throw HeritageStoreError(.invalidInput, "site \(site.code) needs at least one name")
        }
        site.names = try names.map { try $0.validated() }
        let primaries = site.names.filter(\.isPrimary).count
        if primaries == 0 { site.names[0].isPrimary = true }
        guard primaries <= 1 else {
            throw HeritageStoreError(.invalidInput, "site \(site.code) has \(primaries) primary names; expected one")
        }
        _ = try GeoPoint(latitude: location.latitude, longitude: location.longitude)
        if let precision = location.precisionMetres, !(precision.isFinite && precision >= 0) {
            throw HeritageStoreError(.invalidInput, "location precision must be a non-negative number of metres")
        }
        if let boundary { site.boundary = try validatedBoundary(boundary) }
        site.country = try country.nilIfBlank.map(canonicalCountryCode)
        for designation in designations { try designation.validate() }
        for external in externalIDs where external.value.trimmed.isEmpty {
            throw HeritageStoreError(.invalidInput, "external id of scheme \(external.scheme.rawValue) is empty")
        }
        site.community = community.nilIfBlank
        site.period = period.nilIfBlank
        site.description = description.nilIfBlank
        site.adminArea = adminArea.nilIfBlank
        return site
    }
}

/// One name of a site in one language.
public struct SiteName: Codable, Hashable, Sendable {
    /// A BCP 47 language tag: `en`, `ar`, `hy`, `sr-Cyrl`, `bs-Latn`.
    public var language: String
    public var name: String
    public var isPrimary: Bool

    public init(language: String, name: String, isPrimary: Bool = false) {
        self.language = language
        self.name = name
        self.isPrimary = isPrimary
    }

    func validated() throws -> SiteName {
        var copy = self
        copy.name = name.trimmed
        guard !copy.name.isEmpty else {
            throw HeritageStoreError(.invalidInput, "a site name in '\(language)' is empty")
        }
        copy.language = try canonicalLanguageTag(language)
        return copy
    }
}

/// Checks the shape of a BCP 47 tag (RFC 5646 syntax: a 2-3 letter language, then subtags
/// of 1-8 letters or digits) and puts it in canonical case (`sr-cyrl` → `sr-Cyrl`).
func canonicalLanguageTag(_ tag: String) throws -> String {
    // Fast path: a bare two- or three-letter lower-case language ("en", "ar", "hy").
    if (2...3).contains(tag.utf8.count), tag.utf8.allSatisfy({ (0x61...0x7A).contains($0) }) { return tag }
    let parts = tag.trimmed.split(separator: "-", omittingEmptySubsequences: false)
    guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }),
        parts.dropFirst().allSatisfy({
            (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        })
    else {
        throw HeritageStoreError(.invalidInput, "'\(tag)' is not a BCP 47 language tag (e.g. en, ar, hy, sr-Cyrl)")
    }
    var result = [first.lowercased()]
    for part in parts.dropFirst() {
        if part.count == 4 && part.allSatisfy(\.isLetter) {
            result.append(part.prefix(1).uppercased() + part.dropFirst().lowercased())
        } else if part.count == 2 && part.allSatisfy(\.isLetter) {
            result.append(part.uppercased())
        } else {
            result.append(part.lowercased())
        }
    }
    return result.joined(separator: "-")
}

/// Letters and digits of any script, and `-`, `_`, `.`, `/`.
private func isCodeScalar(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/": true
    default: scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}

/// Checks an ISO 3166-1 alpha-2 code's shape and puts it in upper case.
func canonicalCountryCode(_ code: String) throws -> String {
    let upper = code.trimmed.uppercased()
    guard upper.count == 2, upper.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
        throw HeritageStoreError(
            .invalidInput, "country '\(code)' is not an ISO 3166-1 alpha-2 code (two letters, e.g. SY)")
    }
    return upper
}

/// Where a site is, and how well that is known.
public struct SiteLocation: Codable, Hashable, Sendable {
    public var latitude: Double
    public var longitude: Double
    /// Radius in metres within which the site is known to lie.
    public var precisionMetres: Double?
    public var certainty: Certainty

    public init(latitude: Double, longitude: Double, precisionMetres: Double? = nil, certainty: Certainty = .high) {
        self.latitude = latitude
        self.longitude = longitude
        self.precisionMetres = precisionMetres
        self.certainty = certainty
    }

    public var point: GeoPoint {
        // Locations are validated on the way in; a stored one is always in range.
        (try? GeoPoint(latitude: latitude, longitude: longitude)) ?? GeoPoint.origin
    }
}

extension GeoPoint {
    static let origin = GeoPoint(uncheckedLatitude: 0, longitude: 0)
    init(uncheckedLatitude latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// A protection status a site holds.
public struct Designation: Codable, Hashable, Sendable {
    public var type: DesignationType
    /// The listing's reference, e.g. the World Heritage id "23" or a national register number.
    public var reference: String?
    /// The date it took effect (ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD).
    public var date: String?

    public init(type: DesignationType, reference: String? = nil, date: String? = nil) {
        self.type = type
        self.reference = reference
        self.date = date
    }

    func validate() throws {
        if let date { try checkPartialDate(date, field: "designation date") }
        if type == .nationalRegister, reference.nilIfBlank == nil {
            throw HeritageStoreError(.invalidInput, "a national-register designation needs its reference")
        }
    }
}

/// An identifier the site has in another register.
public struct ExternalID: Codable, Hashable, Sendable {
    public var scheme: ExternalIDScheme
    public var value: String

    public init(scheme: ExternalIDScheme, value: String) {
        self.scheme = scheme
        self.value = value
    }
}

/// Checks an ISO 8601 calendar date, possibly reduced: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
func checkPartialDate(_ text: String, field: String) throws {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    let valid: Bool = {
        guard (1...3).contains(parts.count), parts[0].count == 4, let year = Int(parts[0]), year > 0 else {
            return false
        }
        if parts.count >= 2 {
            guard parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return false }
            if parts.count == 3 {
                guard parts[2].count == 2, let day = Int(parts[2]) else { return false }
                var components = DateComponents(year: year, month: month, day: day)
                components.calendar = Calendar(identifier: .gregorian)
                return day >= 1 && components.isValidDate
            }
        }
        return true
    }()
    guard valid else {
        throw HeritageStoreError(
            .invalidInput, "\(field) '\(text)' is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD")
    }
}

extension Optional where Wrapped == String {
    var nilIfBlank: String? {
        guard let value = self?.trimmed, !value.isEmpty else { return nil }
        return value
    }
}
