import Foundation
import GRDB

/// A BagIt bag received from elsewhere and taken into the archive (a PREMIS ingestion event):
/// what the bag said of itself, what checking it found, and the asset versions it became.
public struct BagIngestion: Codable, Hashable, Sendable {
    public var id: String
    public var siteID: String
    public var surveyID: String?
    /// The bag's folder name (or its zip's name).
    public var bagName: String
    /// bag-info.txt's entries in file order, as [label, value] pairs (labels may repeat).
    public var bagInfo: [[String]]
    /// What the fixity check found on receipt, as text: BagIt version, algorithms, files and
    /// bytes checked, the signature's state.
    public var verification: [String: String]
    /// The document asset version holding the bag's own tag files (bag-info.txt, manifests).
    public var documentVersionID: String
    /// The asset versions of its payload files, in bag order (an existing version when the
    /// same bytes were already archived).
    public var versionIDs: [String]
    public var receivedAt: String?
    public var receivedBy: String?

    public init(
        id: String = RecordID.make(), siteID: String, surveyID: String?, bagName: String, bagInfo: [[String]],
        verification: [String: String], documentVersionID: String = "", versionIDs: [String] = []
    ) {
        self.id = id
        self.siteID = siteID
        self.surveyID = surveyID
        self.bagName = bagName
        self.bagInfo = bagInfo
        self.verification = verification
        self.documentVersionID = documentVersionID
        self.versionIDs = versionIDs
    }

    /// The first value bag-info.txt gives for `label` (compared without case).
    public func info(_ label: String) -> String? {
        bagInfo.first { $0.first?.caseInsensitiveCompare(label) == .orderedSame }?.dropFirst().first
    }
}

extension HeritageArchive {
    /// Takes a received bag in, all or nothing: every payload file and the document of the
    /// bag's tag files become asset versions, and the ingestion is recorded with its audit
    /// event, in one transaction. The caller has checked the bag's fixity first.
    ///
    /// - Parameters:
    ///   - ingestion: the ingestion; its `id` is the one each request's provenance names.
    ///   - payload: one request per payload file, each with its provenance.
    ///   - document: the bag's tag files (bag-info.txt first, the rest as related files).
    /// - Returns: the recorded ingestion, and what happened to each payload file.
    /// - Throws: ``HeritageStoreError`` when a reference is wrong or the archive cannot be written;
    ///   nothing is then stored.
    public func ingestBag(
        _ ingestion: BagIngestion, payload: [AssetImportRequest], document: AssetImportRequest, actor: String
    ) throws -> (BagIngestion, [AssetImportOutcome]) {
        let requests = payload + [document]
        try checkReferences(requests)
        return try storingBlobs(requests) { db, stored in
            let outcomes = try insertVersions(db, requests, stored, actor: actor)
            func id(_ outcome: AssetImportOutcome) -> String {
                switch outcome {
                case .stored(let version), .alreadyStored(let version): version.id
                }
            }
            var record = ingestion
            guard let site = try Site.fetch(db, reference: ingestion.siteID) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(ingestion.siteID)'")
            }
            record.siteID = site.id
            record.surveyID = try ingestion.surveyID.map {
                try resolveID(db, table: "survey", reference: $0, noun: "survey")
            }
            record.versionIDs = outcomes.dropLast().map(id)
            record.documentVersionID = outcomes.last.map(id) ?? ""
            let time = Timestamp.now()
            record.receivedAt = time
            record.receivedBy = actor
            try db.execute(
                sql: """
                    INSERT INTO bagIngestion (id, siteId, surveyId, bagName, bagInfo, verification, documentVersionId,
                        versionIds, receivedAt, receivedBy)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, record.siteID, record.surveyID, record.bagName, try JSONText.encode(record.bagInfo),
                    try JSONText.encode(record.verification), record.documentVersionID,
                    try JSONText.encodeList(record.versionIDs), time, actor,
                ])
            try AuditLog.append(
                db, actor: actor, action: "bag.ingest", entityType: "bagIngestion", entityID: record.id,
                entitySeq: db.lastInsertedRowID, oldValue: nil, newValue: try JSONText.encode(record), time: time)
            return (record, Array(outcomes.dropLast()))
        }
    }

    /// The bags a site received, oldest first.
    public func bagIngestions(ofSite reference: String) throws -> [BagIngestion] {
        try read { db in
            guard let site = try Site.fetch(db, reference: reference) else {
                throw HeritageStoreError(.notFound, "no site with code or id '\(reference)'")
            }
            return try Row.fetchAll(
                db, sql: "SELECT * FROM bagIngestion WHERE siteId = ? ORDER BY seq", arguments: [site.id]
            ).map(BagIngestion.init(row:))
        }
    }
}

extension BagIngestion {
    init(row: Row) throws {
        self.init(
            id: row["id"], siteID: row["siteId"], surveyID: row["surveyId"], bagName: row["bagName"],
            bagInfo: try JSONText.decode([[String]].self, from: row["bagInfo"]),
            verification: try JSONText.decode([String: String].self, from: row["verification"]),
            documentVersionID: row["documentVersionId"],
            versionIDs: try JSONText.decode([String].self, from: row["versionIds"]))
        receivedAt = row["receivedAt"]
        receivedBy = row["receivedBy"]
    }
}
