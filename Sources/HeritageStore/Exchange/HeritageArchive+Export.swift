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
        as format: SiteRegister.Format, includeRestricted: Bool = false, to write: (Data) throws -> Void
    ) throws -> ExportSummary {
        var summary = ExportSummary()
        var buffer = ""
        func flush(_ force: Bool = false) throws {
            guard force || buffer.utf8.count >= 256 << 10 else { return }
            try write(Data(buffer.utf8))
            buffer.removeAll(keepingCapacity: true)
        }
        switch format {
        case .csv: buffer += SiteFields.columns.joined(separator: ",") + "\r\n"
        case .geojson: buffer += "{\"type\": \"FeatureCollection\", \"features\": [\n"
        }
        try read { db in
            var sites = try SiteCursor(
                db,
                sitesSQL: """
                    SELECT s.*, (SELECT l.overallCondition FROM siteLatestCondition l WHERE l.siteId = s.id)
                        AS latestCondition
                    FROM site s ORDER BY s.seq
                    """)
            while let (site, row) = try sites.next() {
                let latest = (row["latestCondition"] as String?).flatMap(OverallCondition.init(rawValue:))
                let fields = SiteFields.fields(of: site, latestCondition: latest, includeRestricted: includeRestricted)
                let generalised = fields["generalised"] == "true"
                if generalised { summary.generalised += 1 }
                switch format {
                case .csv:
                    buffer += SiteFields.columns.map { CSVReader.escape(fields[$0] ?? "") }.joined(separator: ",")
                    buffer += "\r\n"
                case .geojson:
                    if summary.sites > 0 { buffer += ",\n" }
                    buffer += Self.feature(id: site.id, fields: fields, generalised: generalised)
                }
                summary.sites += 1
                try flush()
            }
        }
        if format == .geojson {
            buffer += "\n]"
            if summary.generalised > 0 {
                // A foreign member (RFC 7946 §6.1) says so for the whole file as well as each feature.
                buffer +=
                    ", \"heritage\": {\"generalisedPositions\": \(summary.generalised), \"note\": "
                    + JSONString.quoted(
                        "Features with generalised: true are restricted sites whose positions were generalised to "
                            + "the centre of their 0.1° cell; heritage site import refuses them unless "
                            + "--accept-generalised.") + "}"
            }
            buffer += "}\n"
        }
        try flush(true)
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

    /// One feature on one line, its properties in key order; empty fields are left out.
    static func feature(id: String, fields: [String: String], generalised: Bool) -> String {
        let latitude = fields["latitude"] ?? "0"
        let longitude = fields["longitude"] ?? "0"
        var properties: [String] = []
        for key in fields.keys.sorted() where !["latitude", "longitude"].contains(key) {
            guard let value = fields[key] else { continue }
            switch key {
            case "generalised":
                properties.append("\"generalised\": \(generalised)")
            case "boundary":
                // Stored validated GeoJSON: an object, written as it is (compact).
                if !value.isEmpty { properties.append("\"boundary\": \(value)") }
            default:
                if !value.isEmpty { properties.append("\(JSONString.quoted(key)): \(JSONString.quoted(value))") }
            }
        }
        return "{\"type\": \"Feature\", \"id\": \(JSONString.quoted(id)), \"geometry\": {\"type\": \"Point\", "
            + "\"coordinates\": [\(longitude), \(latitude)]}, \"properties\": {\(properties.joined(separator: ", "))}}"
    }
}

/// JSON string literals written by hand, for output streamed a row at a time.
enum JSONString {
    /// `text` as a JSON string: quotes, backslashes and control characters escaped, the rest
    /// as UTF-8.
    static func quoted(_ text: String) -> String {
        // Most fields need no escape: checked on the UTF-8 bytes, copied whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
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
        return result + "\""
    }
}
