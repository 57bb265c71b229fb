import ArgumentParser
import Foundation
import HeritageStore

struct SiteExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export every site as CSV or GeoJSON (opens in QGIS).",
        discussion: """
            Restricted sites' positions are generalised to their 0.1° cell and their boundaries
            left out, unless --include-restricted.

            Example:
              heritage site export --format geojson --out sites.geojson
            """)

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "csv or geojson (default: from --out's extension, else csv).") var format: String?
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @Flag(name: .long, help: "Export restricted sites' exact positions and boundaries.") var includeRestricted = false

    func run() throws {
        let name = format?.lowercased() ?? (out.map { URL(filePath: $0).pathExtension.lowercased() } ?? "csv")
        let chosen: SiteRegister.Format
        switch name {
        case "csv": chosen = .csv
        case "geojson", "json": chosen = .geojson
        default: throw ValidationError("--format must be csv or geojson")
        }
        let store = try archive.open()
        let text =
            chosen == .csv
            ? try store.exportCSV(includeRestricted: includeRestricted)
            : try store.exportGeoJSON(includeRestricted: includeRestricted)
        guard let out else {
            print(text, terminator: "")
            return
        }
        do {
            try Data(text.utf8).write(to: URL(filePath: out), options: .atomic)
        } catch {
            throw HeritageStoreError(.io, "cannot write \(out): \(error.localizedDescription)")
        }
        printError("Wrote \(counted(try store.siteCount(), "site")) to \(out)")
    }
}
