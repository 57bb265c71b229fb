import Foundation
import GRDB
import HeritageTestSupport
import Testing

@testable import HeritageStore

/// The place index (`sitePlace`): sites in the Z order of their cells, read by ranges of cell
/// codes. The codes are part of the schema; the ranges must hold every site inside a box; the
/// rows must follow the sites through adds, edits and imports, and verify names any that do not.
@Suite struct PlaceIndexTests {
    /// The mapping is stored in every archive: changing it would hide sites from searches.
    @Test func cellCodesAreTheSchemasCodes() {
        #expect(PlaceCell.code(latitude: -90, longitude: -180) == 0)
        #expect(PlaceCell.code(latitude: 90, longitude: 180) == (Int64(1) << 40) - 1)
        // Mostar: column 576,178 and row 776,745 (as Python's floor gives them), interleaved.
        #expect(PlaceCell.column(17.815053) == 576_178 && PlaceCell.row(43.337267) == 776_745)
        #expect(PlaceCell.code(latitude: 43.337267, longitude: 17.815053) == 871_656_869_254)
        #expect(PlaceCell.code(latitude: .nan, longitude: .infinity) == 0)
    }

    /// Every point of a box has its code in one of the box's ranges; the ranges ascend, do not
    /// touch, and stay few, whatever the box's size and place.
    @Test func rangesCoverEveryPointOfABox() throws {
        var random = SeededGenerator(seed: 11)
        var boxes = [
            GeoBox.world, GeoBox(south: -90, west: 179.9, north: -89.9, east: 180),
            GeoBox(south: 10, west: 20, north: 10, east: 20),
        ]
        for size in [1e-5, 1e-3, 0.05, 0.2, 3, 40] {
            for _ in 0..<60 {
                let south = Double.random(in: -90...(90 - size), using: &random)
                let west = Double.random(in: -180...(180 - size), using: &random)
                let tall = size * Double.random(in: 0.2...1, using: &random)
                boxes.append(GeoBox(south: south, west: west, north: south + tall, east: west + size))
            }
        }
        for box in boxes {
            let ranges = PlaceCell.ranges(covering: box)
            #expect(!ranges.isEmpty && ranges.count <= 64, "\(box): \(ranges.count) ranges")
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound + 1 < $1.lowerBound }, "\(box)")
            var points = [(box.south, box.west), (box.north, box.east), (box.south, box.east), (box.north, box.west)]
            for _ in 0..<200 {
                points.append(
                    (
                        Double.random(in: box.south...box.north, using: &random),
                        Double.random(in: box.west...box.east, using: &random)
                    ))
            }
            for (latitude, longitude) in points {
                let code = PlaceCell.code(latitude: latitude, longitude: longitude)
                #expect(ranges.contains { $0.contains(code) }, "\(box): (\(latitude), \(longitude)) is outside")
            }
        }
    }

    /// Boxes of every size, with clearance, list exactly the sites a scan of all of them finds,
    /// including sites on cell edges and on the box's own edges.
    @Test func boxQueriesMatchAScanOfEverySite() throws {
        let temp = try TemporaryArchive()
        var random = SeededGenerator(seed: 5)
        var sites: [Site] = []
        let register = (0..<1500).map { index in
            // A third on a grid of round positions: edges of cells and of boxes.
            let latitude =
                index % 3 == 0
                ? Double(Int.random(in: 400...420, using: &random)) / 10 : Double.random(in: 40...42, using: &random)
            let longitude =
                index % 3 == 0
                ? Double(Int.random(in: 440...460, using: &random)) / 10 : Double.random(in: 44...46, using: &random)
            return makeSite(
                code: "P-\(index)", latitude: latitude, longitude: longitude,
                sensitivity: index % 4 == 0 ? .restricted : .public)
        }
        let entries = try register.enumerated().map { SiteRegister.Entry(position: $0 + 2, site: try $1.validated()) }
        try temp.archive.importSites(
            SiteRegister(
                fileName: "places.csv", format: .csv, sha256: String(repeating: "0", count: 64), entries: entries,
                issues: []),
            actor: "ana")
        sites = try temp.archive.allSites()
        #expect(sites.count == 1500)
        for query in 0..<150 {
            let size = [0.01, 0.1, 0.3, 1, 3][query % 5]
            let south = query % 7 == 0 ? 40.5 : Double.random(in: 39.5...42, using: &random)
            let west = query % 7 == 0 ? 44.5 : Double.random(in: 43.5...46, using: &random)
            let (north, east) = (south + size, west + size * 1.3)
            let expected = sites.filter {
                (south...north).contains($0.location.latitude) && (west...east).contains($0.location.longitude)
            }.map(\.code).sorted()
            let found = try temp.archive.sitesInBox(
                south: south, west: west, north: north, east: east, includeRestricted: true)
            #expect(found.map(\.code) == expected, "query \(query): \(south), \(west), \(size)")
        }
        #expect(try temp.archive.verify().isValid)
    }

    /// Adds, edits and imports keep each site's place row as its record says, and searches
    /// follow a site that moves.
    @Test func placeRowsFollowTheirSites() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "A", latitude: 10, longitude: 10), actor: "ana")
        let near = { (latitude: Double, longitude: Double) in
            try temp.archive.sitesNear(GeoPoint(latitude: latitude, longitude: longitude), radiusKm: 1).map(\.code)
        }
        #expect(try near(10, 10) == ["A"])
        try temp.archive.editSite("A", actor: "ana") {
            $0.location.latitude = -33.5
            $0.location.longitude = -70.6
            $0.names[0].name = "Moved"
            $0.kind = .museum
        }
        #expect(try near(10, 10).isEmpty)
        let moved = try #require(try near(-33.5, -70.6).first)
        #expect(moved == "A")
        let summary = try #require(
            try temp.archive.sitesNear(GeoPoint(latitude: -33.5, longitude: -70.6), radiusKm: 1).first)
        #expect(summary.name == "Moved" && summary.kind == .museum)
        #expect(try temp.archive.verify().isValid)
        let rows = try temp.archive.read { db in
            try Row.fetchAll(db, sql: "SELECT cell, seq, name, latitude FROM sitePlace")
        }
        #expect(rows.count == 1)
        #expect(rows.first?["cell"] == PlaceCell.code(latitude: -33.5, longitude: -70.6))
    }

    /// A place row changed or removed behind the store's back is named by verify: a
    /// search would otherwise miss the site or show it as it was.
    @Test(arguments: [
        "UPDATE sitePlace SET latitude = 0 WHERE code = 'B'",
        "UPDATE sitePlace SET name = 'Other' WHERE code = 'B'",
        "UPDATE sitePlace SET sensitivity = 'public' WHERE code = 'B'",
        "UPDATE sitePlace SET cell = cell + 1 WHERE code = 'B'",
        "DELETE FROM sitePlace WHERE code = 'B'",
    ])
    func verifyNamesATamperedPlaceRow(tampering: String) throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "A"), actor: "ana")
        try temp.archive.addSite(
            makeSite(code: "B", latitude: 41, longitude: 44, sensitivity: .restricted), actor: "ana")
        #expect(try temp.archive.verify().isValid)
        let queue = try DatabaseQueue(path: temp.registryPath)
        try queue.write { try $0.execute(sql: tampering) }
        try queue.close()
        let report = try temp.archive.verify()
        #expect(report.databaseProblems == ["the place index does not hold site B as its record says"], "\(tampering)")
    }
}
