import ArgumentParser
import HeritageStore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the database, the audit hash chain, and every record against its audit trail.",
        discussion: """
            Exits 0 when everything holds; otherwise prints each problem, the first broken audit
            event by number, and exits 1.

            Example:
              heritage verify --archive ./heritage-archive
            """)

    @OptionGroup var archive: ArchiveOptions
    @Flag(name: .long, help: "Print the report as JSON.") var json = false

    func run() throws {
        let store = try archive.open()
        let report = try store.verify()
        if json {
            try printJSON(report)
        } else if report.isValid {
            print(
                "OK: database intact, audit chain of \(report.eventCount) events intact, \(report.siteCount) sites, \(report.assessmentCount) assessments and \(report.versionCount) asset versions match their audit trail, \(report.blobCount) blobs re-hashed"
            )
        } else {
            for problem in report.problems { printError("FAILED: \(problem)") }
        }
        if !json {
            for orphan in report.orphans { print("note: \(orphan) (harmless, left by an interrupted import)") }
        }
        if !report.isValid { throw ExitCode.failure }
    }
}
