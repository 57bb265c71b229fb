import Foundation
import GRDB

/// A file to import as a new asset, or as a new version of an existing one.
public struct AssetImportRequest: Sendable {
    public var file: URL
    /// The file's name as recorded, when it is not the name `file` has here (an upload lands
    /// under a name of the server's choosing).
    public var recordedName: String?
    /// What the version records as its file name.
    var fileName: String { recordedName ?? file.lastPathComponent }
    public var site: String
    public var survey: String?
    /// An existing asset (id or unambiguous prefix) to add a version to; nil creates an asset.
    public var asset: String?
    /// The new asset's title (default: the file name).
    public var title: String?
    public var kind: AssetKind
    public var format: String
    /// The reader's summary, as JSON.
    public var summaryJSON: String
    public var capture: CaptureMetadata
    /// Files that belong with this one (name as referenced, location on disk).
    public var relatedFiles: [(name: String, url: URL)]
    public var warnings: [String]
    public var derivation: Derivation?
    /// For a file received in a bag: where it came from.
    public var provenance: Provenance?
    public var importerVersion: String
    /// `file` is this incoming file, finished: it is moved into the object store rather than
    /// copied (``HeritageArchive/incomingFile(extension:)``).
    public var incoming: IncomingFile?

    public init(
        file: URL, site: String, survey: String? = nil, asset: String? = nil, title: String? = nil, kind: AssetKind,
        format: String, summaryJSON: String, capture: CaptureMetadata = CaptureMetadata(),
        relatedFiles: [(name: String, url: URL)] = [], warnings: [String] = [], derivation: Derivation? = nil,
        provenance: Provenance? = nil, importerVersion: String
    ) {
        self.provenance = provenance
        self.file = file
        self.site = site
        self.survey = survey
        self.asset = asset
        self.title = title
        self.kind = kind
        self.format = format
        self.summaryJSON = summaryJSON
        self.capture = capture
        self.relatedFiles = relatedFiles
        self.warnings = warnings
        self.derivation = derivation
        self.importerVersion = importerVersion
    }
}

/// What an import did with one file.
public enum AssetImportOutcome: Sendable, Equatable {
    /// A new version was recorded (version 1 of a new asset, or the next version).
    case stored(AssetVersion)
    /// These exact bytes are already held by this version; nothing new was stored.
    case alreadyStored(AssetVersion)
}

/// One request's blobs, written before its rows.
struct StoredBlobs {
    var sha256: String
    var size: Int64
    var related: [RelatedFile]
}

extension HeritageArchive {
    var blobs: BlobStore { BlobStore(root: url.appending(path: Self.objectsFolderName)) }

    /// Photos whose GPS position is farther than this from their site get a warning.
    public static let photoDistanceWarningKm = 5.0

    /// Imports files as asset versions: blobs first (written, flushed, renamed), then every row
    /// in one transaction with its audit events. If anything fails, no row is written and the
    /// blobs this import created are removed; only a crash can leave unreferenced blobs, which
    /// `verify` reports and `verify --repair` removes.
    ///
    /// - Parameter progress: called while large files are copied, with the file, the bytes
    ///   copied so far and the file's size.
    public func importAssets(
        _ requests: [AssetImportRequest], actor: String, progress: ((URL, Int64, Int64) -> Void)? = nil
    ) throws -> [AssetImportOutcome] {
        try checkReferences(requests)
        return try storingBlobs(requests, progress: progress) { db, stored in
            try insertVersions(db, requests, stored, actor: actor)
        }
    }

    /// Writes the requests' blobs, then runs `body` in a write transaction. If anything fails,
    /// the blobs this call created are removed again, so a failed operation leaves no orphan.
    func storingBlobs<T>(
        _ requests: [AssetImportRequest], progress: ((URL, Int64, Int64) -> Void)? = nil,
        _ body: (Database, [StoredBlobs]) throws -> T
    ) throws -> T {
        guard !isReadOnly else { throw readOnlyError() }
        var created: [String] = []
        do {
            let stored = try storeBlobs(requests, created: &created, progress: progress)
            return try write { db in try body(db, stored) }
        } catch {
            try? discardUnrecorded(created)
            throw error
        }
    }

    /// Removes blobs that no row records, under the write lock: an import that found one of
    /// them on disk and has not yet inserted its row will find it gone when it does
    /// (`insertVersions` checks) and fail instead of recording a missing blob.
    func discardUnrecorded(_ created: [String]) throws {
        guard !created.isEmpty else { return }
        try write { db in
            for sha256 in created
            where try Bool.fetchOne(db, sql: "SELECT 1 FROM blob WHERE sha256 = ?", arguments: [sha256]) == nil {
                blobs.remove(sha256)
            }
        }
    }

    /// The sites, surveys and assets the requests name exist and belong together.
    func checkReferences(_ requests: [AssetImportRequest]) throws {
        try read { db in
            for request in requests {
                guard let site = try Site.fetch(db, reference: request.site) else {
                    throw HeritageStoreError(.notFound, "no site with code or id '\(request.site)'")
                }
                if let survey = request.survey {
                    let id = try resolveID(db, table: "survey", reference: survey, noun: "survey")
                    guard
                        try String.fetchOne(db, sql: "SELECT siteId FROM survey WHERE id = ?", arguments: [id])
                            == site.id
                    else { throw HeritageStoreError(.invalidInput, "survey \(survey) is not a survey of \(site.code)") }
                }
                if let asset = request.asset {
                    let id = try resolveID(db, table: "asset", reference: asset, noun: "asset")
                    guard
                        try String.fetchOne(db, sql: "SELECT siteId FROM asset WHERE id = ?", arguments: [id])
                            == site.id
                    else { throw HeritageStoreError(.invalidInput, "asset \(asset) does not belong to \(site.code)") }
                }
            }
        }
    }

    /// Writes the requests' files (and their related files) into the object store.
    func storeBlobs(
        _ requests: [AssetImportRequest], created: inout [String], progress: ((URL, Int64, Int64) -> Void)? = nil
    ) throws -> [StoredBlobs] {
        var stored: [StoredBlobs] = []
        for request in requests {
            let total =
                (try? FileManager.default.attributesOfItem(atPath: request.file.path)[.size] as? NSNumber)?
                .int64Value ?? 0
            let (sha256, size, isNew) =
                if let incoming = request.incoming, incoming.url == request.file {
                    try blobs.adopt(incoming)
                } else {
                    try blobs.store(contentsOf: request.file) { copied in progress?(request.file, copied, total) }
                }
            if isNew { created.append(sha256) }
            var related: [RelatedFile] = []
            for file in request.relatedFiles {
                let (relatedSHA, relatedSize, isNewRelated) = try blobs.store(contentsOf: file.url)
                if isNewRelated { created.append(relatedSHA) }
                related.append(RelatedFile(name: file.name, sha256: relatedSHA, size: relatedSize))
            }
            stored.append(StoredBlobs(sha256: sha256, size: size, related: related))
        }
        return stored
    }

    /// The rows of an import, inside the caller's transaction.
    func insertVersions(
        _ db: Database, _ requests: [AssetImportRequest], _ stored: [StoredBlobs], actor: String
    ) throws -> [AssetImportOutcome] {
        let time = Timestamp.now()
        var outcomes: [AssetImportOutcome] = []
        for (request, blob) in zip(requests, stored) {
            if let existing = try Row.fetchOne(
                db, sql: "SELECT * FROM assetVersion WHERE sha256 = ? ORDER BY seq LIMIT 1",
                arguments: [blob.sha256])
            {
                outcomes.append(.alreadyStored(try AssetVersion(row: existing)))
                continue
            }
            guard let site = try Site.fetch(db, reference: request.site) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(request.site)'")
            }
            for file in [RelatedFile(name: request.fileName, sha256: blob.sha256, size: blob.size)]
                + blob.related
            {
                // A failed operation may have removed a blob it created that this one found stored.
                guard blobs.contains(file.sha256) else {
                    throw HeritageStoreError(
                        .io,
                        "blob \(file.sha256) of \(request.fileName) left the archive while it "
                            + "was imported; nothing was recorded, import it again")
                }
                try db.execute(
                    sql: "INSERT OR IGNORE INTO blob (sha256, size, storedAt) VALUES (?, ?, ?)",
                    arguments: [file.sha256, file.size, time])
            }
            let assetID: String
            var previous: AssetVersion?
            if let reference = request.asset {
                assetID = try resolveID(db, table: "asset", reference: reference, noun: "asset")
                previous = try Row.fetchOne(
                    db, sql: "SELECT * FROM assetVersion WHERE assetId = ? ORDER BY number DESC LIMIT 1",
                    arguments: [assetID]
                ).map(AssetVersion.init(row:))
            } else {
                let asset = Asset(
                    id: RecordID.make(), siteID: site.id,
                    surveyID: try request.survey.map {
                        try resolveID(db, table: "survey", reference: $0, noun: "survey")
                    },
                    title: request.title ?? request.fileName, kind: request.kind, createdAt: time)
                try db.execute(
                    sql:
                        "INSERT INTO asset (id, siteId, surveyId, title, kind, createdAt) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [asset.id, asset.siteID, asset.surveyID, asset.title, asset.kind.rawValue, time])
                try AuditLog.append(
                    db, actor: actor, action: "asset.create", entityType: "asset", entityID: asset.id,
                    entitySeq: db.lastInsertedRowID, oldValue: nil, newValue: try JSONText.encode(asset), time: time
                )
                assetID = asset.id
            }
            var warnings = request.warnings
            if let latitude = request.capture.latitude, let longitude = request.capture.longitude,
                let point = try? GeoPoint(latitude: latitude, longitude: longitude)
            {
                let distance = GreatCircle.distanceKm(point, site.location.point)
                if distance > Self.photoDistanceWarningKm {
                    warnings.append(
                        String(
                            format:
                                "the file's GPS position is %.1f km from the site's recorded position (more than %.0f km)",
                            distance, Self.photoDistanceWarningKm))
                }
            }
            let version = AssetVersion(
                id: RecordID.make(), assetID: assetID, number: (previous?.number ?? 0) + 1,
                previousVersionID: previous?.id, sha256: blob.sha256, size: blob.size,
                fileName: request.fileName, format: request.format,
                importerVersion: request.importerVersion, importedAt: time, importedBy: actor,
                capture: request.capture, summary: request.summaryJSON, relatedFiles: blob.related,
                warnings: warnings, derivation: request.derivation, provenance: request.provenance)
            try version.insert(db)
            try AuditLog.append(
                db, actor: actor, action: "asset.version", entityType: "assetVersion", entityID: version.id,
                entitySeq: db.lastInsertedRowID, oldValue: nil, newValue: try JSONText.encode(version), time: time)
            outcomes.append(.stored(version))
        }
        return outcomes
    }

    /// The assets of a site, oldest first.
    public func assets(ofSite reference: String) throws -> [(asset: Asset, versions: [AssetVersion])] {
        try read { db in
            guard let site = try Site.fetch(db, reference: reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM asset WHERE siteId = ? ORDER BY seq", arguments: [site.id])
                .map { row in
                    let asset = try Asset(row: row)
                    return (asset, try Self.versions(db, of: asset.id))
                }
        }
    }

    /// A new file in the archive's temporary folder for bytes that arrive in pieces (an
    /// upload), hashed as they are written; pass it as the request's `incoming` to store it
    /// without a second copy. `fileExtension` (".ply") is kept, as readers of text formats go
    /// by it.
    public func incomingFile(extension fileExtension: String) throws -> IncomingFile {
        try IncomingFile(folder: blobs.temporaryFolder, extension: fileExtension)
    }

    /// Removes incoming files left by processes that are no longer running; returns their names.
    @discardableResult
    public func removeAbandonedIncomingFiles() -> [String] {
        blobs.removeAbandonedIncoming()
    }

    /// A page of a site's assets, oldest first, each with all its versions, and how many
    /// assets the site has: what a site page lists without holding thousands of them.
    public func assets(
        ofSite reference: String, limit: Int, offset: Int
    ) throws -> (total: Int, assets: [(asset: Asset, versions: [AssetVersion])]) {
        try read { db in
            guard let site = try Site.fetch(db, reference: reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM asset WHERE siteId = ?", arguments: [site.id])
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM asset WHERE siteId = ? ORDER BY seq LIMIT ? OFFSET ?",
                arguments: [site.id, max(0, limit), max(0, offset)])
            return (
                total ?? 0,
                try rows.map { row in
                    let asset = try Asset(row: row)
                    return (asset, try Self.versions(db, of: asset.id))
                }
            )
        }
    }

    /// An asset (id or unambiguous prefix) and all its versions, oldest first.
    public func asset(_ reference: String) throws -> (asset: Asset, versions: [AssetVersion]) {
        try read { db in
            let id = try resolveID(db, table: "asset", reference: reference, noun: "asset")
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM asset WHERE id = ?", arguments: [id]) else {
                throw HeritageStoreError(.notFound, "no asset with id '\(reference)'")
            }
            return (try Asset(row: row), try Self.versions(db, of: id))
        }
    }

    /// The asset version with this id (or its first characters), with its asset.
    public func assetVersion(_ reference: String) throws -> (asset: Asset, version: AssetVersion) {
        try read { db in
            let id = try resolveID(db, table: "assetVersion", reference: reference, noun: "asset version")
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM assetVersion WHERE id = ?", arguments: [id]),
                let assetRow = try Row.fetchOne(
                    db, sql: "SELECT * FROM asset WHERE id = ?", arguments: [row["assetId"] as String])
            else { throw HeritageStoreError(.notFound, "no asset version with id '\(reference)'") }
            return (try Asset(row: assetRow), try AssetVersion(row: row))
        }
    }

    /// Where a version's bytes are, after checking they still hash to the recorded SHA-256.
    public func verifiedBlob(of version: AssetVersion) throws -> URL {
        let found = try blobs.hash(version.sha256)
        guard found == version.sha256 else {
            throw HeritageStoreError(
                .integrity, "blob \(version.sha256) no longer matches its hash (now \(found)); the archive is damaged")
        }
        return blobs.path(of: version.sha256)
    }

    /// Where a blob's bytes are, without re-hashing them: for a caller that hashes its copy
    /// anyway and compares the result with `sha256` (a package's manifest does).
    public func blobLocation(sha256: String) -> URL { blobs.path(of: sha256) }

    /// Where a related file's bytes are, after checking their hash.
    public func verifiedBlob(sha256: String) throws -> URL {
        let found = try blobs.hash(sha256)
        guard found == sha256 else {
            throw HeritageStoreError(.integrity, "blob \(sha256) no longer matches its hash (now \(found))")
        }
        return blobs.path(of: sha256)
    }

    static func versions(_ db: Database, of assetID: String) throws -> [AssetVersion] {
        try Row.fetchAll(db, sql: "SELECT * FROM assetVersion WHERE assetId = ? ORDER BY number", arguments: [assetID])
            .map(AssetVersion.init(row:))
    }
}

extension Asset {
    init(row: Row) throws {
        self.init(
            id: row["id"], siteID: row["siteId"], surveyID: row["surveyId"], title: row["title"],
            kind: try .stored(row["kind"]), createdAt: row["createdAt"])
    }
}

extension AssetVersion {
    init(row: Row) throws {
        self.init(
            id: row["id"], assetID: row["assetId"], number: row["number"], previousVersionID: row["previousVersionId"],
            sha256: row["sha256"], size: row["size"], fileName: row["fileName"], format: row["format"],
            importerVersion: row["importerVersion"], importedAt: row["importedAt"], importedBy: row["importedBy"],
            capture: try JSONText.decode(CaptureMetadata.self, from: row["capture"]), summary: row["summary"],
            relatedFiles: try JSONText.decode([RelatedFile].self, from: row["relatedFiles"]),
            warnings: try JSONText.decode([String].self, from: row["warnings"]),
            derivation: try (row["derivation"] as String?).map { try JSONText.decode(Derivation.self, from: $0) },
            provenance: try (row["provenance"] as String?).map { try JSONText.decode(Provenance.self, from: $0) })
    }

    func insert(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO assetVersion (id, assetId, number, previousVersionId, sha256, size, fileName, format,
                    importerVersion, importedAt, importedBy, capture, summary, relatedFiles, warnings, derivation,
                    provenance)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, assetID, number, previousVersionID, sha256, size, fileName, format, importerVersion, importedAt,
                importedBy, try JSONText.encode(capture), summary, try JSONText.encode(relatedFiles),
                try JSONText.encodeList(warnings), try derivation.map { try JSONText.encode($0) },
                try provenance.map { try JSONText.encode($0) },
            ])
        for file in relatedFiles {
            try db.execute(
                sql: "INSERT OR IGNORE INTO assetRelatedBlob (versionId, sha256) VALUES (?, ?)",
                arguments: [id, file.sha256])
        }
    }
}
