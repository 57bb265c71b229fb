import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

@Suite struct ConditionHistoryTests {
    @Test func theTimelineIsOrderedAndCorrectionsSupersede() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "ana")
        let destroyed = try temp.archive.addAssessment(
            makeAssessment(site: "S", date: "1993-11-09", condition: .destroyed, extent: .upTo100), actor: "ana")
        let before = try temp.archive.addAssessment(
            makeAssessment(site: "S", date: "1992", condition: .good), actor: "ana")
        #expect(try temp.archive.latestCondition(ofSite: "S")?.id == destroyed.id)
        let correction = try temp.archive.addAssessment(
            makeAssessment(
                site: "S", date: "1993-11-09", condition: .veryBad, extent: .upTo90,
                supersedes: String(destroyed.id.prefix(8))), actor: "ben")
        let history = try temp.archive.conditionHistory(ofSite: "S")
        #expect(history.map(\.assessment.id) == [before.id, destroyed.id, correction.id])
        #expect(history[1].supersededBy == correction.id)
        #expect(try temp.archive.latestCondition(ofSite: "S")?.overallCondition == .veryBad)
        #expect(try temp.archive.sites(matching: SiteFilter(latestCondition: .veryBad)).map(\.code) == ["S"])
        #expect(try temp.archive.sites(matching: SiteFilter(latestCondition: .destroyed)).isEmpty)
        let twice = #expect(throws: HeritageStoreError.self) {
            try temp.archive.addAssessment(
                makeAssessment(site: "S", date: "1993", condition: .poor, supersedes: destroyed.id), actor: "ana")
        }
        #expect(twice?.message.contains("already superseded") == true)
    }

    @Test func historyCannotBeRewrittenEvenWithSQL() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "ana")
        try temp.archive.addAssessment(makeAssessment(site: "S", date: "2020", condition: .good), actor: "ana")
        let queue = try DatabaseQueue(path: temp.registryPath)
        for sql in [
            "UPDATE conditionAssessment SET overallCondition = 'destroyed'", "DELETE FROM conditionAssessment",
            "DELETE FROM auditEvent", "UPDATE auditEvent SET actor = 'mallory'",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") { try queue.write { try $0.execute(sql: sql) } }
        }
    }

    @Test func aCorrectionMustConcernTheSameSite() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "A"), actor: "ana")
        try temp.archive.addSite(makeSite(code: "B"), actor: "ana")
        let first = try temp.archive.addAssessment(
            makeAssessment(site: "A", date: "2020", condition: .good), actor: "ana")
        #expect(throws: HeritageStoreError.self) {
            try temp.archive.addAssessment(
                makeAssessment(site: "B", date: "2021", condition: .poor, supersedes: first.id), actor: "ana")
        }
    }

    @Test func datesAndQualifiersAreChecked() throws {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "S"), actor: "ana")
        var between = makeAssessment(site: "S", date: "2015-08-01", condition: .destroyed)
        between.dateQualifier = .between
        #expect(throws: HeritageStoreError.self) { try temp.archive.addAssessment(between, actor: "ana") }
        between.endDate = "2015-07-01"
        #expect(throws: HeritageStoreError.self) { try temp.archive.addAssessment(between, actor: "ana") }
        between.endDate = "2015-08-21"
        let stored = try temp.archive.addAssessment(between, actor: "ana")
        #expect(stored.timelineDate == "2015-08-21")
        #expect(stored.dateText == "between 2015-08-01 and 2015-08-21")
        var contradictory = makeAssessment(site: "S", date: "2016", condition: .good, extent: .upTo60)
        contradictory.notes = "good but 60 % damaged"
        #expect(throws: HeritageStoreError.self) { try temp.archive.addAssessment(contradictory, actor: "ana") }
    }
}
