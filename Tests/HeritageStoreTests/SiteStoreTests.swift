import Foundation
import HeritageStore
import HeritageTestSupport
import Testing

@Suite struct SiteStoreTests {
    @Test func aSiteRoundTripsWithNamesInEveryScript() throws {
        let temp = try TemporaryArchive()
        var draft = makeSite(code: "BA-MOS-OLD")
        draft.names.append(SiteName(language: "hy", name: "Ղազանչեցոց"))
        draft.names.append(SiteName(language: "ar", name: "جامع النوري"))
        draft.boundary =
            #"{"type":"Polygon","coordinates":[[[17.81,43.33],[17.82,43.33],[17.82,43.34],[17.81,43.33]]]}"#
        let stored = try temp.archive.addSite(draft, actor: "ana")
        let fetched = try temp.archive.requireSite("ba-mos-old")
        #expect(fetched == stored)
        #expect(fetched.names.map(\.language) == ["bs", "sr-Cyrl", "en", "hy", "ar"])
        #expect(fetched.primaryName == "Stari most BA-MOS-OLD")
        #expect(try temp.archive.site(stored.id)?.code == "BA-MOS-OLD")
    }

    @Test func codesAreUniqueIgnoringCase() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "X-1"), actor: "ana")
        let error = #expect(throws: HeritageStoreError.self) {
            try temp.archive.addSite(makeSite(code: "x-1"), actor: "ana")
        }
        #expect(error?.code == .conflict)
        #expect(try temp.archive.siteCount() == 1)
    }

    @Test func badValuesAreRefusedWithAClearMessage() throws {
        let temp = try TemporaryArchive()
        var outOfRange = makeSite(code: "A")
        outOfRange.location.latitude = 123
        var badCountry = makeSite(code: "B")
        badCountry.country = "Syria"
        var openRing = makeSite(code: "C")
        openRing.boundary = #"{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,2]]]}"#
        var badLanguage = makeSite(code: "D")
        badLanguage.names[0].language = "english!"
        var twoPrimaries = makeSite(code: "E")
        twoPrimaries.names[1].isPrimary = true
        let cases: [(Site, String)] = [
            (outOfRange, "latitude must be a number between -90 and 90"),
            (badCountry, "is not an ISO 3166-1 alpha-2 code"),
            (openRing, "is not closed"),
            (badLanguage, "is not a BCP 47 language tag"),
            (twoPrimaries, "2 primary names"),
        ]
        for (site, message) in cases {
            let error = #expect(throws: HeritageStoreError.self) { try temp.archive.addSite(site, actor: "ana") }
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
        }
        #expect(try temp.archive.siteCount() == 0)
    }

    @Test func unknownVocabularyListsTheAcceptedTerms() throws {
        let error = #expect(throws: HeritageStoreError.self) { try SiteKind.parse("castle") }
        #expect(error?.message.contains("unknown site kind 'castle'") == true)
        #expect(error?.message.contains("cross-stone") == true)
        #expect(try OverallCondition.parse("Very Bad") == .veryBad)
        #expect(try DamageExtent.parse("31-60%") == .upTo60)
        #expect(try DisturbanceType.parse("Explosion/Heavy Weaponry") == .explosionHeavyWeaponry)
        #expect(try DesignationType.parse("Hague enhanced") == .hagueEnhanced)
        #expect(throws: HeritageStoreError.self) { try DesignationType.parse("hague") }
    }

    @Test func anEditKeepsTheIdAndRecordsOldAndNewValues() throws {
        let temp = try TemporaryArchive()
        let site = try temp.archive.addSite(makeSite(code: "OLD"), actor: "ana")
        let (edited, changed) = try temp.archive.editSite("OLD", actor: "ben") { site in
            site.code = "NEW"
            site.id = "someone-tries-to-change-it"
            site.designations.append(Designation(type: .worldHeritageInDanger, date: "2013-06-20"))
        }
        #expect(changed && edited.id == site.id && edited.code == "NEW")
        let events = try temp.archive.auditEvents(entityID: site.id)
        #expect(events.map(\.action) == ["site.create", "site.update"])
        #expect(events[1].actor == "ben")
        #expect(events[1].oldValue?.contains(#""code":"OLD""#) == true)
        #expect(events[1].newValue?.contains(#""code":"NEW""#) == true)
        let (_, changedAgain) = try temp.archive.editSite("NEW", actor: "ben") { _ in }
        #expect(!changedAgain)
        #expect(try temp.archive.auditEvents(entityID: site.id).count == 2)
    }

    @Test func surveysCheckTheirDates() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "ana")
        let survey = try temp.archive.addSurvey(
            Survey(
                siteID: "S", startDate: "2024-05-01", endDate: "2024-05-03", team: ["Ana", " "], method: .photogrammetry
            ),
            actor: "ana")
        #expect(survey.team == ["Ana"])
        #expect(try temp.archive.surveys(ofSite: "S") == [survey])
        #expect(try temp.archive.survey(String(survey.id.prefix(6))) == survey)
        #expect(throws: HeritageStoreError.self) {
            try temp.archive.addSurvey(
                Survey(siteID: "S", startDate: "2024-05-03", endDate: "2024-05-01", method: .photography), actor: "ana")
        }
        #expect(throws: HeritageStoreError.self) {
            try temp.archive.addSurvey(Survey(siteID: "S", startDate: "2024-02-30", method: .photography), actor: "ana")
        }
    }

    @Test func openingAMissingArchiveSaysHowToCreateOne() {
        let error = #expect(throws: HeritageStoreError.self) {
            try HeritageArchive.open(at: URL(filePath: "/nonexistent/heritage-archive"))
        }
        #expect(error?.code == .archiveMissing)
        #expect(error?.message.contains("heritage init") == true)
    }
}

@Suite struct RecordIDTests {
    @Test func newIDsAreLowerCaseVersion4UUIDs() throws {
        let ids = (0..<1000).map { _ in
            Site(code: "X", names: [], kind: .other, location: SiteLocation(latitude: 0, longitude: 0)).id
        }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(50) {
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "4")
            #expect("89ab".contains(Array(id)[19]))
        }
    }
}
