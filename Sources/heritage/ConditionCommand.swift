import ArgumentParser
import Foundation
import HeritageOperations
import HeritagePostgres
import HeritageStore

struct ConditionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "condition",
        abstract: "Append condition assessments and read a site's condition timeline.",
        discussion: """
            Assessments are never edited: record a correction with --supersedes.

            Example:
              heritage condition history SY-PAL-BEL
            """,
        subcommands: [ConditionAdd.self, ConditionHistory.self])
}

struct ConditionAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Append a condition assessment (EAMENA vocabulary).",
        discussion: """
            Conditions: \(OverallCondition.allCases.map(\.rawValue).joined(separator: ", ")).
            Extents: \(DamageExtent.allCases.map(\.rawValue).joined(separator: ", ")).
            Cause categories: \(DisturbanceCategory.allCases.map(\.rawValue).joined(separator: ", ")).
            Cause types: \(DisturbanceType.allCases.map(\.rawValue).joined(separator: ", ")).
            Effects: \(DisturbanceEffect.allCases.map(\.rawValue).joined(separator: ", ")).
            Activities: \(AssessmentActivity.allCases.map(\.rawValue).joined(separator: ", ")).
            Certainty: \(Certainty.allCases.map(\.rawValue).joined(separator: ", ")).
            Threat and priority: \(RiskLevel.allCases.map(\.rawValue).joined(separator: ", ")).

            Example:
              heritage condition add --site SY-PAL-BEL --assessor "UNOSAT" --date 2015-08-31 \\
                --activity satellite-imagery-assessment --condition destroyed --extent 91-100 \\
                --cause-category deliberate-destruction --cause-type explosion-heavy-weaponry \\
                --effect collapse-structural-damage --certainty definite

            From a comparison's finding (see `heritage diff --site`): the site, the activity
            (scan-comparison), the extent and the effects are proposed from the finding, the notes
            cite it; the assessor still states the condition and their certainty, and may
            override any proposal:
              heritage condition add --from-finding 3f2a9c1e --assessor "J. Doe" \
                --condition poor --certainty high
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Required: the site's code or id (with --from-finding: the finding's site).") var site: String?
    @Option(
        name: .customLong("from-finding"),
        help: "Draft from this finding of `heritage diff` (id or its first characters).")
    var fromFinding: String?
    @Option(help: "The survey this assessment comes from (id or its first characters).") var survey: String?
    @Option(help: "Required: who assessed.") var assessor: String?
    @Option(
        help:
            "Required: the date (YYYY-MM-DD, YYYY-MM or YYYY); with --qualifier between, the first date; with --from-finding, default today (UTC)."
    )
    var date: String?
    @Option(help: "How to read the date: on (default), before, after, between.") var qualifier: String = "on"
    @Option(name: .customLong("end-date"), help: "With --qualifier between: the last date.") var endDate: String?
    @Option(
        help:
            "Required: how it was assessed (\(AssessmentActivity.allCases.map(\.rawValue).joined(separator: ", "))); with --from-finding, default scan-comparison."
    )
    var activity: String?
    @Option(help: "Required: overall condition (\(OverallCondition.allCases.map(\.rawValue).joined(separator: ", "))).")
    var condition: String?
    @Option(help: "Damage extent (share of the site's area; default unknown, or the finding's share).")
    var extent: String?
    @Option(name: .customLong("cause-category"), help: "Disturbance cause category.") var causeCategory: String?
    @Option(name: .customLong("cause-type"), help: "Disturbance cause type.") var causeType: String?
    @Option(help: "Effect of the disturbance (repeatable).") var effect: [String] = []
    @Option(help: "Required: the assessor's certainty (\(Certainty.allCases.map(\.rawValue).joined(separator: ", "))).")
    var certainty: String?
    @Option(help: "Level of ongoing threat.") var threat: String?
    @Option(help: "Priority of a response.") var priority: String?
    @Option(help: "Notes, including the evidence the assessment rests on.") var notes: String?
    @Option(help: "The assessment this one corrects (id or its first characters).") var supersedes: String?
    @Flag(name: .long, help: "Print the stored assessment as JSON.") var json = false

    /// Every missing required option at once, not one per attempt.
    func validate() throws {
        var missing = [String]()
        if fromFinding == nil && site == nil { missing.append("--site") }
        if assessor == nil { missing.append("--assessor") }
        if fromFinding == nil && date == nil { missing.append("--date") }
        if fromFinding == nil && activity == nil { missing.append("--activity") }
        if condition == nil { missing.append("--condition") }
        if certainty == nil { missing.append("--certainty") }
        guard missing.isEmpty else {
            let list = missing.joined(separator: ", ")
            throw ValidationError(
                "missing \(missing.count == 1 ? "a required option" : "\(missing.count) required options"): \(list)"
                    + (fromFinding == nil ? " (--from-finding FINDING supplies the site, date and activity)" : ""))
        }
    }

    func run() throws {
        guard let assessor, let condition, let certainty else { throw ValidationError("missing a required option") }
        var statement = AssessmentStatement(
            assessor: assessor, condition: try OverallCondition.parse(condition),
            certainty: try Certainty.parse(certainty))
        statement.site = site
        statement.survey = survey
        statement.qualifier = try DateQualifier.parse(qualifier)
        statement.date = date
        statement.endDate = endDate
        statement.activity = try activity.map(AssessmentActivity.parse)
        statement.extent = try extent.map(DamageExtent.parse)
        statement.causeCategory = try causeCategory.map(DisturbanceCategory.parse)
        statement.causeType = try causeType.map(DisturbanceType.parse)
        statement.effects = try effect.map(DisturbanceEffect.parse)
        statement.threat = try threat.map(RiskLevel.parse)
        statement.priority = try priority.map(RiskLevel.parse)
        statement.notes = notes
        statement.supersedes = supersedes
        let (stored, finding, siteLabel) = try database.withStore(or: archive) { store in
            let (draft, finding) = try store.draftAssessment(statement, fromFinding: fromFinding)
            let stored = try store.addAssessment(draft, actor: archive.resolvedActor)
            return (stored, finding, (try? store.site(stored.siteID))??.code ?? stored.siteID)
        }
        if json {
            try printJSON(stored)
        } else {
            print(
                "Recorded assessment \(stored.id) of \(siteLabel): "
                    + "\(stored.overallCondition.label), \(stored.dateText)"
                    + (finding.map { ", from finding \($0.id.prefix(8))" } ?? ""))
        }
    }
}

struct ConditionHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Print a site's condition timeline, corrections included.",
        discussion: """
            Example:
              heritage condition history BA-MOS-OLD --json
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The site's code or id.") var site: String
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let history = try database.withStore(or: archive) { try $0.conditionHistory(ofSite: site) }
        if json {
            try printJSON(history)
            return
        }
        print(timelineText(history))
    }
}

func timelineText(_ history: [TimelineEntry]) -> String {
    var table = Table("DATE", "CONDITION", "EXTENT", "CAUSE", "CERTAINTY", "ASSESSOR", "ID")
    for entry in history {
        let assessment = entry.assessment
        var condition = assessment.overallCondition.label
        if let by = entry.supersededBy { condition = "(\(condition), superseded by \(by.prefix(8)))" }
        table.add(
            assessment.dateText, condition, assessment.damageExtent.label,
            truncated(assessment.causeType?.label ?? assessment.causeCategory?.label ?? "-", 32),
            assessment.certainty.rawValue, truncated(assessment.assessor, 28), String(assessment.id.prefix(8)))
    }
    return table.render() + "\n\(history.count) assessment\(history.count == 1 ? "" : "s")"
}
