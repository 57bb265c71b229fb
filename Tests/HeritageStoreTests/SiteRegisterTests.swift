import Foundation
import HeritageTestSupport
import Testing

@testable import HeritageStore

@Suite struct SiteRegisterTests {
    static let header = "code,name,name_language,other_names,kind,latitude,longitude,country,designations,description"

    func register(_ text: String, format: SiteRegister.Format = .csv) throws -> SiteRegister {
        try SiteRegister.parse(Array(text.utf8), fileName: "register.\(format.rawValue)", format: format)
    }

    @Test func quotedFieldsABOMAndCRLFAreRead() throws {
        let text =
            "\u{FEFF}" + Self.header + "\r\n"
            + "BA-1,\"Stari most, Mostar\",bs,\"en:Old \"\"Bridge\"\"|sr-Cyrl:Стари мост\",bridge,43.337267,17.815053,BA,world-heritage:946rev@2005,\"two\nlines\"\r\n"
            + "\r\n"
            + "SY-1,معبد بل,ar,,temple,34°32′49.2″N,38°16′26.4″E,SY,,\r\n"
        let register = try register(text)
        #expect(register.issues.isEmpty, "\(register.issues)")
        #expect(register.entries.map(\.position) == [2, 5])
        let bridge = register.entries[0].site
        #expect(bridge.primaryName == "Stari most, Mostar")
        #expect(bridge.names[1] == SiteName(language: "en", name: "Old \"Bridge\""))
        #expect(bridge.names[2].language == "sr-Cyrl")
        #expect(bridge.description == "two\nlines")
        #expect(bridge.designations == [Designation(type: .worldHeritage, reference: "946rev", date: "2005")])
        #expect(abs(register.entries[1].site.location.latitude - 34.547) < 1e-9)
    }

    @Test func everyBadRowIsListedAndNothingIsImported() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "TAKEN"), actor: "ana")
        let text =
            Self.header + "\n"
            + "OK-1,Good site,en,,church,40,20,AM,,\n"
            + "BAD-1,Too far north,en,,church,95,20,AM,,\n"
            + "BAD-2,Castle,en,,castle,40,200,AM,,\n"
            + "TAKEN,Duplicate of archive,en,,church,40,20,AM,,\n"
            + "OK-1,Duplicate in file,en,,church,40,20,AM,,\n"
            + "BAD-3,Bad designation,en,,church,40,20,Armenia,hague-maximum,\n"
            + "BAD-4,Short row\n"
        let register = try register(text)
        let error = #expect(throws: HeritageStoreError.self) { try temp.archive.importSites(register, actor: "ana") }
        #expect(error?.code == .importRejected)
        #expect(error?.message.contains("nothing was changed") == true)
        let found = (error?.issues ?? []).map { "\($0.line) \($0.column ?? "-")" }
        #expect(
            found == ["3 latitude", "4 kind", "4 longitude", "5 code", "6 code", "7 designations", "7 country", "8 -"])
        #expect(
            error?.issues.first?.description == "line 3, column latitude: latitude must be a number between -90 and 90")
        #expect(try temp.archive.siteCount() == 1)
        #expect(try temp.archive.auditEvents().count == 2)
    }

    @Test func structuralErrorsNameTheLine() throws {
        let unterminated = #expect(throws: HeritageStoreError.self) {
            try register(Self.header + "\nA,\"never closed,en,,church,1,1,AM,,\n\n")
        }
        #expect(unterminated?.location == "register.csv:2")
        let stray = #expect(throws: HeritageStoreError.self) {
            try register(Self.header + "\nA,B,en,,church,1,1,AM,,\nC,\"D\"x,en,,church,1,1,AM,,\n")
        }
        #expect(stray?.location == "register.csv:3")
        let header = #expect(throws: HeritageStoreError.self) { try register("code,name,lattitude\n") }
        #expect(header?.message.contains("unknown columns lattitude") == true)
        #expect(header?.message.contains("missing required columns kind, latitude, longitude") == true)
        let invalidUTF8 = #expect(throws: HeritageStoreError.self) {
            try SiteRegister.parse(
                Array(Self.header.utf8) + [10, 0x41, 0x2C, 0xFF, 0xFE, 10], fileName: "x.csv", format: .csv)
        }
        #expect(invalidUTF8?.message.contains("not valid UTF-8") == true)
    }

    @Test func aDryRunChangesNothing() throws {
        let temp = try TemporaryArchive()
        let register = try register(Self.header + "\nOK-1,Good site,en,,church,40,20,AM,,\n")
        #expect(try temp.archive.importSites(register, actor: "ana", dryRun: true) == 1)
        #expect(try temp.archive.siteCount() == 0)
        #expect(try temp.archive.importSites(register, actor: "ana") == 1)
        #expect(try temp.archive.auditEvents().map(\.action) == ["archive.init", "site.create", "register.import"])
    }

    @Test(arguments: SiteRegister.Format.allCases)
    func anExportReimportsIdentically(format: SiteRegister.Format) throws {
        let source = try TemporaryArchive()
        var restricted = makeSite(code: "R-1", latitude: 34.236111, longitude: 37.225, sensitivity: .restricted)
        restricted.boundary =
            #"{"type":"Polygon","coordinates":[[[37.22,34.23],[37.23,34.23],[37.23,34.24],[37.22,34.23]]]}"#
        restricted.names.append(SiteName(language: "ar", name: "دير مار إليان"))
        restricted.externalIDs.append(ExternalID(scheme: .wikidata, value: "Q42"))
        let sites = [
            try source.archive.addSite(makeSite(code: "P-1"), actor: "ana"),
            try source.archive.addSite(restricted, actor: "ana"),
        ]
        let text =
            format == .csv
            ? try source.archive.exportCSV(includeRestricted: true)
            : try source.archive.exportGeoJSON(includeRestricted: true)
        let target = try TemporaryArchive()
        let register = try register(text, format: format)
        #expect(register.issues.isEmpty, "\(register.issues)")
        try target.archive.importSites(register, actor: "ana")
        #expect(try target.archive.allSites() == sites.sorted { $0.code < $1.code })
    }

    /// Exports are formatted a batch of 1,024 sites at a time on another core: a register of
    /// several batches comes out whole, in the order the sites were added, and reads back the same.
    @Test(arguments: SiteRegister.Format.allCases)
    func aRegisterOfSeveralBatchesExportsWholeAndInOrder(format: SiteRegister.Format) throws {
        let source = try TemporaryArchive()
        var csv = "code,name,kind,latitude,longitude,sensitivity\n"
        for index in 0..<2_600 {
            // Codes out of alphabetical order: the export keeps the order of addition.
            csv += "S-\((index * 7_919) % 2_600),Site \(index),church,\(30 + Double(index) / 1e4),40.5,"
            csv += index % 9 == 0 ? "restricted\n" : "public\n"
        }
        let added = try source.archive.importSites(register(csv), actor: "ana")
        #expect(added == 2_600)
        var chunks = 0
        var data = Data()
        let summary = try source.archive.exportSites(as: format, includeRestricted: true) {
            data.append($0)
            chunks += 1
        }
        #expect(summary.sites == 2_600 && summary.generalised == 0 && chunks >= 3)
        let text = String(decoding: data, as: UTF8.self)
        if format == .geojson {
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect((object["features"] as? [Any])?.count == 2_600)
        }
        let codes = try register(text, format: format).entries.map(\.site.code)
        #expect(codes == (0..<2_600).map { "S-\(($0 * 7_919) % 2_600)" })
        let target = try TemporaryArchive()
        try target.archive.importSites(register(text, format: format), actor: "ana")
        // Positions of 17 significant digits too (JSONSerialization's NSDecimalNumber had rounded them).
        #expect(try target.archive.allSites() == source.archive.allSites())
        let generalised = try source.archive.exportSites(as: format) { _ in }
        #expect(generalised.generalised == 289)
    }

    /// A bulk import leaves an empty write-ahead log: reads then go to the mapped registry, not
    /// to the log's copies of every page the import wrote.
    @Test func aBulkImportLeavesAnEmptyWriteAheadLog() throws {
        let target = try TemporaryArchive()
        var csv = "code,name,kind,latitude,longitude\n"
        for index in 0..<HeritageArchive.bulkWriteSites {
            csv += "B-\(index),Site \(index),church,\(30 + Double(index) / 1e5),40.5\n"
        }
        let log = target.registryPath + "-wal"
        let few = csv.split(separator: "\n").prefix(6).joined(separator: "\n")
        try target.archive.importSites(register(few), actor: "ana")
        let small = try #require(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
        #expect(small > 0, "a small import keeps its log for the next checkpoint")
        try target.archive.importSites(register(csv.replacingOccurrences(of: "B-", with: "C-")), actor: "ana")
        #expect(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int == 0)
        #expect(try target.archive.sitesNear(GeoPoint(latitude: 30.05, longitude: 40.5), radiusKm: 1).count > 10)
    }

    @Test(arguments: SiteRegister.Format.allCases)
    func exportsGeneraliseRestrictedSites(format: SiteRegister.Format) throws {
        let temp = try TemporaryArchive()
        var restricted = makeSite(code: "R-1", latitude: 34.236111, longitude: 37.225, sensitivity: .restricted)
        restricted.boundary =
            #"{"type":"Polygon","coordinates":[[[37.2213,34.2313],[37.2314,34.2313],[37.2314,34.2414],[37.2213,34.2313]]]}"#
        try temp.archive.addSite(restricted, actor: "ana")
        let text =
            format == .csv ? try temp.archive.exportCSV() : try temp.archive.exportGeoJSON()
        for secret in ["34.236111", "37.225", "37.2213", "34.2414", "Polygon"] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
        #expect(text.contains("34.25") && text.contains("37.25"))
        #expect(try temp.archive.exportCSV(includeRestricted: true).contains("34.236111"))
    }

    @Test func geoJSONProblemsNameTheFeatureAndProperty() throws {
        let text = """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [38.27, 34.55]},
               "properties": {"code": "A", "name": "A", "kind": "temple"}},
              {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
               "properties": {"code": "B", "name": "B", "kind": "temple"}},
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [38.27, 34.55]},
               "properties": {"code": "C", "name": "C", "kind": "pyramid"}}
            ]}
            """
        let register = try register(text, format: .geojson)
        #expect(register.entries.map(\.site.code) == ["A"])
        #expect(
            register.issues.map(\.description) == [
                "feature 2, property geometry: expected a Point geometry with [longitude, latitude]",
                "feature 3, property kind: unknown site kind 'pyramid'; expected one of: \(SiteKind.allCases.map(\.rawValue).joined(separator: ", "))",
            ])
        #expect(throws: HeritageStoreError.self) { try self.register("[1, 2", format: .geojson) }
    }
}

/// Exports write JSON strings by hand: every text must read back as itself.
@Test(arguments: [
    "plain", "Ղազանչեցոց", "دير مار إليان", "a \"quoted\" name", "back\\slash", "line\nbreak\r\n", "tab\tand \u{1}",
    "", "emoji 🏛️ and /slashes/",
])
func jsonStringsReadBackAsThemselves(text: String) throws {
    let quoted = JSONString.quoted(text)
    let parsed = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
    #expect(parsed == [text], "\(quoted)")
}
