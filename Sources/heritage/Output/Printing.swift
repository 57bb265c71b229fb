import Foundation
import HeritageOperations
import HeritageStore

/// Prints a value as stable JSON (``prettyJSON(_:)``).
func printJSON<T: Encodable>(_ value: T) throws {
    print(String(decoding: try prettyJSON(value), as: UTF8.self))
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

func formatCoordinate(_ value: Double) -> String {
    String(format: "%.5f", value)
}

func siteTable(_ sites: [SiteSummary], withDistance: Bool) -> String {
    var table =
        withDistance
        ? Table("CODE", "NAME", "KIND", "LAT", "LON", "KM", "CONDITION")
        : Table("CODE", "NAME", "KIND", "LAT", "LON", "CONDITION")
    for site in sites {
        let marker = site.generalised ? "~" : ""
        let latitude = marker + formatCoordinate(site.latitude)
        let longitude = marker + formatCoordinate(site.longitude)
        let condition = site.latestCondition?.label ?? "-"
        if withDistance {
            table.add(
                site.code, truncated(site.name, 40), site.kind.rawValue, latitude, longitude,
                String(format: "%.1f", site.distanceKm ?? 0), condition)
        } else {
            table.add(site.code, truncated(site.name, 40), site.kind.rawValue, latitude, longitude, condition)
        }
    }
    var text = table.render()
    if sites.contains(where: \.generalised) {
        text += "\n~ restricted site: position generalised to its 0.1° cell (--include-restricted shows it)"
    }
    return text + "\n\(sites.count) site\(sites.count == 1 ? "" : "s")"
}
