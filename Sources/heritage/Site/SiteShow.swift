import ArgumentParser
import HeritageStore

struct SiteShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show everything the registry holds about a site.",
        discussion: """
            JSON (--json): {"site": {...}, "latestCondition": ..., "surveys": [...], "generalised": bool}.

            Example:
              heritage site show SY-PAL-BEL
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The site's code or id.") var site: String
    @OptionGroup var output: OutputOptions

    struct Details: Encodable {
        var site: Site
        var latestCondition: ConditionAssessment?
        var surveys: [Survey]
        var generalised: Bool
    }

    func run() throws {
        let details = try database.withStore(or: archive) { store in
            let stored = try store.requireSite(site)
            return Details(
                site: stored.released(includeRestricted: output.includeRestricted),
                latestCondition: try store.latestCondition(ofSite: stored.id),
                surveys: try store.surveys(ofSite: stored.id),
                generalised: stored.mustGeneralise(includeRestricted: output.includeRestricted))
        }
        if output.json {
            try printJSON(details)
            return
        }
        print(describe(details))
    }

    func describe(_ details: Details) -> String {
        let site = details.site
        var lines = ["\(site.code)  \(site.primaryName)", "  id           \(site.id)"]
        for name in site.names where !name.isPrimary {
            let label = "name [\(name.language)]"
            lines.append("  \(label)\(String(repeating: " ", count: max(1, 13 - label.count)))\(name.name)")
        }
        lines.append("  kind         \(site.kind.label)")
        if let community = site.community { lines.append("  community    \(community)") }
        if let period = site.period { lines.append("  period       \(period)") }
        var position = "\(formatCoordinate(site.location.latitude)), \(formatCoordinate(site.location.longitude))"
        if let precision = site.location.precisionMetres { position += " ±\(Int(precision)) m" }
        position += ", certainty \(site.location.certainty.rawValue)"
        if details.generalised { position += " (restricted: generalised to its 0.1° cell)" }
        lines.append("  location     \(position)")
        if site.boundary != nil { lines.append("  boundary     GeoJSON polygon recorded") }
        lines.append("  country      \([site.country, site.adminArea].compactMap { $0 }.joined(separator: ", "))")
        lines.append("  sensitivity  \(site.sensitivity.rawValue)")
        for designation in site.designations {
            var text = designation.type.label
            if let reference = designation.reference { text += ", ref. \(reference)" }
            if let date = designation.date { text += ", since \(date)" }
            lines.append("  designation  \(text)")
        }
        for external in site.externalIDs {
            lines.append("  external id  \(external.scheme.label) \(external.value)")
        }
        if let description = site.description { lines.append("  description  \(description)") }
        for source in site.sources { lines.append("  source       \(source)") }
        if let latest = details.latestCondition {
            lines.append(
                "  condition    \(latest.overallCondition.label) (\(latest.dateText), \(latest.certainty.rawValue) certainty, by \(latest.assessor))"
            )
        } else {
            lines.append("  condition    never assessed")
        }
        lines.append("  surveys      \(details.surveys.count)")
        return lines.joined(separator: "\n")
    }
}
