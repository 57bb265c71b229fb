import Foundation
import GRDB
import HeritageStore
import HeritageTestSupport
import Testing

@Suite struct AuditLogTests {
    /// An archive with a few changes, and a raw connection to tamper with it.
    func populated() throws -> (TemporaryArchive, DatabaseQueue) {
        let temp = try TemporaryArchive()
        try temp.archive.addSite(makeSite(code: "A"), actor: "ana")
        try temp.archive.addSite(makeSite(code: "B"), actor: "ana")
        try temp.archive.addAssessment(makeAssessment(site: "A", date: "2020", condition: .good), actor: "ben")
        return (temp, try DatabaseQueue(path: temp.registryPath))
    }

    @Test func everyChangeIsChainedAndVerifies() throws {
        let (temp, _) = try populated()
        let events = try temp.archive.auditEvents()
        #expect(events.map(\.action) == ["archive.init", "site.create", "site.create", "condition.create"])
        #expect(events.map(\.sequence) == [1, 2, 3, 4])
        #expect(events[0].previousHash == String(repeating: "0", count: 64))
        for (previous, event) in zip(events, events.dropFirst()) {
            #expect(event.previousHash == previous.hash)
        }
        let report = try temp.archive.verify()
        #expect(report.isValid, "\(report.problems)")
        #expect(report.eventCount == 4 && report.siteCount == 2 && report.assessmentCount == 1)
    }

    @Test func aSitesEventsIncludeItsSurveysAndAssessments() throws {
        let (temp, _) = try populated()
        let survey = try temp.archive.addSurvey(
            Survey(siteID: "A", startDate: "2021-04-02", method: .photography), actor: "cem")
        let events = try temp.archive.auditEvents(ofSite: "a")
        #expect(events.map(\.action) == ["site.create", "condition.create", "survey.create"])
        #expect(events.last?.entityID == survey.id)
        #expect(try temp.archive.auditEvents(ofSite: "B").map(\.action) == ["site.create"])
    }

    @Test func anAuditEventEditedBehindTheStoresBackIsNamed() throws {
        let (temp, queue) = try populated()
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER auditEvent_noUpdate")
            try db.execute(sql: "UPDATE auditEvent SET actor = 'mallory' WHERE sequence = 3")
        }
        let report = try temp.archive.verify()
        #expect(!report.isValid)
        #expect(report.chainBreak?.sequence == 3)
        #expect(report.chainBreak?.reason.contains("event 3 (site.create") == true)
    }

    @Test func aSiteRowEditedBehindTheStoresBackIsNamed() throws {
        let (temp, queue) = try populated()
        try queue.write { try $0.execute(sql: "UPDATE site SET latitude = 10 WHERE code = 'B'") }
        let report = try temp.archive.verify()
        #expect(report.chainBreak == nil)
        #expect(report.stateMismatches.count == 1)
        #expect(report.stateMismatches.first?.contains("site B differs from what audit event 3 recorded") == true)
    }

    @Test func anEventRefiledUnderAnotherSiteIsNamed() throws {
        let (temp, queue) = try populated()
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER auditEvent_noUpdate")
            try db.execute(sql: "UPDATE auditEvent SET entitySeq = entitySeq + 1 WHERE sequence = 2")
        }
        #expect(try temp.archive.auditEvents(ofSite: "A").map(\.action) == ["condition.create"])
        let report = try temp.archive.verify()
        #expect(report.chainBreak == nil)
        #expect(report.stateMismatches == ["audit event 2 is filed under the wrong site row: its locator was altered"])
    }

    @Test func aSiteInsertedBehindTheStoresBackIsNamed() throws {
        let (temp, queue) = try populated()
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO site (id, code, kind, latitude, longitude, locationCertainty, sensitivity,
                        createdAt, updatedAt) VALUES ('x', 'GHOST', 'church', 1, 1, 'high', 'public', '', '')
                    """)
        }
        let report = try temp.archive.verify()
        #expect(report.stateMismatches.contains("site GHOST has no audit event: it was added behind the store's back"))
    }

    @Test func eventsRemovedFromTheMiddleOrTheEndAreDetected() throws {
        let (temp, queue) = try populated()
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER auditEvent_noDelete")
            try db.execute(sql: "DELETE FROM auditEvent WHERE sequence = 4")
        }
        #expect(try temp.archive.verify().chainBreak?.reason == "events 4 to 4 were removed from the end of the log")
        try queue.write { try $0.execute(sql: "DELETE FROM auditEvent WHERE sequence = 2") }
        #expect(try temp.archive.verify().chainBreak?.sequence == 2)
    }

    @Test func aHashCanBeRecomputedFromTheDocumentedEncoding() throws {
        let (temp, _) = try populated()
        let event = try #require(try temp.archive.auditEvents().last)
        var bytes: [UInt8] = []
        for field in [
            String(event.sequence), event.time, event.actor, event.action, event.entityType, event.entityID,
            event.oldValue, event.newValue, event.previousHash,
        ] {
            if let field { bytes += Array("\(field.utf8.count):\(field)\n".utf8) } else { bytes += Array("-\n".utf8) }
        }
        let path = try temporaryFolder().appending(path: "event.bin")
        try Data(bytes).write(to: path)
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/sha256sum")
        process.arguments = [path.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.hasPrefix(event.hash))
    }
}
