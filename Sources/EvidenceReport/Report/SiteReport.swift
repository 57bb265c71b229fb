import HeritageStore
import SurveyDiff

/// Everything a report on one site says, as values: the HTML and the JSON are two renderings
/// of this one structure, so they cannot disagree.
public struct SiteReport: Sendable, Codable {
    public var title: String
    public var generatedAt: String
    public var generatedBy: String
    public var software: String
    /// The period the report covers (ISO dates, inclusive), when it is limited.
    public var from: String?
    public var to: String?
    /// True when the site is restricted and its exact position was left out.
    public var locationGeneralised: Bool
    public var site: ReportSite
    public var timeline: [ReportAssessment]
    public var surveys: [ReportSurvey]
    public var comparisons: [ReportComparison]
    public var custody: ReportCustody
    /// What `HeritageArchive.verify(site:)` found before anything was gathered.
    public var archiveCheck: ReportArchiveCheck
    public var methodology: [ReportParagraph]
    /// Every file the report refers to, beside it, with its SHA-256 (the report's own HTML and
    /// JSON are listed in `manifest-sha256.txt` beside them).
    public var manifest: [ManifestEntry]
}

public struct ReportParagraph: Sendable, Codable {
    public var heading: String
    public var text: String
}

public struct ReportSite: Sendable, Codable {
    public var id: String
    public var code: String
    public var names: [SiteName]
    public var kind: String
    public var community: String?
    public var period: String?
    public var description: String?
    public var latitude: Double
    public var longitude: Double
    public var precisionMetres: Double?
    public var boundary: String?
    public var country: String?
    public var adminArea: String?
    public var sensitivity: String
    public var designations: [ReportDesignation]
    public var externalIDs: [ExternalID]
    public var sources: [String]
}

public struct ReportDesignation: Sendable, Codable {
    public var type: String
    public var label: String
    public var reference: String?
    public var date: String?
    /// What the designation means in law, in plain words with the articles it rests on.
    public var legalMeaning: String
}

public struct ReportAssessment: Sendable, Codable {
    public var id: String
    public var date: String
    public var assessor: String
    public var activity: String
    public var condition: String
    public var extent: String
    public var cause: String?
    public var effects: [String]
    public var certainty: String
    public var notes: String?
    public var recordedAt: String?
    public var supersedes: String?
    public var supersededBy: String?
    /// What the assessment rests on: its survey and the findings its notes cite.
    public var evidence: [String]
}

public struct ReportSurvey: Sendable, Codable {
    /// Nil for the group of assets filed without a survey.
    public var id: String?
    public var dates: String
    public var method: String
    public var team: [String]
    public var notes: String?
    public var assets: [ReportAsset]
}

public struct ReportAsset: Sendable, Codable {
    public var id: String
    public var title: String
    public var kind: String
    public var versions: [ReportAssetVersion]
}

public struct ReportAssetVersion: Sendable, Codable {
    public var id: String
    public var number: Int
    public var fileName: String
    public var format: String
    public var sha256: String
    public var size: Int64
    public var importedAt: String
    public var importedBy: String
    public var importerVersion: String
    /// Capture metadata; for a generalised report its position is snapped like the site's.
    public var capture: CaptureMetadata
    public var warnings: [String]
    public var derivation: Derivation?
    /// The thumbnail beside the report (photographs only).
    public var thumbnail: String?
    /// How far the photograph's GPS position lies from the site, and whether that is plausible.
    public var gpsCheck: GPSCheck?
    /// Where it came from when it was received in a bag from elsewhere.
    public var provenance: Provenance?
}

public struct GPSCheck: Sendable, Codable {
    public var distanceKm: Double
    public var consistent: Bool
    public var statement: String
}

public struct ReportComparison: Sendable, Codable {
    public var findingID: String
    public var method: String
    public var recordedAt: String?
    public var recordedBy: String?
    public var before: String
    public var after: String
    public var beforeVersionID: String
    public var afterVersionID: String
    public var account: String
    public var units: String
    public var parameters: [String: String]
    public var registration: RegistrationReport?
    public var coreCount: Int
    public var significantCount: Int
    public var noDataCount: Int
    public var distance: DistanceStatistics?
    public var regions: [DamageRegion]
    /// What the figures do and do not show.
    public var caveats: [String]
    /// Heat maps beside the report.
    public var heatMaps: [String]
}

public struct ReportCustody: Sendable, Codable {
    public var events: [ReportAuditEvent]
    /// Bags received from others that brought files shown in the report.
    public var ingestions: [ReportIngestion] = []
    /// The archive's newest event when the report was made: its hash pins every event before it.
    public var headSequence: Int64
    public var headHash: String
    /// Each event's hash recomputed from its content, and each link between consecutive events.
    public var verified: Bool
    public var statement: String
}

/// The archive's state when the report was made: every row the report rests on against its
/// audit events, the whole audit chain, and every blob's hash.
public struct ReportArchiveCheck: Sendable, Codable {
    /// True when nothing failed.
    public var verified: Bool
    /// Each failure, naming the row, event or blob; empty when verified.
    public var problems: [String]
    public var statement: String
}

/// A bag received from elsewhere: who sent it, when it was made and received, what checking it found.
public struct ReportIngestion: Sendable, Codable {
    public var id: String
    public var bagName: String
    public var receivedAt: String?
    public var receivedBy: String?
    /// bag-info.txt's entries, as [label, value].
    public var bagInfo: [[String]]
    public var verification: [String: String]
    public var versionIDs: [String]
    public var documentVersionID: String
}

public struct ReportAuditEvent: Sendable, Codable {
    public var sequence: Int64
    public var time: String
    public var actor: String
    public var action: String
    public var entityType: String
    public var entityID: String
    public var previousHash: String
    public var hash: String
}

public struct ManifestEntry: Sendable, Codable, Equatable {
    public var path: String
    public var sha256: String
    public var size: Int64
    public var role: String
}
