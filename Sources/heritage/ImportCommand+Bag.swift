import ArgumentParser
import EvidenceReport
import Foundation
import HeritageOperations
import HeritageStore
import ScanImport

extension ImportCommand {
    /// Takes in a bag received from elsewhere: its fixity is checked before anything is stored
    /// and a bag that fails is refused whole; then every payload file becomes an asset version
    /// (scans and photographs read as usual, anything else a document) with its provenance,
    /// the bag's own tag files are kept as a document, and the ingestion is recorded.
    func importBag(_ url: URL, into store: HeritageArchive) throws {
        do {
            try BagZip.withBag(at: url) { root in try importBag(root, from: url, into: store) }
        } catch let error as EvidenceError {
            throw ValidationError(error.description)
        }
    }

    /// Takes in the bag at `root` (a folder, or where the zip `url` was unpacked).
    private func importBag(_ root: URL, from url: URL, into store: HeritageArchive) throws {
        // Thumbnails of the bag's photographs are made here on their way into the archive.
        let scratch = FileManager.default.temporaryDirectory.appending(path: "heritage-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bagName = root == url ? url.lastPathComponent : url.deletingPathExtension().lastPathComponent
        let checked = BagVerifier.verify(root)
        guard checked.isValid else {
            throw ValidationError(
                "\(url.path) fails its fixity check; nothing was stored:\n"
                    + checked.problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
        guard checked.isComplete else {
            throw ValidationError(
                "\(url.path) is incomplete: fetch.txt lists \(counted(checked.bag.missingFetched.count, "file")) it does not hold "
                    + "(\(checked.bag.missingFetched.prefix(3).joined(separator: ", "))); fetch them first; nothing was stored"
            )
        }

        let info = { (label: String) in
            checked.bag.bagInfo.first { $0.first?.caseInsensitiveCompare(label) == .orderedSame }?.last
        }
        var ingestion = BagIngestion(
            siteID: site, surveyID: survey, bagName: bagName, bagInfo: checked.bag.bagInfo,
            verification: [
                "bagitVersion": checked.bag.version ?? "?", "tagFileEncoding": checked.bag.encoding ?? "?",
                "algorithms": checked.bag.algorithms.joined(separator: ", "),
                "payload": "\(counted(checked.bag.payloadFiles, "file")), \(checked.bag.payloadBytes) bytes",
                "fixity": "every payload and tag manifest checked on receipt: valid and complete",
                "signature": checked.signature, "heritagePackage": checked.isHeritagePackage ? "yes" : "no",
            ])
        ingestion.verification["checkedAt"] = Timestamp.now()
        let methods = try capturedMethods()
        let described = FileImportRequest(site: site, files: [], survey: survey)
        var payload: [AssetImportRequest] = []
        let paths = checked.bag.payloadDigests.keys.sorted()
        for path in paths {
            let file = root.appending(path: path).path
            var request: AssetImportRequest
            do {
                request = try described.assetRequest(
                    for: .init(path: file, method: methods.all), scratch: scratch, index: payload.count)
            } catch let error as ScanImportError where error.code == .unsupported || error.code == .unreadable {
                request = documentRequest(file, path: path)
            }
            request.title = String(path.dropFirst("data/".count))
            request.provenance = Provenance(
                ingestionID: ingestion.id, bagName: bagName, pathInBag: path,
                manifestDigests: checked.bag.payloadDigests[path] ?? [:],
                sourceOrganization: info("Source-Organization"),
                contactName: info("Contact-Name"), baggingDate: info("Bagging-Date"),
                externalIdentifier: info("External-Identifier"))
            payload.append(request)
        }
        // The bag's own description: bag-info.txt (or bagit.txt) with the other tag files.
        let main = checked.bag.tagFiles.contains("bag-info.txt") ? "bag-info.txt" : "bagit.txt"
        var document = documentRequest(root.appending(path: main).path, path: main)
        document.title = "BagIt tag files of \(bagName)"
        document.format = "bagit-tags"
        document.relatedFiles = checked.bag.tagFiles.filter { $0 != main }.map { ($0, root.appending(path: $0)) }
        document.summaryJSON = try jsonText(ingestion.verification)
        document.provenance = Provenance(
            ingestionID: ingestion.id, bagName: bagName, pathInBag: main, manifestDigests: [:],
            sourceOrganization: info("Source-Organization"), contactName: info("Contact-Name"),
            baggingDate: info("Bagging-Date"), externalIdentifier: info("External-Identifier"))

        let (recorded, outcomes) = try store.ingestBag(
            ingestion, payload: payload, document: document, actor: archive.resolvedActor)
        let report = zip(paths, outcomes).map { ImportedFile(file: $0, $1) }
        if json {
            struct Received: Encodable {
                var ingestion: BagIngestion
                var files: [ImportedFile]
            }
            try printJSON(Received(ingestion: recorded, files: report))
            return
        }
        print(
            "Received bag \(bagName) (BagIt \(checked.bag.version ?? "?"), \(checked.bag.algorithms.joined(separator: ", "))): "
                + "\(checked.bag.payloadFiles) payload files, \(checked.bag.payloadBytes) bytes, fixity checked")
        if let organization = info("Source-Organization") { print("  from \(organization)") }
        for entry in report {
            print(
                "  \(entry.file): "
                    + (entry.outcome == .stored
                        ? "stored as asset \(entry.assetID.prefix(8)) v\(entry.version)"
                        : "already in the archive as asset \(entry.assetID.prefix(8)) v\(entry.version)"))
            for warning in entry.warnings { print("    warning: \(warning)") }
        }
        print(
            "  ingestion \(recorded.id) (its tag files kept as asset version \(recorded.documentVersionID.prefix(8)))")
    }

    /// A file heritage does not read (a PDF, a text, a bag inside the bag): kept as a document.
    private func documentRequest(_ file: String, path: String) -> AssetImportRequest {
        let ext = URL(filePath: path).pathExtension.lowercased()
        return AssetImportRequest(
            file: URL(filePath: file), site: site, survey: survey, title: path, kind: .document,
            format: ext.isEmpty ? "bin" : ext, summaryJSON: "{}", importerVersion: scanImportVersion)
    }
}
