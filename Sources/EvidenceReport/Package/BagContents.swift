import HeritageStore

/// The registry rows a package carries (`data/registry/registry.json`).
public struct RegistryExtract: Sendable, Codable {
    public var site: Site
    public var surveys: [Survey]
    public var assessments: [ConditionAssessment]
    public var assets: [Asset]
    public var versions: [AssetVersion]
    public var findings: [Finding]
}

/// One audit event as a package carries it (`data/registry/audit-events.json`). For a
/// restricted site released without its position, the JSON values of events that hold a
/// position are withheld; such an event's hash cannot be recomputed, only its links checked.
public struct PackagedAuditEvent: Sendable, Codable {
    public var event: AuditEvent
    public var valuesWithheld: Bool
}

/// An archived file in the package (`data/registry/files.json`): where it is, which asset
/// version it is, and the SHA-256 the archive recorded when it was imported.
public struct PackagedFile: Sendable, Codable {
    /// Relative to the bag's root, e.g. `data/files/…`; nil when the file was withheld.
    public var path: String?
    public var versionID: String
    public var relatedName: String?
    public var sha256: String
    public var size: Int64
    /// Why a file is not in the package (it would reveal a restricted position).
    public var withheld: String?
}

/// A PREMIS-style event about an asset version (`data/premis/<asset>.json`).
public struct PreservationEvent: Sendable, Codable {
    /// `ingestion`, `fixity check`, `derivation`, `packaging` or `withholding`.
    public var eventType: String
    public var dateTime: String
    public var agent: String
    public var detail: String
    /// `success` or `failure`.
    public var outcome: String
    /// The audit event that records it in the archive, when there is one.
    public var auditSequence: Int64?
}

public struct PreservationRecord: Sendable, Codable {
    public var assetID: String
    public var title: String
    public var versions: [PreservationVersion]
}

public struct PreservationVersion: Sendable, Codable {
    public var versionID: String
    public var number: Int
    public var sha256: String
    public var events: [PreservationEvent]
}
