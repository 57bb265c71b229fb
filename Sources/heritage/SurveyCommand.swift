import ArgumentParser
import HeritageStore

struct SurveyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survey",
        abstract: "Record and list field visits and remote-sensing campaigns.",
        discussion: """
            Example:
              heritage survey list --site SY-PAL-BEL
            """,
        subcommands: [SurveyAdd.self, SurveyList.self])
}

struct SurveyAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Record a survey of a site.",
        discussion: """
            Methods: \(SurveyMethod.allCases.map(\.rawValue).joined(separator: ", ")).

            Example:
              heritage survey add --site SY-PAL-BEL --start 2016-03-28 --end 2016-03-30 \\
                --method photogrammetry --team "Field team A" --notes "after recapture"
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The site's code or id.") var site: String
    @Option(help: "First day (YYYY-MM-DD, or YYYY-MM, YYYY).") var start: String
    @Option(help: "Last day, for a survey of several days.") var end: String?
    @Option(help: "How it was surveyed.") var method: String
    @Option(help: "A team member (repeatable).") var team: [String] = []
    @Option(help: "Notes.") var notes: String?
    @Flag(name: .long, help: "Print the stored survey as JSON.") var json = false

    func run() throws {
        let draft = Survey(
            siteID: site, startDate: start, endDate: end, team: team, method: try SurveyMethod.parse(method),
            notes: notes)
        let survey = try database.withStore(or: archive) { try $0.addSurvey(draft, actor: archive.resolvedActor) }
        if json { try printJSON(survey) } else { print("Added survey \(survey.id) of \(site)") }
    }
}

struct SurveyList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a site's surveys, oldest first.",
        discussion: """
            Example:
              heritage survey list --site SY-PAL-BEL --json
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The site's code or id.") var site: String
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let surveys = try database.withStore(or: archive) { try $0.surveys(ofSite: site) }
        if json {
            try printJSON(surveys)
            return
        }
        var table = Table("ID", "DATES", "METHOD", "TEAM", "NOTES")
        for survey in surveys {
            table.add(
                String(survey.id.prefix(8)), survey.startDate + (survey.endDate.map { "…\($0)" } ?? ""),
                survey.method.rawValue, truncated(survey.team.joined(separator: ", "), 30),
                truncated(survey.notes ?? "", 40))
        }
        print(table.render() + "\n\(surveys.count) survey\(surveys.count == 1 ? "" : "s")")
    }
}
