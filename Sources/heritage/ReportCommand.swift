import ArgumentParser
import EvidenceReport
import Foundation
import HeritageOperations
import HeritageStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained evidence report on a site (HTML and JSON, with its images and manifest).",
        discussion: """
            The report holds the site and the legal meaning of its designations, the condition
            timeline, every survey with its files' capture metadata and SHA-256, each comparison
            with its parameters, registration, heat maps and damage regions, the chain of custody
            (audit events with their hashes), the methodology and a manifest. Check the files with
            `sha256sum -c manifest-sha256.txt` in the folder. A restricted site's position is
            generalised to 0.1° unless --include-restricted is given.

            The archive is checked first (the whole audit chain, each of the site's rows against
            its latest audit event, every blob's hash); a report on an archive that fails is
            refused, naming what failed, unless --allow-unverified is given, and then its first
            page says so.

            Example:
              heritage report --site SY-PAL-BEL --out reports/bel-2015
              heritage report --site SY-PAL-BEL --from 2010 --to 2016-12-31 --out reports/bel
            """)

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "The site's code or id.") var site: String
    @Option(help: "A new folder for the report (nothing is overwritten).") var out: String
    @Option(help: "Only what happened on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).") var from: String?
    @Option(help: "Only what happened on or before this date.") var to: String?
    @Flag(help: "Show a restricted site's exact position.") var includeRestricted = false
    @Flag(help: "Make the report even if the archive fails its check; its first page then says so.")
    var allowUnverified = false
    @Flag(name: .long, help: "Print a JSON summary of what was written.") var json = false

    func run() throws {
        let store = try archive.open()
        let options = ReportOptions(
            from: from, to: to, includeRestricted: includeRestricted, allowUnverified: allowUnverified,
            actor: archive.resolvedActor,
            software: HeritageRelease.software)
        let written = try ReportWriter.write(site: site, from: store, options: options, to: URL(filePath: out))
        if json {
            try printJSON(written.files)
            return
        }
        let report = written.report
        print("Wrote the report on \(report.site.code) to \(written.folder.path)")
        print("  \(ReportWriter.htmlName), \(ReportWriter.jsonName), \(written.files.count - 2) images")
        print(
            "  \(counted(report.timeline.count, "assessment")), \(counted(report.surveys.filter { $0.id != nil }.count, "survey")), \(counted(report.comparisons.count, "comparison")), \(counted(report.custody.events.count, "audit event"))"
                + (report.custody.verified ? " (hashes recomputed: intact)" : " (CHAIN PROBLEMS: see the report)"))
        if report.archiveCheck.verified {
            print("  archive checked first: audit chain, the site's rows against their events, blob hashes")
        } else {
            printError(
                "warning: UNVERIFIED report (--allow-unverified): the archive failed its check with "
                    + "\(counted(report.archiveCheck.problems.count, "problem")), listed on the report's first page")
        }
        if report.locationGeneralised { print("  restricted site: positions generalised to 0.1°") }
        print("  check it: cd \(written.folder.path) && sha256sum -c \(ReportWriter.manifestName)")
    }
}
