import ArgumentParser
import Foundation
import HeritagePostgres
import HeritageStore

struct SiteImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import sites from a CSV or GeoJSON register, all or nothing.",
        discussion: """
            Every row is checked first; if any row is bad, every problem is listed (line, column,
            reason) and nothing is imported. CSV columns: \(SiteFields.columns.joined(separator: ", ")).

            Example:
              heritage site import register.csv --dry-run
              heritage site import SampleSites/sites.geojson
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The register file (.csv, .geojson or .json).") var file: String
    @Option(help: "csv or geojson (default: from the file extension).") var format: String?
    @Flag(name: .long, help: "Check the file and report; change nothing.") var dryRun = false
    @Flag(
        name: .customLong("accept-generalised"),
        help:
            "Import rows an export generalised (generalised = true) at their 0.1° cell, marked so (precision 7.9 km, low certainty, a source saying why), instead of refusing them."
    )
    var acceptGeneralised = false

    func run() throws {
        let chosen = try format.map { name in
            guard let format = SiteRegister.Format(rawValue: name.lowercased()) else {
                throw ValidationError("--format must be csv or geojson")
            }
            return format
        }
        // The archive is opened (and a missing one reported) before the file is read.
        let (actor, dryRun) = (archive.resolvedActor, dryRun)
        let importSites: (SiteRegister) throws -> Int
        if let location = try database.location() {
            importSites = { register in
                try DatabaseOptions.with(location) { try await $0.importSites(register, actor: actor, dryRun: dryRun) }
            }
        } else {
            let store = try archive.open()
            importSites = { try store.importSites($0, actor: actor, dryRun: dryRun) }
        }
        let register = try SiteRegister.read(
            URL(filePath: file), format: chosen, acceptGeneralised: acceptGeneralised)
        let count = try importSites(register)
        if dryRun {
            print("\(file): \(counted(count, "site")) checked, no problems; nothing was imported (--dry-run)")
        } else {
            print("Imported \(counted(count, "site")) from \(file) (sha256 \(register.sha256.prefix(16))…)")
        }
    }
}
