import Foundation
import HeritageStore
import HeritageTestSupport
import Testing

/// The map's server-side clusters: every site in the box counted once, in the cell of the
/// position the reader may see; sites on their own where a cell holds one; the list's filters.
@Suite struct SiteMapTests {
    func archive(_ sites: [Site]) throws -> TemporaryArchive {
        let temp = try TemporaryArchive()
        for site in sites { try temp.archive.addSite(site, actor: "ana") }
        return temp
    }

    @Test func sitesGatherIntoClustersAtLowZoomAndStandAloneWhenZoomedIn() throws {
        // Three near Yerevan (within 2 km), one in Mostar.
        let temp = try archive([
            makeSite(code: "YER-1", latitude: 40.1772, longitude: 44.5035, kind: .church, country: "AM"),
            makeSite(code: "YER-2", latitude: 40.1800, longitude: 44.5100, kind: .church, country: "AM"),
            makeSite(code: "YER-3", latitude: 40.1900, longitude: 44.5200, kind: .cemetery, country: "AM"),
            makeSite(code: "MOSTAR", latitude: 43.337267, longitude: 17.815053),
        ])
        _ = try temp.archive.addAssessment(
            ConditionAssessment(
                siteID: try temp.archive.requireSite("YER-3").id, assessor: "ana", date: "2026-05-02",
                activity: .fieldVisit, overallCondition: .destroyed, certainty: .high),
            actor: "ana")
        let map = SiteMap(store: temp.archive)
        let world = try map.answer(
            SiteMap.Request(south: -85, west: -180, north: 85, east: 180, zoom: 2), includeRestricted: true)
        #expect(world.total == 4)
        let cluster = try #require(world.clusters.first)
        #expect(world.clusters.count == 1 && cluster.count == 3)
        #expect(cluster.conditions == ["unassessed": 2, "destroyed": 1])
        #expect(abs(cluster.latitude - 40.182) < 0.01 && abs(cluster.longitude - 44.511) < 0.01)
        // The box its sites fill (to a map's precision: positions are kept as 32-bit fractions of the world).
        #expect(abs(cluster.south - 40.1772) < 1e-4 && abs(cluster.north - 40.19) < 1e-4)
        #expect(abs(cluster.west - 44.5035) < 1e-4 && abs(cluster.east - 44.52) < 1e-4)
        #expect(world.sites.map(\.site.code) == ["MOSTAR"])

        // At street level every site is on its own, with its code, name and condition.
        let street = try map.answer(
            SiteMap.Request(south: 40.17, west: 44.50, north: 40.20, east: 44.53, zoom: 17), includeRestricted: true)
        #expect(street.clusters.isEmpty && street.sites.map(\.site.code) == ["YER-1", "YER-2", "YER-3"])
        #expect(street.sites.last?.site.latestCondition == .destroyed)

        // Filters: a kind, a condition, never assessed, a country, a text in any script.
        func total(_ filter: SiteFilter = SiteFilter(), text: String? = nil) throws -> Int {
            try map.answer(
                SiteMap.Request(south: -85, west: -180, north: 85, east: 180, zoom: 2, filter: filter, text: text),
                includeRestricted: true
            ).total
        }
        #expect(try total(SiteFilter(kinds: [.church])) == 2)
        #expect(try total(SiteFilter(latestCondition: .destroyed)) == 1)
        #expect(try total(SiteFilter(unassessed: true)) == 3)
        #expect(try temp.archive.sites(matching: SiteFilter(unassessed: true)).count == 3)
        #expect(try total(SiteFilter(country: "am")) == 3 && total(SiteFilter(country: "FR")) == 0)
        #expect(try total(text: "MOSTA") == 1 && total(text: "Стари") == 4)
        #expect(try total(SiteFilter(designation: .worldHeritage)) == 4)
        #expect(try total(SiteFilter(designation: .hagueEnhanced)) == 0)

        // A site added since: the next answer has it (the snapshot follows the audit log).
        try temp.archive.addSite(makeSite(code: "YER-4", latitude: 40.2, longitude: 44.53), actor: "ana")
        #expect(try total() == 5)
        // A box far larger than a screen at its zoom is refused, not ground through.
        #expect(throws: HeritageStoreError.self) {
            try map.answer(
                SiteMap.Request(south: -85, west: -180, north: 85, east: 180, zoom: 12), includeRestricted: true)
        }
    }

    /// Without clearance a restricted site is counted in the cell of its generalised position
    /// and drawn as that 0.1° cell: no byte of the answer holds its exact position, at any zoom.
    @Test func aRestrictedSiteIsItsCellWithoutClearance() throws {
        var hidden = makeSite(code: "MEL", latitude: 34.236111, longitude: 37.225432, sensitivity: .restricted)
        hidden.kind = .monastery
        let temp = try archive([hidden, makeSite(code: "PAL", latitude: 34.547, longitude: 38.274)])
        let map = SiteMap(store: temp.archive)
        for zoom in [3, 8, 12, 17, 20] {
            let span = 360.0 / Double(1 << zoom)
            let request = SiteMap.Request(
                south: 34.236111 - span, west: 37.225432 - span, north: 34.236111 + span, east: 37.225432 + span,
                zoom: zoom)
            let shown = try map.answer(request, includeRestricted: false)
            let bytes = String(decoding: try JSONEncoder().encode(shown), as: UTF8.self)
            #expect(!bytes.contains("34.2361") && !bytes.contains("37.2254"), "zoom \(zoom): \(bytes)")
            if let marker = shown.sites.first(where: { $0.site.code == "MEL" }) {
                #expect(marker.site.generalised && marker.cell == [34.2, 37.2, 34.3, 37.3])
                #expect(marker.site.latitude == 34.25 && marker.site.longitude == 37.25)
            }
            let cleared = try map.answer(request, includeRestricted: true)
            if let marker = cleared.sites.first(where: { $0.site.code == "MEL" }) {
                #expect(!marker.site.generalised && marker.cell == nil && marker.site.latitude == 34.236111)
            }
        }
        // A box that holds the exact position but not the cell's centre: uncleared, the site is
        // not in it (it is shown at the centre); cleared, it is.
        let corner = SiteMap.Request(south: 34.23, west: 37.22, north: 34.24, east: 37.23, zoom: 14)
        #expect(try map.answer(corner, includeRestricted: false).total == 0)
        #expect(try map.answer(corner, includeRestricted: true).total == 1)
    }

    /// Over random sites, boxes and zooms (across the antimeridian too), every site in the box
    /// is counted once: the clusters' counts and the lone sites add up to the total, which is
    /// what a brute-force count of the shown positions gives.
    @Test func everySiteInTheBoxIsCountedOnce() throws {
        var generator = SeededGenerator(seed: 17)
        var sites: [Site] = []
        for index in 0..<400 {
            let latitude = Double.random(in: -60...70, using: &generator)
            let longitude = Double.random(in: -180...180, using: &generator)
            sites.append(
                makeSite(
                    code: "R-\(index)", latitude: latitude, longitude: longitude,
                    sensitivity: index % 5 == 0 ? .restricted : .public))
        }
        let temp = try archive(sites)
        let map = SiteMap(store: temp.archive)
        for round in 0..<60 {
            let zoom = Int.random(in: 1...9, using: &generator)
            let width = min(360, 1200 * 360 / Double(256 << zoom))
            let west = Double.random(in: -180...180, using: &generator)
            let south = Double.random(in: -70...40, using: &generator)
            let north = min(85, south + Double.random(in: 1...60, using: &generator))
            var east = west + width
            if east > 180 { east -= 360 }  // across the antimeridian
            let cleared = round % 2 == 0
            let answer = try map.answer(
                SiteMap.Request(south: south, west: west, north: north, east: east, zoom: zoom),
                includeRestricted: cleared)
            let expected = sites.filter { site in
                let point =
                    site.sensitivity == .restricted && !cleared ? site.location.point.generalised : site.location.point
                let inLongitude =
                    west <= east
                    ? point.longitude >= west && point.longitude <= east
                    : point.longitude >= west || point.longitude <= east
                return point.latitude >= south && point.latitude <= north && inLongitude
            }.count
            #expect(answer.total == expected, "round \(round): \(answer.total) vs \(expected)")
            #expect(answer.clusters.reduce(0) { $0 + $1.count } + answer.sites.count == answer.total)
        }
    }
}
