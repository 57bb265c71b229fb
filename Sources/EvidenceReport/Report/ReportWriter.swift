import Foundation
import HeritageStore

/// A report written to a folder.
public struct WrittenReport: Sendable {
    public var folder: URL
    public var report: SiteReport
    /// Every file in the folder (relative paths) with its SHA-256, as `manifest-sha256.txt` lists them.
    public var files: [ManifestEntry]
}

/// Writes `report.html`, `report.json`, the images they show and `manifest-sha256.txt` (in the
/// format `sha256sum -c` reads) into a new folder. The folder appears whole or not at all: it
/// is built beside its destination and renamed into place.
public enum ReportWriter {
    public static let htmlName = "report.html"
    public static let jsonName = "report.json"
    public static let manifestName = "manifest-sha256.txt"

    public static func write(
        site: String, from archive: HeritageArchive, options: ReportOptions, to folder: URL
    ) throws -> WrittenReport {
        try EvidenceFiles.requireAbsent(folder)
        let (draft, attachments, sources) = try SiteReport.build(from: archive, site: site, options: options)
        let staging = try EvidenceFiles.stagingFolder(for: folder)
        do {
            let written = try write(draft, attachments: attachments, into: staging)
            if sources.generalise { try RestrictedLocation.requireAbsent(from: staging, release: sources.release) }
            try EvidenceFiles.moveIntoPlace(staging, folder)
            return WrittenReport(folder: folder, report: written.report, files: written.files)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    /// Writes the report's files into an existing empty folder (a package writes it inside its bag).
    static func write(
        _ draft: SiteReport, attachments: [ReportAttachment], into folder: URL
    ) throws -> (report: SiteReport, files: [ManifestEntry]) {
        var report = draft
        for attachment in attachments {
            let destination = folder.appending(path: attachment.path)
            try EvidenceFiles.copy(attachment.source, to: destination)
            let size = try EvidenceFiles.size(of: destination)
            report.manifest.append(
                ManifestEntry(
                    path: attachment.path, sha256: try FileHashing.sha256(of: destination), size: size,
                    role: attachment.role))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode(report)
        try EvidenceFiles.write(json, to: folder.appending(path: jsonName))
        try EvidenceFiles.write(Data(report.html().utf8), to: folder.appending(path: htmlName))
        var files = report.manifest
        for (name, role) in [(htmlName, "the report"), (jsonName, "the report as JSON")] {
            let url = folder.appending(path: name)
            files.append(
                ManifestEntry(
                    path: name, sha256: try FileHashing.sha256(of: url), size: try EvidenceFiles.size(of: url),
                    role: role))
        }
        files.sort { $0.path < $1.path }
        let manifest = files.map { "\($0.sha256)  \($0.path)\n" }.joined()
        try EvidenceFiles.write(Data(manifest.utf8), to: folder.appending(path: manifestName))
        return (report, files)
    }
}
