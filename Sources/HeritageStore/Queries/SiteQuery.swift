/// Filters shared by every site listing and query. Empty fields filter nothing.
public struct SiteFilter: Sendable, Hashable {
    public var kinds: [SiteKind] = []
    public var designation: DesignationType?
    public var latestCondition: OverallCondition?
    /// Only sites never assessed (`latestCondition` is then ignored).
    public var unassessed = false
    /// ISO 3166-1 alpha-2 code.
    public var country: String?
    public var limit: Int?

    public init(
        kinds: [SiteKind] = [], designation: DesignationType? = nil, latestCondition: OverallCondition? = nil,
        country: String? = nil, limit: Int? = nil, unassessed: Bool = false
    ) {
        self.unassessed = unassessed
        self.kinds = kinds
        self.designation = designation
        self.latestCondition = latestCondition
        self.country = country
        self.limit = limit
    }
}

/// One row of a site listing, as `site list`, `near` and `search` print it.
///
/// JSON keys are stable: `id`, `code`, `name`, `kind`, `latitude`, `longitude`, `distanceKm`
/// (only when a point was given), `latestCondition` (`null` when never assessed), `country`,
/// `sensitivity`, `generalised` (true when the position was coarsened to 0.1° because the site
/// is restricted).
public struct SiteSummary: Codable, Hashable, Sendable {
    public var id: String
    public var code: String
    public var name: String
    public var kind: SiteKind
    public var latitude: Double
    public var longitude: Double
    public var distanceKm: Double?
    public var latestCondition: OverallCondition?
    public var country: String?
    public var sensitivity: Sensitivity
    public var generalised: Bool

    enum CodingKeys: String, CodingKey {
        case id, code, name, kind, latitude, longitude, distanceKm, latestCondition, country, sensitivity, generalised
    }

    package init(
        id: String, code: String, name: String, kind: SiteKind, latitude: Double, longitude: Double,
        distanceKm: Double?, latestCondition: OverallCondition?, country: String?, sensitivity: Sensitivity,
        generalised: Bool
    ) {
        self.id = id
        self.code = code
        self.name = name
        self.kind = kind
        self.latitude = latitude
        self.longitude = longitude
        self.distanceKm = distanceKm
        self.latestCondition = latestCondition
        self.country = country
        self.sensitivity = sensitivity
        self.generalised = generalised
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(code, forKey: .code)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        try container.encode(latitude, forKey: .latitude)
        try container.encode(longitude, forKey: .longitude)
        try container.encodeIfPresent(distanceKm, forKey: .distanceKm)
        try container.encode(latestCondition, forKey: .latestCondition)
        try container.encode(country, forKey: .country)
        try container.encode(sensitivity, forKey: .sensitivity)
        try container.encode(generalised, forKey: .generalised)
    }
}
