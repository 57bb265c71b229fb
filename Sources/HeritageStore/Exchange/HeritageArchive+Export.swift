import Foundation
import GRDB

/// What an export wrote.
public struct ExportSummary: Sendable, Equatable {
    public var sites = 0
    /// Restricted sites whose positions were generalised to their 0.1° cell.
    public var generalised = 0
}

extension HeritageArchive {
    /// Writes every site, in the order they were added (a later export adds its new sites at
    /// the end), as CSV (the columns of ``SiteFields``) or as an RFC 7946
    /// FeatureCollection of Points with the same fields as properties (`boundary` as a geometry
    /// object, `generalised` a boolean), one feature a line. Restricted positions are
    /// generalised unless `includeRestricted`.
    ///
    /// Row by row from one read transaction, the sites' names, designations and external ids
    /// read in one ordered pass each (``SiteCursor``): `write` gets about 256 KB at a time, and
    /// memory does not grow with the register.
    @discardableResult
    public func exportSites(
        as format: SiteRegister.Format, includeRestricted: Bool = false, filter: SiteFilter = SiteFilter(),
        matching text: String? = nil, to write: (Data) throws -> Void
    ) throws -> ExportSummary {
        var (whereSQL, arguments) = Self.filterSQL(filter)
        if let text, !text.trimmed.isEmpty {
            whereSQL += " AND s.seq IN (SELECT rowid FROM siteSearch WHERE siteSearch MATCH ?)"
            arguments += [try Self.ftsQuery(text)]
        }
        var summary = ExportSummary()
        switch format {
        case .csv: try write(Data((SiteFields.columns.joined(separator: ",") + "\r\n").utf8))
        case .geojson: try write(Data("{\"type\": \"FeatureCollection\", \"features\": [".utf8))
        }
        // This thread reads and decodes sites; another core formats the batch before (text
        // building is half the work), and this thread writes it out.
        let formatter = BatchPipeline<(site: Site, latest: OverallCondition?, first: Bool), (Data, Int)> { batch in
            var text = ""
            text.reserveCapacity(batch.count * 400)
            var generalised = 0
            for (site, latest, first) in batch {
                let values = SiteFields.values(of: site, latestCondition: latest, includeRestricted: includeRestricted)
                let isGeneralised = values[SiteFields.generalisedIndex] == "true"
                if isGeneralised { generalised += 1 }
                switch format {
                case .csv:
                    for (index, value) in values.enumerated() {
                        if index > 0 { text += "," }
                        text += CSVReader.escape(value)
                    }
                    text += "\r\n"
                case .geojson:
                    text += first ? "\n" : ",\n"
                    Self.appendFeature(id: site.id, values: values, generalised: isGeneralised, to: &text)
                }
            }
            return (Data(text.utf8), generalised)
        }
        func emit(_ output: (Data, Int)?) throws {
            guard let (data, generalised) = output else { return }
            try write(data)
            summary.generalised += generalised
        }
        try streamingRead { db in
            var sites = try SiteCursor(
                db,
                sitesSQL: """
                    SELECT s.*, (SELECT l.overallCondition FROM siteLatestCondition l WHERE l.siteId = s.id)
                        AS latestCondition
                    FROM site s WHERE \(whereSQL) ORDER BY s.seq
                    """, arguments: arguments)
            var batch: [(site: Site, latest: OverallCondition?, first: Bool)] = []
            batch.reserveCapacity(1024)
            while let (site, row) = try sites.next() {
                let latest = (row["latestCondition"] as String?).flatMap(OverallCondition.init(rawValue:))
                batch.append((site, latest, summary.sites == 0))
                summary.sites += 1
                if batch.count == 1024 {
                    try emit(formatter.submit(batch))
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try emit(formatter.submit(batch))
            try emit(formatter.finish())
        }
        if format == .geojson {
            var tail = "\n]"
            if summary.generalised > 0 {
                // A foreign member (RFC 7946 §6.1) says so for the whole file as well as each feature.
                tail +=
                    ", \"heritage\": {\"generalisedPositions\": \(summary.generalised), \"note\": "
                    + JSONString.quoted(
                        "Features with generalised: true are restricted sites whose positions were generalised to "
                            + "the centre of their 0.1° cell; heritage site import refuses them unless "
                            + "--accept-generalised.") + "}"
            }
            try write(Data((tail + "}\n").utf8))
        }
        return summary
    }

    /// Every site as CSV text (``exportSites(as:includeRestricted:to:)``).
    public func exportCSV(includeRestricted: Bool = false) throws -> String {
        try exportText(.csv, includeRestricted: includeRestricted)
    }

    /// Every site as GeoJSON text (``exportSites(as:includeRestricted:to:)``).
    public func exportGeoJSON(includeRestricted: Bool = false) throws -> String {
        try exportText(.geojson, includeRestricted: includeRestricted)
    }

    private func exportText(_ format: SiteRegister.Format, includeRestricted: Bool) throws -> String {
        var data = Data()
        try exportSites(as: format, includeRestricted: includeRestricted) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    /// The properties of a feature: every column but the position, in key order, each with its
    /// key already quoted.
    private static let featureProperties: [(index: Int, key: String)] = SiteFields.columns.enumerated()
        .filter { !["latitude", "longitude"].contains($0.element) }
        .sorted { $0.element < $1.element }
        .map { ($0.offset, JSONString.quoted($0.element)) }
    private static let latitudeIndex = SiteFields.index(of: "latitude")
    private static let longitudeIndex = SiteFields.index(of: "longitude")
    private static let boundaryIndex = SiteFields.index(of: "boundary")

    /// Appends one feature on one line (`values` in ``SiteFields/columns`` order), its
    /// properties in key order; empty fields are left out.
    static func appendFeature(id: String, values: [String], generalised: Bool, to text: inout String) {
        text += "{\"type\": \"Feature\", \"id\": "
        JSONString.append(id, to: &text)
        text += ", \"geometry\": {\"type\": \"Point\", \"coordinates\": ["
        text += values[longitudeIndex]
        text += ", "
        text += values[latitudeIndex]
        text += "]}, \"properties\": {"
        var first = true
        for (index, key) in featureProperties {
            let value = values[index]
            guard index == SiteFields.generalisedIndex || !value.isEmpty else { continue }
            text += first ? key : ", " + key
            text += ": "
            first = false
            switch index {
            case SiteFields.generalisedIndex: text += generalised ? "true" : "false"
            // Stored validated GeoJSON: an object, written as it is (compact).
            case boundaryIndex: text += value
            default: JSONString.append(value, to: &text)
            }
        }
        text += "}}"
    }
}

/// JSON string literals written by hand, for output streamed a row at a time.
enum JSONString {
    /// `text` as a JSON string: quotes, backslashes and control characters escaped, the rest
    /// as UTF-8.
    static func quoted(_ text: String) -> String {
        var result = ""
        append(text, to: &result)
        return result
    }

    /// Appends `text` as a JSON string to `result`.
    static func append(_ text: String, to result: inout String) {
        // Most fields need no escape: checked on the UTF-8 bytes, copied whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            result += "\""
            result += text
            result += "\""
            return
        }
        result += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        result += "\""
    }
}
