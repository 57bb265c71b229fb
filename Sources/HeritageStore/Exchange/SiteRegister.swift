import Crypto
import Foundation

/// A register of sites read from a CSV or GeoJSON file, every row checked, ready to import.
public struct SiteRegister: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv, geojson
    }

    /// A site and the line (CSV) or feature number (GeoJSON) it came from.
    public struct Entry: Sendable {
        public var position: Int
        public var site: Site
    }

    public var fileName: String
    public var format: Format
    public var sha256: String
    public var entries: [Entry]
    /// Every problem found. An import goes ahead only when this is empty.
    public var issues: [ImportIssue]

    /// Reads a register file. Structural errors (unreadable file, unterminated quote, not JSON)
    /// throw; problems in individual rows are collected in ``issues``.
    /// `acceptGeneralised`: take rows an export generalised (`generalised` true) at their
    /// 0.1° cell, marked so, instead of refusing them.
    public static func read(_ url: URL, format: Format? = nil, acceptGeneralised: Bool = false) throws -> SiteRegister {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw HeritageStoreError(.notFound, "no file at \(url.path)")
        }
        if isFolder.boolValue {
            throw HeritageStoreError(.invalidInput, "\(url.path) is a folder; give a CSV or GeoJSON register file")
        }
        let bytes = try fileBytes(url)
        let chosen = format ?? detectedFormat(Array(bytes.prefix(4096)), name: url.lastPathComponent)
        return try parse(bytes, fileName: url.lastPathComponent, format: chosen, acceptGeneralised: acceptGeneralised)
    }

    /// The file's bytes, read once into the array the parser takes (read as Data, they were
    /// held twice).
    static func fileBytes(_ url: URL) throws -> [UInt8] {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            let size = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(size)
            while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty {
                bytes.append(contentsOf: chunk)
            }
            return bytes
        } catch {
            throw HeritageStoreError(.io, "cannot read \(url.path): \(String(describing: error))")
        }
    }

    /// GeoJSON when the content starts (after a byte-order mark and white space) with `{` or
    /// `[`, whatever the file is called: a register saved as .txt is still GeoJSON. Otherwise
    /// CSV, unless the name says .geojson or .json (then the JSON reader names the problem).
    static func detectedFormat(_ start: [UInt8], name: String) -> Format {
        var bytes = start[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }),
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        {
            return .geojson
        }
        let suffix = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        return ["geojson", "json"].contains(suffix) ? .geojson : .csv
    }

    public static func parse(
        _ bytes: [UInt8], fileName: String, format: Format, acceptGeneralised: Bool = false
    ) throws -> SiteRegister {
        var register = SiteRegister(
            fileName: fileName, format: format, sha256: SHA256.hash(data: bytes).hexString, entries: [], issues: [])
        switch format {
        case .csv: try register.parseCSV(bytes, acceptGeneralised: acceptGeneralised)
        case .geojson: try register.parseGeoJSON(bytes, acceptGeneralised: acceptGeneralised)
        }
        register.checkDuplicates()
        return register
    }

    private mutating func parseCSV(_ bytes: [UInt8], acceptGeneralised: Bool) throws {
        var reader = CSVReader(bytes, file: fileName)
        guard let header = try reader.next(limit: 1).first else {
            throw HeritageStoreError(.invalidInput, "the file is empty; expected a header row", location: fileName)
        }
        let columns = header.fields.map { $0.trimmed.lowercased() }
        let unknown = columns.filter { !SiteFields.columns.contains($0) }
        let missing = SiteFields.required.filter { !columns.contains($0) }
        if !unknown.isEmpty || !missing.isEmpty || Set(columns).count != columns.count {
            var reasons: [String] = []
            if !unknown.isEmpty { reasons.append("unknown columns \(unknown.joined(separator: ", "))") }
            if !missing.isEmpty { reasons.append("missing required columns \(missing.joined(separator: ", "))") }
            if Set(columns).count != columns.count { reasons.append("a column appears twice") }
            throw HeritageStoreError(
                .invalidInput,
                "bad header: \(reasons.joined(separator: "; ")); expected columns from: \(SiteFields.columns.joined(separator: ","))",
                location: "\(fileName):\(header.line)")
        }
        let columnIndex = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        // A block of records at a time, so the file's records are never all held beside its
        // sites (at a million rows they were 0.4 GB). Checking a row is independent of the
        // others: a block's rows are spread over all cores.
        while case let records = try reader.next(limit: Self.recordsPerBlock), !records.isEmpty {
            let checked = records.parallelMap { record -> (Entry?, [ImportIssue]) in
                guard record.fields.count == columns.count else {
                    let reason = "has \(record.fields.count) fields; expected \(columns.count) like the header"
                    return (nil, [ImportIssue(line: record.line, column: nil, reason: reason)])
                }
                var rowIssues: [ImportIssue] = []
                let site = SiteFields.site(
                    from: { columnIndex[$0].map { record.fields[$0] } }, line: record.line,
                    acceptGeneralised: acceptGeneralised, issues: &rowIssues)
                return (site.map { Entry(position: record.line, site: $0) }, rowIssues)
            }
            for (entry, rowIssues) in checked {
                if let entry { entries.append(entry) }
                issues += rowIssues
            }
        }
    }

    static let recordsPerBlock = 32_768

    private mutating func parseGeoJSON(_ bytes: [UInt8], acceptGeneralised: Bool) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw HeritageStoreError(
                .invalidInput, "not valid JSON: \(error.localizedDescription)", location: fileName)
        }
        guard let collection = object as? [String: Any], collection["type"] as? String == "FeatureCollection",
            let features = collection["features"] as? [Any]
        else {
            throw HeritageStoreError(
                .invalidInput, "expected a GeoJSON FeatureCollection with a features array", location: fileName)
        }
        for (index, featureValue) in features.enumerated() {
            let number = index + 1
            func report(_ column: String?, _ reason: String) {
                issues.append(ImportIssue(line: number, column: column, reason: reason, unit: "feature"))
            }
            guard let feature = featureValue as? [String: Any], feature["type"] as? String == "Feature" else {
                report(nil, "is not a GeoJSON Feature")
                continue
            }
            guard let geometry = feature["geometry"] as? [String: Any], geometry["type"] as? String == "Point",
                let position = geometry["coordinates"] as? [Any], (2...3).contains(position.count),
                let longitude = (position[0] as? NSNumber).flatMap(Self.exactDouble),
                let latitude = (position[1] as? NSNumber).flatMap(Self.exactDouble)
            else {
                report("geometry", "expected a Point geometry with [longitude, latitude]")
                continue
            }
            var fields: [String: String] = ["latitude": "\(latitude)", "longitude": "\(longitude)"]
            if let id = feature["id"] as? String { fields["id"] = id }
            for (key, value) in feature["properties"] as? [String: Any] ?? [:] {
                switch value {
                case let text as String: fields[key] = text
                case let flag as Bool where key == "generalised": fields[key] = flag ? "true" : "false"
                case let number as NSNumber: fields[key] = number.stringValue
                case let object as [String: Any] where key == "boundary":
                    if let data = try? JSONSerialization.data(withJSONObject: object) {
                        fields[key] = String(decoding: data, as: UTF8.self)
                    }
                case is NSNull: break
                default: report(key, "expected text or a number")
                }
            }
            if let site = SiteFields.site(
                from: { fields[$0] }, line: number, unit: "feature", acceptGeneralised: acceptGeneralised,
                issues: &issues)
            {
                entries.append(Entry(position: number, site: site))
            }
        }
    }

    /// A JSON number as the nearest Double to its text. JSONSerialization reads numbers of many
    /// digits as NSDecimalNumber, whose `doubleValue` can be off in the last place (30.259900000000002
    /// came back as 30.259900000000005): its text, parsed by Swift, is exact.
    static func exactDouble(_ number: NSNumber) -> Double? {
        Double(number.stringValue) ?? number.doubleValue
    }

    /// Codes and ids must be unique within the file.
    private mutating func checkDuplicates() {
        var codes: [String: Int] = [:]
        var ids: [String: Int] = [:]
        let unit = format == .csv ? "line" : "feature"
        for entry in entries {
            if let first = codes[entry.site.code.lowercased()] {
                issues.append(
                    ImportIssue(
                        line: entry.position, column: "code",
                        reason: "code \(entry.site.code) is already used on \(unit) \(first) of this file", unit: unit))
            } else {
                codes[entry.site.code.lowercased()] = entry.position
            }
            if let first = ids[entry.site.id] {
                issues.append(
                    ImportIssue(
                        line: entry.position, column: "id",
                        reason: "id \(entry.site.id) is already used on \(unit) \(first) of this file", unit: unit))
            } else {
                ids[entry.site.id] = entry.position
            }
        }
        issues.sort { $0.line < $1.line }
    }
}
