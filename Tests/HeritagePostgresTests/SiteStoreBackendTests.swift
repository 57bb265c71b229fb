import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

@testable import HeritagePostgres

/// Sites are added, read and edited the same way on both backends: the same checks and
/// messages, `site.update` with the old and new values, nothing written by a refused or empty
/// edit, and a store that verifies afterwards.
@Suite(.serialized)
struct SiteStoreBackendTests {
    static let church = Site(
        code: "AM-KAR-01", names: [SiteName(language: "hy", name: "Karmir Vank", isPrimary: true)], kind: .church,
        location: SiteLocation(latitude: 39.07, longitude: 46.12, precisionMetres: 10, certainty: .high),
        country: "AM", sensitivity: .restricted,
        designations: [Designation(type: .nationalRegister, reference: "4.12.3")])

    @Test(arguments: StoreBackend.available)
    func anEditIsCheckedAuditedAndReadBack(_ backend: StoreBackend) async throws {
        try await backend.withEmptyStore { backendStore in
            let store = backendStore.store
            let added = try store.addSite(Self.church, actor: "ana")
            try store.addSite(
                Site(
                    code: "AM-OTHER", names: [SiteName(language: "en", name: "Other", isPrimary: true)], kind: .other,
                    location: SiteLocation(latitude: 40, longitude: 45)), actor: "ana")
            #expect(try store.site("am-kar-01") == added)
            #expect(try store.site(added.id) == added)
            #expect(try store.site("nowhere") == nil)
            let (edited, changed) = try store.editSite("am-kar-01", actor: "ben") { site in
                site.code = "AM-KAR-1"
                site.names.append(SiteName(language: "en", name: "Red Monastery", isPrimary: false))
                site.designations = []
                site.externalIDs = [ExternalID(scheme: .wikidata, value: "Q4399")]
                site.location.latitude = 39.08
            }
            #expect(changed && edited.id == added.id && edited.code == "AM-KAR-1")
            #expect(try store.requireSite("AM-KAR-1") == edited)
            #expect(try store.site("AM-KAR-01") == nil)
            let update = try #require(try backendStore.events().last)
            #expect(update.action == "site.update" && update.actor == "ben" && update.entityID == added.id)
            #expect(update.oldValue?.contains("\"code\":\"AM-KAR-01\"") == true)
            #expect(update.newValue?.contains("Red Monastery") == true)
            #expect(try backendStore.search("red monastery") == ["AM-KAR-1"])
            // The same code in another case is no conflict with itself; another site's is.
            #expect(try store.editSite("AM-KAR-1", actor: "ben") { $0.code = "am-kar-1" }.changed)
            let count = try backendStore.events().count
            let taken = #expect(throws: HeritageStoreError.self) {
                try store.editSite("am-kar-1", actor: "ben") { $0.code = "am-other" }
            }
            #expect(taken?.message == "another site already has code am-other")
            let invalid = #expect(throws: HeritageStoreError.self) {
                try store.editSite("am-kar-1", actor: "ben") { $0.location.latitude = 95 }
            }
            #expect(invalid?.code == .invalidInput)
            let missing = #expect(throws: HeritageStoreError.self) {
                try store.editSite("NOWHERE", actor: "ben") { $0.period = "x" }
            }
            #expect(missing?.message == "no site with code or id 'NOWHERE'")
            // An edit that changes nothing writes nothing.
            #expect(try !store.editSite("am-kar-1", actor: "ben") { $0.period = nil }.changed)
            #expect(try backendStore.events().count == count)
            #expect(try store.requireSite("AM-KAR-1").location.latitude == 39.08)
            #expect(try store.surveys(ofSite: "AM-KAR-1") == [])
            #expect(try store.latestCondition(ofSite: "AM-KAR-1") == nil)
            #expect(try backendStore.verify() == [])
        }
    }

    /// The same site added and edited on an archive and on a registry copied from it, at the
    /// same times: the same events, byte for byte.
    @Test(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipReason))
    func theSameEditsHashTheSameOnBothBackends() async throws {
        let events = try await expectSameEventsOnBoth(TemporaryArchive()) { store in
            try store.addSite(Self.church, actor: "ana", time: "2026-12-04T21:00:00.000Z")
            try store.editSite("AM-KAR-01", actor: "ben", time: "2026-12-04T21:01:00.000Z") {
                $0.description = "Rebuilt 1682; dome collapsed 2020"
                $0.sources = ["https://example.org/survey-2019"]
            }
        } then: { archive, registry in
            let local = try archive.requireSite("AM-KAR-01")
            #expect(try registry.requireSite("AM-KAR-01") == local)
        }
        #expect(events.count == 3)
    }
}
