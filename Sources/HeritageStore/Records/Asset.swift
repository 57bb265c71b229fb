import Foundation

/// What kind of evidence an asset is.
public enum AssetKind: String, VocabularyTerm {
    case scan, photo, document, derived
    public static let vocabularyName = "asset kind"
    public var label: String { rawValue.capitalized }
}

/// A piece of evidence about a site (a scan, a photograph, a document, or a result derived from
/// others) with an append-only list of versions.
public struct Asset: Codable, Hashable, Sendable {
    public var id: String
    public var siteID: String
    public var surveyID: String?
    public var title: String
    public var kind: AssetKind
    public var createdAt: String?
}

/// How and when the evidence was captured, as far as the file or the importer knows.
public struct CaptureMetadata: Codable, Hashable, Sendable {
    /// When it was captured (ISO 8601, with the offset when the file gives one).
    public var capturedAt: String?
    public var deviceMake: String?
    public var deviceModel: String?
    public var `operator`: String?
    /// A survey method term (`terrestrial-laser-scan`, `photography`, …).
    public var method: String?
    /// The coordinate reference system (WKT, EPSG code or a description).
    public var crs: String?
    public var units: String?
    /// Stated accuracy, in the file's units.
    public var accuracy: Double?
    public var latitude: Double?
    public var longitude: Double?
    public var altitude: Double?

    public init(
        capturedAt: String? = nil, deviceMake: String? = nil, deviceModel: String? = nil, operator: String? = nil,
        method: String? = nil, crs: String? = nil, units: String? = nil, accuracy: Double? = nil,
        latitude: Double? = nil, longitude: Double? = nil, altitude: Double? = nil
    ) {
        self.capturedAt = capturedAt
        self.deviceMake = deviceMake
        self.deviceModel = deviceModel
        self.operator = `operator`
        self.method = method
        self.crs = crs
        self.units = units
        self.accuracy = accuracy
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
    }
}

/// A file that belongs with a version (an OBJ's MTL, a texture), stored as its own blob.
public struct RelatedFile: Codable, Hashable, Sendable {
    public var name: String
    public var sha256: String
    public var size: Int64
}

/// For a derived version: what it came from and how.
public struct Derivation: Codable, Hashable, Sendable {
    public var sourceVersionIDs: [String]
    /// What was done (`m3c2`, `icp`, `thumbnail`, …).
    public var process: String
    /// Every parameter, as text, so the derivation can be repeated.
    public var parameters: [String: String]
    /// A 4×4 transform, row-major, when one was applied.
    public var transform: [Double]?

    public init(sourceVersionIDs: [String], process: String, parameters: [String: String], transform: [Double]? = nil) {
        self.sourceVersionIDs = sourceVersionIDs
        self.process = process
        self.parameters = parameters
        self.transform = transform
    }
}

/// One immutable version of an asset: a blob and everything known about it.
public struct AssetVersion: Codable, Hashable, Sendable {
    public var id: String
    public var assetID: String
    /// 1, 2, 3… within the asset.
    public var number: Int
    public var previousVersionID: String?
    public var sha256: String
    public var size: Int64
    /// The file name it was imported from.
    public var fileName: String
    /// `ply`, `obj`, `las`, `jpeg`, `png`, …
    public var format: String
    public var importerVersion: String
    public var importedAt: String
    public var importedBy: String
    public var capture: CaptureMetadata
    /// The reader's summary (counts, bounds, properties, dimensions, EXIF) as JSON.
    public var summary: String
    public var relatedFiles: [RelatedFile]
    public var warnings: [String]
    public var derivation: Derivation?
    /// Where the file came from when it arrived in a bag from elsewhere.
    public var provenance: Provenance?
}

/// Where a file came from when it was received in a BagIt bag: the ingestion, its path in the
/// bag, the digests the bag's manifests gave, and who sent it as bag-info.txt says.
public struct Provenance: Codable, Hashable, Sendable {
    /// The ``BagIngestion`` that took it in.
    public var ingestionID: String
    public var bagName: String
    /// Its path inside the bag, e.g. `data/photos/IMG_0001.jpg`.
    public var pathInBag: String
    /// Algorithm (`sha256`, `md5`, …) → the digest the bag's manifest gave, checked on receipt.
    public var manifestDigests: [String: String]
    public var sourceOrganization: String?
    public var contactName: String?
    public var baggingDate: String?
    public var externalIdentifier: String?

    public init(
        ingestionID: String, bagName: String, pathInBag: String, manifestDigests: [String: String],
        sourceOrganization: String? = nil, contactName: String? = nil, baggingDate: String? = nil,
        externalIdentifier: String? = nil
    ) {
        self.ingestionID = ingestionID
        self.bagName = bagName
        self.pathInBag = pathInBag
        self.manifestDigests = manifestDigests
        self.sourceOrganization = sourceOrganization
        self.contactName = contactName
        self.baggingDate = baggingDate
        self.externalIdentifier = externalIdentifier
    }
}
