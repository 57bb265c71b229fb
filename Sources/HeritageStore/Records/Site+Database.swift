import Foundation
import GRDB

/// Reading and writing a ``Site`` across its tables. Callers hold the transaction.
extension Site {
    /// `edited` as the replacement of this site, on either backend: its id kept, checked; nil
    /// when it changes nothing (an edit that changes nothing writes nothing).
    package func replacement(_ edited: Site) throws -> Site? {
        var edited = edited
        edited.id = id
        let new = try edited.validated()
        return new == self ? nil : new
    }

    package static func codeTaken(_ code: String) -> HeritageStoreError {
        HeritageStoreError(.conflict, "another site already has code \(code)")
    }

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
        try self.init(
            row: row, columns: SiteColumns(Array(row.columnNames)), names: names, designations: designations,
            externalIDs: externalIDs)
    }

    /// The same, the row's columns found once for many rows of one statement.
    init(row: Row, columns: SiteColumns, names: [SiteName], designations: [Designation], externalIDs: [ExternalID])
        throws
    {
        let sourcesJSON: String = row[columns.sources]
        self.init(
            id: row[columns.id], code: row[columns.code], names: names, kind: try .stored(row[columns.kind]),
            community: row[columns.community], period: row[columns.period], description: row[columns.description],
            location: SiteLocation(
                latitude: row[columns.latitude], longitude: row[columns.longitude],
                precisionMetres: row[columns.precisionMetres], certainty: try .stored(row[columns.locationCertainty])),
            boundary: row[columns.boundary], country: row[columns.country], adminArea: row[columns.adminArea],
            sensitivity: try .stored(row[columns.sensitivity]), designations: designations, externalIDs: externalIDs,
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
        try db.executeCached(sql: "DELETE FROM sitePlace WHERE seq = ?", arguments: [seq])
        let writer = try SiteWriter(db)
        try writer.insertChildren(of: self, seq: seq)
        try writer.insertPlaces(seqs: [seq]) { _ in self }
        return seq
    }
}

/// The statements that write a site's rows, prepared once and reused for every site of an import
/// (bound through SQLite's C API: see ``BulkStatement``).
final class SiteWriter {
    private let site: BulkStatement
    private let place: BulkStatement
    private let name: BulkStatement
    private let designation: BulkStatement
    private let externalID: BulkStatement
    private let search: BulkStatement
    private let db: Database

    init(_ db: Database) throws {
        self.db = db
        site = try BulkStatement(
            db,
            sql: """
                INSERT INTO site (id, code, kind, community, period, description, latitude, longitude,
                    precisionMetres, locationCertainty, boundary, country, adminArea, sensitivity, sources,
                    createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        place = try BulkStatement(
            db,
            sql: """
                INSERT INTO sitePlace (cell, seq, id, code, kind, latitude, longitude, country, sensitivity, name)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        name = try BulkStatement(
            db, sql: "INSERT INTO siteName (siteSeq, position, language, name, isPrimary) VALUES (?, ?, ?, ?, ?)")
        designation = try BulkStatement(
            db, sql: "INSERT INTO siteDesignation (siteSeq, position, type, reference, date) VALUES (?, ?, ?, ?, ?)")
        externalID = try BulkStatement(
            db, sql: "INSERT INTO siteExternalId (siteSeq, position, scheme, value) VALUES (?, ?, ?, ?)")
        search = try BulkStatement(
            db, sql: "INSERT INTO siteSearch (rowid, code, names, community, description) VALUES (?, ?, ?, ?, ?)")
    }

    /// Inserts a validated site: its row, names, designations, external ids and search entry.
    /// Returns the site row's seq. Its row in the place index is written by ``insertPlaces(seqs:site:)``
    /// (at once for one site; for a bulk import once all its sites are written).
    @discardableResult
    func insert(_ value: Site, time: String) throws -> Int64 {
        let point = value.location
        site.bind(value.id)
        site.bind(value.code)
        site.bind(value.kind.rawValue)
        site.bind(value.community)
        site.bind(value.period)
        site.bind(value.description)
        site.bind(point.latitude)
        site.bind(point.longitude)
        site.bind(point.precisionMetres)
        site.bind(point.certainty.rawValue)
        site.bind(value.boundary)
        site.bind(value.country)
        site.bind(value.adminArea)
        site.bind(value.sensitivity.rawValue)
        site.bind(try JSONText.encodeList(value.sources))
        site.bind(time)
        site.bind(time)
        try site.run()
        let seq = db.lastInsertedRowID
        try insertChildren(of: value, seq: seq)
        return seq
    }

    /// Writes the place-index rows of sites just written, from the sites themselves, sorted by
    /// cell: the rows of a bulk import then fill pages in order instead of landing one by one on
    /// random pages, which cost more per site (as the R*Tree did, 15-20 µs) than the site's own
    /// row. Reading them back from the site rows, in the transaction that wrote them, took
    /// SQLite's sorter and a page read per site and name from the write-ahead log (4 s of a
    /// 300,000-site import, against about 1 s so).
    /// `seqs[i]` is the seq of `site(i)`.
    func insertPlaces(seqs: [Int64], site: (Int) -> Site) throws {
        let order = seqs.indices.map { index -> (cell: Int64, seq: Int64, index: Int) in
            let point = site(index).location
            return (PlaceCell.code(latitude: point.latitude, longitude: point.longitude), seqs[index], index)
        }
        .sorted { ($0.cell, $0.seq) < ($1.cell, $1.seq) }
        for (cell, seq, index) in order {
            let value = site(index)
            place.bind(cell)
            place.bind(seq)
            place.bind(value.id)
            place.bind(value.code)
            place.bind(value.kind.rawValue)
            place.bind(value.location.latitude)
            place.bind(value.location.longitude)
            place.bind(value.country)
            place.bind(value.sensitivity.rawValue)
            place.bind(value.names.first(where: \.isPrimary)?.name)
            try place.run()
        }
    }

    /// Inserts the rows that hang off a site row (`seq` is its rowid).
    func insertChildren(of value: Site, seq: Int64) throws {
        for (position, entry) in value.names.enumerated() {
            name.bind(seq)
            name.bind(Int64(position))
            name.bind(entry.language)
            name.bind(entry.name)
            name.bind(entry.isPrimary)
            try name.run()
        }
        for (position, entry) in value.designations.enumerated() {
            designation.bind(seq)
            designation.bind(Int64(position))
            designation.bind(entry.type.rawValue)
            designation.bind(entry.reference)
            designation.bind(entry.date)
            try designation.run()
        }
        for (position, entry) in value.externalIDs.enumerated() {
            externalID.bind(seq)
            externalID.bind(Int64(position))
            externalID.bind(entry.scheme.rawValue)
            externalID.bind(entry.value)
            try externalID.run()
        }
        search.bind(seq)
        search.bind(value.code)
        search.bind(value.names.map(\.name).joined(separator: " \u{2022} "))
        search.bind(value.community)
        search.bind(value.description)
        try search.run()
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
/// Where a site's columns are in the rows of a statement: found once, by name, for all its rows
/// (a lookup by name for every column of every row was a sixth of an export).
struct SiteColumns {
    let seq, id, code, kind, community, period, description, latitude, longitude, precisionMetres,
        locationCertainty, boundary, country, adminArea, sensitivity, sources: Int

    init(_ names: [String]) throws {
        func index(_ name: String) throws -> Int {
            guard let index = names.firstIndex(of: name) else {
                throw HeritageStoreError(.integrity, "the site rows read have no column \(name)")
            }
            return index
        }
        (seq, id, code, kind) = (try index("seq"), try index("id"), try index("code"), try index("kind"))
        (community, period, description) = (try index("community"), try index("period"), try index("description"))
        (latitude, longitude, precisionMetres) = (
            try index("latitude"), try index("longitude"), try index("precisionMetres")
        )
        (locationCertainty, boundary, country) = (
            try index("locationCertainty"), try index("boundary"), try index("country")
        )
        (adminArea, sensitivity, sources) = (try index("adminArea"), try index("sensitivity"), try index("sources"))
    }
}

/// Every site with its names, designations and external ids, in `seq` order: four cursors read
/// side by side (children are stored in site order), instead of three queries a site.
struct SiteCursor {
    private let sites: RowCursor
    private let columns: SiteColumns
    private let names: RowCursor
    private let designations: RowCursor
    private let externalIDs: RowCursor
    private var pendingName: (seq: Int64, value: SiteName)?
    private var pendingDesignation: (seq: Int64, value: Designation)?
    private var pendingExternalID: (seq: Int64, value: ExternalID)?

    /// `sitesSQL` selects every column of `site` (and any more) in `seq` order.
    init(_ db: Database, sitesSQL: String = "SELECT * FROM site ORDER BY seq", arguments: StatementArguments = [])
        throws
    {
        sites = try Row.fetchCursor(db, sql: sitesSQL, arguments: arguments)
        columns = try SiteColumns(sites._statement.columnNames)
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
        let seq: Int64 = row[columns.seq]
        var siteNames: [SiteName] = []
        while let name = try Self.take(
            &pendingName, from: names, for: seq,
            decode: {
                SiteName(language: $0[1], name: $0[2], isPrimary: $0[3])
            })
        {
            siteNames.append(name)
        }
        var siteDesignations: [Designation] = []
        while let designation = try Self.take(
            &pendingDesignation, from: designations, for: seq,
            decode: {
                try Designation(type: .stored($0[1]), reference: $0[2], date: $0[3])
            })
        {
            siteDesignations.append(designation)
        }
        var siteExternalIDs: [ExternalID] = []
        while let externalID = try Self.take(
            &pendingExternalID, from: externalIDs, for: seq,
            decode: {
                try ExternalID(scheme: .stored($0[1]), value: $0[2])
            })
        {
            siteExternalIDs.append(externalID)
        }
        let site = try Site(
            row: row, columns: columns, names: siteNames, designations: siteDesignations,
            externalIDs: siteExternalIDs)
        return (site, row)
    }

    /// The next child of site `seq` (decoded from a row whose first column is its site's seq),
    /// or nil when the cursor has gone past it. A child of an earlier seq (one whose site row is
    /// gone, which foreign keys forbid) is skipped.
    private static func take<Child>(
        _ pending: inout (seq: Int64, value: Child)?, from cursor: RowCursor, for seq: Int64,
        decode: (Row) throws -> Child
    ) throws -> Child? {
        while true {
            if pending == nil {
                guard let row = try cursor.next() else { return nil }
                pending = (row[0], try decode(row))
            }
            guard let (childSeq, child) = pending else { return nil }
            if childSeq < seq {
                pending = nil
                continue
            }
            if childSeq > seq { return nil }
            pending = nil
            return child
        }
    }
}
