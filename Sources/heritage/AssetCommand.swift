import ArgumentParser
import Foundation
import HeritageOperations
import HeritageStore
import ScanImport

struct AssetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asset",
        abstract: "List, show and export a site's scans, photographs and documents.",
        discussion: """
            Example:
              heritage asset list --site SY-PAL-BEL
            """,
        subcommands: [AssetList.self, AssetShow.self, AssetHistory.self, AssetExport.self])
}

struct AssetList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a site's assets with their latest version.",
        discussion: """
            Example:
              heritage asset list --site SY-PAL-BEL --json
            """)

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "The site's code or id.") var site: String
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Flag(help: "Show a restricted site's exact positions (photo GPS, scan bounds, coordinate systems).")
    var includeRestricted = false

    struct Entry: Encodable {
        var asset: Asset
        var latestVersion: AssetVersion?
        var versionCount: Int
    }

    func run() throws {
        let store = try archive.open()
        let assets = try store.assets(ofSite: site)
        let release = try store.release(ofSite: site, includeRestricted: includeRestricted, assets: assets)
        if json {
            try printJSON(
                assets.map {
                    Entry(
                        asset: release.released($0.asset), latestVersion: $0.versions.last.map(release.released),
                        versionCount: $0.versions.count)
                })
            return
        }
        var table = Table("ID", "KIND", "TITLE", "VERSIONS", "LATEST", "FORMAT", "SIZE", "IMPORTED")
        for (asset, versions) in assets {
            let latest = versions.last
            table.add(
                String(asset.id.prefix(8)), asset.kind.rawValue, truncated(release.released(asset).title, 36),
                String(versions.count),
                latest.map { "v\($0.number)" } ?? "-", latest?.format ?? "-",
                latest.map { ByteCountFormatter.string(fromByteCount: $0.size, countStyle: .file) } ?? "-",
                latest.map { String($0.importedAt.prefix(10)) } ?? "-")
        }
        print(table.render() + "\n\(assets.count) asset\(assets.count == 1 ? "" : "s")")
    }
}

struct AssetShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an asset's version: its hash, capture metadata, summary and warnings.",
        discussion: """
            Example:
              heritage asset show 3f2a9c1e        (the latest version)
              heritage asset show 3f2a9c1e@1 --json
            """)

    @OptionGroup var archive: ArchiveOptions
    @Argument(help: "ASSET or ASSET@VERSION (id or its first characters).") var reference: String
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Flag(help: "Show a restricted site's exact positions (photo GPS, scan bounds, coordinate systems).")
    var includeRestricted = false

    func run() throws {
        let store = try archive.open()
        let (storedAsset, storedVersion) = try store.resolveVersion(reference)
        let release = try store.release(ofSite: storedAsset.siteID, includeRestricted: includeRestricted)
        let (asset, version) = (release.released(storedAsset), release.released(storedVersion))
        if json {
            struct Details: Encodable {
                var asset: Asset
                var version: AssetVersion
            }
            try printJSON(Details(asset: asset, version: version))
            return
        }
        var lines = [
            "\(asset.title)  (\(asset.kind.rawValue), asset \(asset.id))",
            "  version      v\(version.number) \(version.id)", "  file         \(version.fileName) (\(version.format))",
            "  sha256       \(version.sha256)", "  size         \(version.size) bytes",
            "  imported     \(version.importedAt) by \(version.importedBy) with \(version.importerVersion)",
        ]
        let capture = version.capture
        if let date = capture.capturedAt { lines.append("  captured     \(date)") }
        let device = [capture.deviceMake, capture.deviceModel].compactMap { $0 }.joined(separator: " ")
        if !device.isEmpty { lines.append("  device       \(device)") }
        if let method = capture.method { lines.append("  method       \(method)") }
        if let latitude = capture.latitude, let longitude = capture.longitude {
            lines.append(
                release.generalise
                    ? String(format: "  gps          ~%.2f, ~%.2f (generalised)", latitude, longitude)
                    : String(format: "  gps          %.6f, %.6f", latitude, longitude))
        }
        for file in version.relatedFiles {
            lines.append("  related      \(file.name) (sha256 \(file.sha256.prefix(16))…)")
        }
        if let provenance = version.provenance {
            lines.append(
                "  received     in bag \(provenance.bagName) as \(provenance.pathInBag) (ingestion \(provenance.ingestionID))"
            )
            let sender = [provenance.sourceOrganization, provenance.contactName].compactMap { $0 }
            if !sender.isEmpty { lines.append("  from         \(sender.joined(separator: ", "))") }
            if let date = provenance.baggingDate { lines.append("  bagged       \(date)") }
            if let identifier = provenance.externalIdentifier { lines.append("  identifier   \(identifier)") }
            for (algorithm, digest) in provenance.manifestDigests.sorted(by: { $0.key < $1.key }) {
                lines.append("  bag \(algorithm.padding(toLength: 8, withPad: " ", startingAt: 0)) \(digest)")
            }
        }
        for warning in version.warnings { lines.append("  warning      \(warning)") }
        lines.append("  summary      \(version.summary)")
        if release.generalise {
            lines.append(
                "  restricted   positions generalised to 0.1°"
                    + (release.reveals(version) ? "; the file holds one" : ""))
        }
        print(lines.joined(separator: "\n"))
    }
}

struct AssetHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List every version of an asset, oldest first.",
        discussion: """
            Example:
              heritage asset history 3f2a9c1e
            """)

    @OptionGroup var archive: ArchiveOptions
    @Argument(help: "The asset (id or its first characters).") var asset: String
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Flag(help: "Show a restricted site's exact positions (photo GPS, scan bounds, coordinate systems).")
    var includeRestricted = false

    func run() throws {
        let store = try archive.open()
        let (owner, stored) = try store.asset(asset)
        let release = try store.release(ofSite: owner.siteID, includeRestricted: includeRestricted)
        let versions = stored.map(release.released)
        if json {
            try printJSON(versions)
            return
        }
        var table = Table("V", "IMPORTED (UTC)", "BY", "FILE", "SHA256")
        for version in versions {
            table.add(
                "v\(version.number)", version.importedAt, truncated(version.importedBy, 16),
                truncated(version.fileName, 32),
                String(version.sha256.prefix(16)) + "…")
        }
        print(table.render())
    }
}

struct AssetExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Copy a version's file (and its related files) out of the archive, after checking its hash.",
        discussion: """
            Example:
              heritage asset export 3f2a9c1e@2 --out /tmp/evidence
            """)

    @OptionGroup var archive: ArchiveOptions
    @Argument(help: "ASSET or ASSET@VERSION (id or its first characters).") var reference: String
    @Option(help: "The folder to write into (created if needed).") var out: String
    @Flag(help: "Export a file that holds a restricted site's exact position.") var includeRestricted = false
    @Option(
        help: ArgumentHelp(
            "laz: write a LAS scan compressed as LAZ (point formats 0-3 and 6-8).",
            discussion: "The LAZ decodes to exactly the stored file's point records; the stored file is unchanged."))
    var format: String?

    func run() throws {
        if let format, format != "laz" { throw ValidationError("--format takes laz") }
        let store = try archive.open()
        let (asset, version) = try store.resolveVersion(reference)
        if format == "laz" && !["las", "laz"].contains(version.format) {
            throw ValidationError(
                "\(version.fileName) is \(version.format), not a LAS scan: only LAS is written as LAZ")
        }
        let release = try store.release(ofSite: asset.siteID, includeRestricted: includeRestricted)
        if release.withholds(version) {
            throw ValidationError(
                "this file holds a position of restricted site \(release.site.code) (GPS, a coordinate system, "
                    + "georeferenced coordinates or a world file); pass --include-restricted to export it knowingly")
        }
        let folder = URL(filePath: out)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var written: [String] = []
            let targets =
                [(version.fileName, try store.verifiedBlob(of: version))]
                + (try version.relatedFiles.map { ($0.name, try store.verifiedBlob(sha256: $0.sha256)) })
            for (index, (name, source)) in targets.enumerated() {
                var destination = folder.appending(path: URL(filePath: name).lastPathComponent)
                let compress = index == 0 && format == "laz" && version.format == "las"
                if compress { destination = destination.deletingPathExtension().appendingPathExtension("laz") }
                guard !FileManager.default.fileExists(atPath: destination.path) else {
                    throw HeritageStoreError(.conflict, "\(destination.path) already exists; nothing is overwritten")
                }
                if compress {
                    try LAZWriter.compressFile(at: source.path, to: destination, name: version.fileName)
                } else {
                    try FileManager.default.copyItem(at: source, to: destination)
                }
                try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: destination.path)
                written.append(destination.path)
            }
            for path in written { print("Wrote \(path)") }
        } catch let error as HeritageStoreError {
            throw error
        } catch let error as ScanImportError {
            throw error
        } catch {
            throw HeritageStoreError(.io, "cannot write to \(out): \(error.localizedDescription)")
        }
    }
}
