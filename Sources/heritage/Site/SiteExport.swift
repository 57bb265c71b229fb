import ArgumentParser
import EvidenceReport
import Foundation
import HeritageStore

#if canImport(Glibc)
    import Glibc
#endif

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
        guard let out else {
            // Streamed: a million sites are never held in memory.
            try store.exportSites(as: chosen, includeRestricted: includeRestricted) {
                try FileHandle.standardOutput.write(contentsOf: $0)
            }
            return
        }
        // Written under a hidden partial name and renamed into place when complete: a failed or
        // killed export leaves neither a truncated file under the name nor the partial one
        // (the next export removes what a killed one left).
        let target = URL(filePath: out)
        let folder = target.deletingLastPathComponent()
        PartialOutputs.removeAbandoned(in: folder, prefix: ".\(target.lastPathComponent)")
        let partial = PartialOutputs.name(for: target)
        guard FileManager.default.createFile(atPath: partial.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: partial)
        else {
            throw HeritageStoreError(.io, "cannot write \(out): cannot create a file in \(folder.path)")
        }
        let summary: ExportSummary
        do {
            defer { try? handle.close() }
            summary = try store.exportSites(as: chosen, includeRestricted: includeRestricted) {
                try handle.write(contentsOf: $0)
            }
            try handle.synchronize()
            // rename(2) replaces an earlier export atomically (FileManager.replaceItemAt on
            // Linux removed it and then failed).
            guard rename(partial.path, target.path) == 0 else {
                throw HeritageStoreError(.io, "cannot rename into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw HeritageStoreError(.io, "cannot write \(out): \(error)")
        }
        printError(
            "Wrote \(counted(summary.sites, "site")) to \(out)"
                + (summary.generalised > 0
                    ? " (\(counted(summary.generalised, "restricted position")) generalised to the 0.1° cell; "
                        + "--include-restricted writes them exactly)" : ""))
    }
}
