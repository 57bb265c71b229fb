import Foundation
import GRDB

/// Reading and writing a ``Site`` across its tables. Callers hold the transaction.
extension Site {
    static func fetch(_ db: Database, reference: String) throws -> Site? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM site WHERE id = ? OR code = ? COLLATE NOCASE",
                arguments: [reference, reference])
        else { return nil }
        return try Site(db, row: row)
    }

    init(_ db: Database, row: Row) throws {
        let seq: Int64 = row["seq"]
        // Cached statements: a site read on its own (show, edit, a report) reads its children so.
        let names = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT language, name, isPrimary FROM siteName WHERE siteSeq = ? ORDER BY position"),
            arguments: [seq]
        ).map { SiteName(language: $0["language"], name: $0["name"], isPrimary: $0["isPrimary"]) }
        let designations = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT type, reference, date FROM siteDesignation WHERE siteSeq = ? ORDER BY position"),
            arguments: [seq]
        ).map { try Designation(type: .stored($0["type"]), reference: $0["reference"], date: $0["date"]) }
        let externalIDs = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT scheme, value FROM siteExternalId WHERE siteSeq = ? ORDER BY position"),
            arguments: [seq]
        ).map { try ExternalID(scheme: .stored($0["scheme"]), value: $0["value"]) }
        try self.init(row: row, names: names, designations: designations, externalIDs: externalIDs)
    }

    /// A site from its row and its children, read by the caller.
    init(row: Row, names: [SiteName], designations: [Designation], externalIDs: [ExternalID]) throws {
        let sourcesJSON: String = row["sources"]
        self.init(
            id: row["id"], code: row["code"], names: names, kind: try .stored(row["kind"]),
            community: row["community"], period: row["period"], description: row["description"],
            location: SiteLocation(
                latitude: row["latitude"], longitude: row["longitude"], precisionMetres: row["precisionMetres"],
                certainty: try .stored(row["locationCertainty"])),
            boundary: row["boundary"], country: row["country"], adminArea: row["adminArea"],
            sensitivity: try .stored(row["sensitivity"]), designations: designations, externalIDs: externalIDs,
            sources: sourcesJSON == "[]" ? [] : try JSONDecoder().decode([String].self, from: Data(sourcesJSON.utf8)))
    }

    /// Replaces the row of an existing site (same id) with this value; returns the row's seq.
    @discardableResult
    func update(_ db: Database, time: String) throws -> Int64 {
        try db.executeCached(
            sql: """
                UPDATE site SET code = ?, kind = ?, community = ?, period = ?, description = ?, latitude = ?,
                    longitude = ?, precisionMetres = ?, locationCertainty = ?, boundary = ?, country = ?,
                    adminArea = ?, sensitivity = ?, sources = ?, updatedAt = ?
                WHERE id = ?
                """,
            arguments: [
                code, kind.rawValue, community, period, description, location.latitude, location.longitude,
                location.precisionMetres, location.certainty.rawValue, boundary, country, adminArea,
                sensitivity.rawValue, try JSONText.encodeList(sources), time, id,
            ])
        guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM site WHERE id = ?", arguments: [id]) else {
            throw HeritageStoreError(.notFound, "site \(id) does not exist")
        }
        for table in ["siteName", "siteDesignation", "siteExternalId"] {
            try db.executeCached(sql: "DELETE FROM \(table) WHERE siteSeq = ?", arguments: [seq])
        }
        try db.executeCached(sql: "DELETE FROM siteSearch WHERE rowid = ?", arguments: [seq])
        try db.executeCached(
            sql: """
                UPDATE siteLocation SET minLatitude = ?, maxLatitude = ?, minLongitude = ?, maxLongitude = ?
                WHERE seq = ?
                """,
            arguments: [location.latitude, location.latitude, location.longitude, location.longitude, seq])
        try SiteWriter(db).insertChildren(of: self, seq: seq)
        return seq
    }
}

/// The statements that write a site's rows, prepared once and reused for every site of an import.
struct SiteWriter {
    private let db: Database
    private let site: Statement
    private let location: Statement
    private let name: Statement
    private let designation: Statement
    private let externalID: Statement
    private let search: Statement

    init(_ db: Database) throws {
        self.db = db
        site = try db.cachedStatement(
            sql: """
                INSERT INTO site (id, code, kind, community, period, description, latitude, longitude,
                    precisionMetres, locationCertainty, boundary, country, adminArea, sensitivity, sources,
                    createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        location = try db.cachedStatement(
            sql: """
                INSERT INTO siteLocation (seq, minLatitude, maxLatitude, minLongitude, maxLongitude)
                VALUES (?, ?, ?, ?, ?)
                """)
        name = try db.cachedStatement(
            sql: "INSERT INTO siteName (siteSeq, position, language, name, isPrimary) VALUES (?, ?, ?, ?, ?)")
        designation = try db.cachedStatement(
            sql: "INSERT INTO siteDesignation (siteSeq, position, type, reference, date) VALUES (?, ?, ?, ?, ?)")
        externalID = try db.cachedStatement(
            sql: "INSERT INTO siteExternalId (siteSeq, position, scheme, value) VALUES (?, ?, ?, ?)")
        search = try db.cachedStatement(
            sql: "INSERT INTO siteSearch (rowid, code, names, community, description) VALUES (?, ?, ?, ?, ?)")
    }

    /// Inserts a validated site: its row, its R*Tree box, names, designations, external ids and search
    /// entry. Returns the site row's seq.
    @discardableResult
    func insert(_ value: Site, time: String) throws -> Int64 {
        let point = value.location
        try site.execute(arguments: [
            value.id, value.code, value.kind.rawValue, value.community, value.period, value.description,
            point.latitude, point.longitude, point.precisionMetres, point.certainty.rawValue, value.boundary,
            value.country, value.adminArea, value.sensitivity.rawValue, try JSONText.encodeList(value.sources), time,
            time,
        ])
        let seq = db.lastInsertedRowID
        try location.execute(arguments: [seq, point.latitude, point.latitude, point.longitude, point.longitude])
        try insertChildren(of: value, seq: seq)
        return seq
    }

    /// Inserts the rows that hang off a site row (`seq` is its rowid).
    func insertChildren(of value: Site, seq: Int64) throws {
        for (position, entry) in value.names.enumerated() {
            try name.execute(arguments: [seq, position, entry.language, entry.name, entry.isPrimary])
        }
        for (position, entry) in value.designations.enumerated() {
            try designation.execute(arguments: [seq, position, entry.type.rawValue, entry.reference, entry.date])
        }
        for (position, entry) in value.externalIDs.enumerated() {
            try externalID.execute(arguments: [seq, position, entry.scheme.rawValue, entry.value])
        }
        try search.execute(arguments: [
            seq, value.code, value.names.map(\.name).joined(separator: " \u{2022} "), value.community,
            value.description,
        ])
    }
}

extension VocabularyTerm {
    /// A term read back from the database, where CHECK constraints keep only known slugs.
    static func stored(_ raw: String) throws -> Self {
        guard let term = Self(rawValue: raw) else {
            throw HeritageStoreError(.integrity, "the database holds an unknown \(vocabularyName) '\(raw)'")
        }
        return term
    }
}

/// JSON as the archive writes it: sorted keys, no escaped slashes, so equal values give equal text.
enum JSONText {
    /// A list of strings as JSON; the common empty list without starting an encoder.
    static func encodeList(_ list: [String]) throws -> String {
        list.isEmpty ? "[]" : try encode(list)
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

/// Every site in row order with its children, for reading a whole register: one ordered pass
/// over each child table (stored in site order, WITHOUT ROWID) merged with the sites, instead of
/// three queries a site.
struct SiteCursor {
    private let sites: RowCursor
    private let names: RowCursor
    private let designations: RowCursor
    private let externalIDs: RowCursor
    private var pending: (name: Row?, designation: Row?, externalID: Row?) = (nil, nil, nil)

    /// `sitesSQL` selects every column of `site` (and any more) in `seq` order.
    init(_ db: Database, sitesSQL: String = "SELECT * FROM site ORDER BY seq", arguments: StatementArguments = [])
        throws
    {
        sites = try Row.fetchCursor(db, sql: sitesSQL, arguments: arguments)
        names = try Row.fetchCursor(
            db, sql: "SELECT siteSeq, language, name, isPrimary FROM siteName ORDER BY siteSeq, position")
        designations = try Row.fetchCursor(
            db, sql: "SELECT siteSeq, type, reference, date FROM siteDesignation ORDER BY siteSeq, position")
        externalIDs = try Row.fetchCursor(
            db, sql: "SELECT siteSeq, scheme, value FROM siteExternalId ORDER BY siteSeq, position")
    }

    /// The next site and its row, or nil at the end.
    mutating func next() throws -> (Site, Row)? {
        guard let row = try sites.next() else { return nil }
        let seq: Int64 = row["seq"]
        var siteNames: [SiteName] = []
        while let child = try Self.take(&pending.name, from: names, for: seq) {
            siteNames.append(SiteName(language: child["language"], name: child["name"], isPrimary: child["isPrimary"]))
        }
        var siteDesignations: [Designation] = []
        while let child = try Self.take(&pending.designation, from: designations, for: seq) {
            siteDesignations.append(
                try Designation(type: .stored(child["type"]), reference: child["reference"], date: child["date"]))
        }
        var siteExternalIDs: [ExternalID] = []
        while let child = try Self.take(&pending.externalID, from: externalIDs, for: seq) {
            siteExternalIDs.append(try ExternalID(scheme: .stored(child["scheme"]), value: child["value"]))
        }
        let site = try Site(
            row: row, names: siteNames, designations: siteDesignations, externalIDs: siteExternalIDs)
        return (site, row)
    }

    /// The next child row of site `seq`, or nil when the cursor has gone past it. A child of an
    /// earlier seq (one whose site row is gone, which foreign keys forbid) is skipped.
    private static func take(_ pending: inout Row?, from cursor: RowCursor, for seq: Int64) throws -> Row? {
        while true {
            if pending == nil {
                guard let next = try cursor.next() else { return nil }
                pending = next.copy()
            }
            guard let row = pending else { return nil }
            let childSeq: Int64 = row["siteSeq"]
            if childSeq < seq {
                pending = nil
                continue
            }
            if childSeq > seq { return nil }
            pending = nil
            return row
        }
    }
}
