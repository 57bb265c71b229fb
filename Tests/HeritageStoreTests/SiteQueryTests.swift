import HeritageStore
import HeritageTestSupport
import Testing

@Suite struct SiteQueryTests {
    func archiveWithSites() throws -> TemporaryArchive {
        let temp = try TemporaryArchive()
        let sites: [(String, Double, Double, SiteKind)] = [
            ("PAL", 34.547, 38.274, .temple), ("MEL", 34.236111, 37.225, .monastery),
            ("FIJI-W", -17.7, 179.9, .church), ("FIJI-E", -17.7, -179.95, .cemetery),
            ("POLE-A", 89.95, 0, .monument), ("POLE-B", 89.95, 180, .monument),
            ("MOSTAR", 43.337267, 17.815053, .bridge),
        ]
        for (code, latitude, longitude, kind) in sites {
            var site = makeSite(code: code, latitude: latitude, longitude: longitude, kind: kind)
            if code == "MEL" { site.sensitivity = .restricted }
            if code.hasPrefix("FIJI") { site.country = "FJ" }
            try temp.archive.addSite(site, actor: "ana")
        }
        return temp
    }

    @Test func aRadiusQueryMeasuresGreatCircleDistances() throws {
        let temp = try archiveWithSites()
        let palmyra = try GeoPoint(latitude: 34.5505, longitude: 38.2684)
        let near = try temp.archive.sitesNear(palmyra, radiusKm: 150, includeRestricted: true)
        #expect(near.map(\.code) == ["PAL", "MEL"])
        #expect(abs((near[1].distanceKm ?? 0) - 101.9203) < 1e-3)
        #expect(try temp.archive.sitesNear(palmyra, radiusKm: 100, includeRestricted: true).map(\.code) == ["PAL"])
        // Without clearance, the restricted site is searched for where it is shown: its cell's
        // centre, 99.2 km away, not its position, 101.9 km away.
        let shown = try temp.archive.sitesNear(palmyra, radiusKm: 100)
        #expect(shown.map(\.code) == ["PAL", "MEL"])
        #expect(abs((shown[1].distanceKm ?? 0) - 99.2) < 0.1)
        #expect(try temp.archive.sitesNear(palmyra, radiusKm: 99).map(\.code) == ["PAL"])
    }

    /// Without clearance, radius and nearest searches list exactly the sites a search of the
    /// positions as shown (exact for public sites, the cell's centre for restricted ones)
    /// would: checked against brute force for small radii (read cell by cell) and wide ones.
    @Test func restrictedSitesAreSearchedWhereTheyAreShown() throws {
        let temp = try TemporaryArchive()
        var random = SeededGenerator(seed: 7)
        var sites: [Site] = []
        for index in 0..<400 {
            let latitude = Double.random(in: 40...41.5, using: &random)
            let longitude = Double.random(in: 44...45.5, using: &random)
            let site = makeSite(
                code: "S-\(index)", latitude: latitude, longitude: longitude,
                sensitivity: index % 3 == 0 ? .restricted : .public)
            sites.append(try temp.archive.addSite(site, actor: "ana"))
        }
        func shown(_ site: Site) -> GeoPoint {
            let exact = (try? GeoPoint(latitude: site.location.latitude, longitude: site.location.longitude))!
            return site.sensitivity == .restricted ? exact.generalised : exact
        }
        for query in 0..<40 {
            let center = try GeoPoint(
                latitude: Double.random(in: 39.9...41.6, using: &random),
                longitude: Double.random(in: 43.9...45.6, using: &random))
            for radius in [0.5, 4.0, 9.0, 30.0, 70.0] {
                let expected = Set(sites.filter { GreatCircle.distanceKm(center, shown($0)) <= radius }.map(\.code))
                let found = try temp.archive.sitesNear(center, radiusKm: radius)
                #expect(Set(found.map(\.code)) == expected, "query \(query), \(radius) km")
                for summary in found {
                    let site = try #require(sites.first { $0.code == summary.code })
                    #expect(abs((summary.distanceKm ?? -1) - GreatCircle.distanceKm(center, shown(site))) < 1e-9)
                }
            }
            let nearest = try temp.archive.nearestSites(to: center, count: 5).map(\.code)
            let byShown = sites.sorted {
                let (a, b) = (GreatCircle.distanceKm(center, shown($0)), GreatCircle.distanceKm(center, shown($1)))
                return a != b ? a < b : $0.code < $1.code
            }
            #expect(nearest == byShown.prefix(5).map(\.code), "query \(query)")
        }
    }

    @Test func restrictedSitesAreGeneralisedUnlessAsked() throws {
        let temp = try archiveWithSites()
        let palmyra = try GeoPoint(latitude: 34.5505, longitude: 38.2684)
        let generalised = try #require(try temp.archive.sitesNear(palmyra, radiusKm: 150).last)
        #expect(generalised.generalised && generalised.latitude == 34.25 && generalised.longitude == 37.25)
        let exact = try #require(try temp.archive.sitesNear(palmyra, radiusKm: 150, includeRestricted: true).last)
        #expect(!exact.generalised && exact.latitude == 34.236111)
    }

    @Test func radiusAndBoxQueriesWorkAcrossTheAntimeridian() throws {
        let temp = try archiveWithSites()
        let near = try temp.archive.sitesNear(try GeoPoint(latitude: -17.7, longitude: 179.99), radiusKm: 20)
        #expect(Set(near.map(\.code)) == ["FIJI-W", "FIJI-E"])
        let box = try temp.archive.sitesInBox(south: -20, west: 179, north: -15, east: -179)
        #expect(box.map(\.code) == ["FIJI-E", "FIJI-W"])
        #expect(try temp.archive.sitesInBox(south: -20, west: -179, north: -15, east: 179).isEmpty)
    }

    @Test func aRadiusAroundThePoleReachesEveryLongitude() throws {
        let temp = try archiveWithSites()
        let near = try temp.archive.sitesNear(try GeoPoint(latitude: 90, longitude: 0), radiusKm: 10)
        #expect(Set(near.map(\.code)) == ["POLE-A", "POLE-B"])
        #expect(near.allSatisfy { abs(($0.distanceKm ?? 0) - 5.5598) < 1e-3 })
    }

    @Test func nearestIsExactAndOrdered() throws {
        let temp = try archiveWithSites()
        let nearest = try temp.archive.nearestSites(to: try GeoPoint(latitude: 35, longitude: 38), count: 3)
        #expect(nearest.map(\.code) == ["PAL", "MEL", "MOSTAR"])
        let everything = try temp.archive.nearestSites(to: try GeoPoint(latitude: 0, longitude: 0), count: 100)
        #expect(everything.count == 7)
        #expect(zip(everything, everything.dropFirst()).allSatisfy { ($0.distanceKm ?? 0) <= ($1.distanceKm ?? 0) })
    }

    @Test func filtersCombine() throws {
        let temp = try archiveWithSites()
        #expect(
            try temp.archive.sites(matching: SiteFilter(kinds: [.monument, .bridge])).map(\.code) == [
                "MOSTAR", "POLE-A", "POLE-B",
            ])
        #expect(try temp.archive.sites(matching: SiteFilter(country: "fj")).map(\.code) == ["FIJI-E", "FIJI-W"])
        #expect(try temp.archive.sites(matching: SiteFilter(designation: .worldHeritage)).count == 7)
        #expect(try temp.archive.sites(matching: SiteFilter(designation: .hagueEnhanced)).isEmpty)
        #expect(try temp.archive.sites(matching: SiteFilter(limit: 2)).count == 2)
    }

    @Test(arguments: [
        ("Стари", 7), ("old bridge", 7), ("MOSTAR", 1), ("neretva", 7), ("fiji", 2), ("nothing-like-this", 0),
        ("\"unbalanced", 0), ("OR AND NOT", 0),
    ])
    func fullTextSearchCoversScriptsAndIsSafe(text: String, count: Int) throws {
        let temp = try archiveWithSites()
        #expect(try temp.archive.searchSites(text).count == count)
    }

    @Test func searchFindsArabicAndArmenianNames() throws {
        let temp = try TemporaryArchive()
        var nuri = makeSite(code: "IQ-NUR", kind: .mosque)
        nuri.names = [SiteName(language: "ar", name: "جامع النوري الكبير", isPrimary: true)]
        var church = makeSite(code: "AZ-GHZ", kind: .church)
        church.names = [SiteName(language: "hy", name: "Ղազանչեցոց եկեղեցի", isPrimary: true)]
        try temp.archive.addSite(nuri, actor: "ana")
        try temp.archive.addSite(church, actor: "ana")
        #expect(try temp.archive.searchSites("النوري").map(\.code) == ["IQ-NUR"])
        #expect(try temp.archive.searchSites("Ղազանչ").map(\.code) == ["AZ-GHZ"])
        #expect(try temp.archive.searchSites("ghazanchetsots").isEmpty)
    }
}
