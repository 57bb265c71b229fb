import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

@testable import HeritagePostgres

/// Lists, radius, nearest, box and text searches give the same answers on both backends,
/// restricted positions generalised alike.
@Suite(.serialized)
struct QueryStoreBackendTests {
    /// Six sites around Mosul, codes in mixed case (ordered without regard to case on both),
    /// one restricted, one with an Arabic name.
    static func sites() -> [Site] {
        var mosque = makeSite(code: "iq-nuri", latitude: 36.3409, longitude: 43.1317)
        mosque.kind = .mosque
        mosque.names = [
            SiteName(language: "ar", name: "جامع النوري الكبير", isPrimary: true),
            SiteName(language: "en", name: "Great Mosque of al-Nuri", isPrimary: false),
        ]
        var church = makeSite(code: "IQ-TAHIRA", latitude: 36.3422, longitude: 43.1330)
        church.kind = .church
        church.names = [SiteName(language: "en", name: "Al-Tahira Church", isPrimary: true)]
        var hidden = makeSite(code: "IQ-Z_CAVE", latitude: 36.3201, longitude: 43.1102, sensitivity: .restricted)
        hidden.names = [SiteName(language: "en", name: "Hidden cave shrine", isPrimary: true)]
        var tomb = makeSite(code: "IQ-NABI-YUNUS", latitude: 36.3478, longitude: 43.1560)
        tomb.kind = .shrine
        tomb.names = [SiteName(language: "en", name: "Shrine of Nabi Yunus", isPrimary: true)]
        var far = makeSite(code: "IQ-HATRA", latitude: 35.5880, longitude: 42.7180)
        far.kind = .archaeologicalSite
        far.names = [SiteName(language: "en", name: "Hatra", isPrimary: true)]
        var east = makeSite(code: "Iq-Erbil", latitude: 36.1912, longitude: 44.0092)
        east.names = [SiteName(language: "en", name: "Erbil Citadel", isPrimary: true)]
        return [mosque, church, hidden, tomb, far, east]
    }

    @Test(arguments: StoreBackend.available)
    func searchesAnswerAlike(_ backend: StoreBackend) async throws {
        try await backend.withEmptyStore { backendStore in
            let store = backendStore.store
            for site in Self.sites() { try store.addSite(site, actor: "ana") }
            let all = SiteFilter()
            #expect(
                try store.sites(matching: all, includeRestricted: false).map(\.code) == [
                    "Iq-Erbil", "IQ-HATRA", "IQ-NABI-YUNUS", "iq-nuri", "IQ-TAHIRA", "IQ-Z_CAVE",
                ])
            #expect(
                try store.sites(matching: SiteFilter(kinds: [.mosque, .church]), includeRestricted: false).map(\.code)
                    == ["iq-nuri", "IQ-TAHIRA"])
            let nuri = try GeoPoint(latitude: 36.3409, longitude: 43.1317)
            // The restricted cave is 3.0 km away; without clearance it is at its cell's centre
            // (36.35, 43.15), 1.9 km away, and is found, measured and shown there only.
            let near = try store.sitesNear(nuri, radiusKm: 3, filter: all, includeRestricted: false)
            #expect(near.map(\.code) == ["iq-nuri", "IQ-TAHIRA", "IQ-Z_CAVE", "IQ-NABI-YUNUS"])
            let shown = try #require(near.first { $0.code == "IQ-Z_CAVE" })
            #expect(shown.latitude == 36.35 && shown.longitude == 43.15 && shown.generalised)
            #expect(abs((shown.distanceKm ?? 0) - 1.93) < 0.02, "\(String(describing: shown.distanceKm))")
            #expect(
                !(try store.sitesNear(nuri, radiusKm: 2.0, filter: all, includeRestricted: true)).map(\.code)
                    .contains("IQ-Z_CAVE"))
            let exact = try #require(
                try store.sitesNear(nuri, radiusKm: 3.1, filter: all, includeRestricted: true).first {
                    $0.code == "IQ-Z_CAVE"
                })
            #expect(exact.latitude == 36.3201 && !exact.generalised)
            #expect(
                try store.nearestSites(to: nuri, count: 2, filter: all, includeRestricted: false).map(\.code) == [
                    "iq-nuri", "IQ-TAHIRA",
                ])
            #expect(
                try store.sitesInBox(
                    south: 36.0, west: 43.5, north: 36.5, east: 44.5, filter: all, includeRestricted: false
                ).map(\.code) == ["Iq-Erbil"])
            // Words as prefixes, in any script and case; partial: inside a name too.
            #expect(
                try store.searchSites("nabi yun", partial: false, filter: all, includeRestricted: false).map(\.code)
                    == ["IQ-NABI-YUNUS"])
            #expect(
                try store.searchSites("النوري", partial: false, filter: all, includeRestricted: false).map(\.code) == [
                    "iq-nuri"
                ])
            #expect(try store.searchSites("ahira", partial: false, filter: all, includeRestricted: false).isEmpty)
            #expect(
                try store.searchSites("ahira", partial: true, filter: all, includeRestricted: false).map(\.code) == [
                    "IQ-TAHIRA"
                ])
            #expect(
                try store.searchSites("نوري", partial: true, filter: all, includeRestricted: false).map(\.code) == [
                    "iq-nuri"
                ])
            #expect(try store.searchSites("100%_", partial: true, filter: all, includeRestricted: false).isEmpty)
            // Word matches rank before matches inside a name.
            #expect(
                try store.searchSites("shrine", partial: true, filter: all, includeRestricted: false).map(\.code)
                    .sorted() == ["IQ-NABI-YUNUS", "IQ-Z_CAVE"])
            let empty = #expect(throws: HeritageStoreError.self) {
                try store.searchSites("  ", partial: false, filter: all, includeRestricted: false)
            }
            #expect(empty?.message == "the search text is empty")
        }
    }
}

/// The audit log reads the same on both backends: pages by entity, type, actor and action,
/// newest first; the head; and the chain checked from any position.
@Suite(.serialized)
struct AuditStoreBackendTests {
    @Test(arguments: StoreBackend.available)
    func theLogReadsAndChecksAlike(_ backend: StoreBackend) async throws {
        try await backend.withEmptyStore { backendStore in
            let store = backendStore.store
            let site = try store.addSite(makeSite(code: "A"), actor: "Ana")
            try store.addSite(makeSite(code: "B", latitude: 35.2), actor: "ben")
            try store.editSite("A", actor: "ben") { $0.period = "12th century" }
            try store.addAccount(
                Account(name: "lena", role: .viewer), passwordHash: AccountStoreTests.hash, actor: "ana")
            let all = try backendStore.events()
            #expect(try store.auditHead() == all.last)
            let aboutA = try store.auditEvents(AuditFilter(entityID: site.id))
            #expect(aboutA.map(\.action) == ["site.update", "site.create"])
            #expect(try store.auditEvents(AuditFilter(entityID: site.id, entityType: "account")).isEmpty)
            #expect(
                try store.auditEvents(AuditFilter(actor: "ANA")).map(\.action) == ["account.create", "site.create"])
            #expect(try store.auditEvents(AuditFilter(action: "site.")).count == 3)
            #expect(try store.auditEvents(AuditFilter(action: "site.update")).map(\.actor) == ["ben"])
            #expect(try store.auditEvents(AuditFilter(entityType: "account")).map(\.action) == ["account.create"])
            let newest = try store.auditEvents(AuditFilter(limit: 2))
            #expect(newest == Array(all.suffix(2).reversed()))
            let next = try store.auditEvents(AuditFilter(before: newest.last?.sequence, limit: 2))
            #expect(next == Array(all.dropLast(2).suffix(2).reversed()))
            // The chain: whole, from a position checked before, and from one that is not what it was.
            let head = try #require(all.last)
            let (whole, reached) = try store.checkAuditChain(from: .genesis)
            #expect(whole == nil && reached == ChainPosition(sequence: head.sequence, hash: head.hash))
            let middle = all[all.count / 2]
            let (fromMiddle, _) = try store.checkAuditChain(
                from: ChainPosition(sequence: middle.sequence, hash: middle.hash))
            #expect(fromMiddle == nil)
            let (changed, _) = try store.checkAuditChain(
                from: ChainPosition(sequence: middle.sequence, hash: String(repeating: "0", count: 64)))
            #expect(
                changed?.reason == "event \(middle.sequence + 1) does not point at the hash of event \(middle.sequence)"
            )
        }
    }
}
