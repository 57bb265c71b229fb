import ArgumentParser
import EvidenceReport
import Foundation
import HeritageStore
import ZIPFoundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Check an archive (database, audit chain, records, every blob) or a package made by 'heritage package'.",
        discussion: """
            On an archive: runs PRAGMA integrity_check, walks the audit hash chain, compares every
            record with its audit trail, re-hashes every blob and lists orphan blobs. --repair
            removes orphans only (older than 10 minutes), never a recorded blob, and audits it.

            With --bag: checks every payload and tag file's SHA-256, that nothing was added, the
            Ed25519 signature over the tag manifest (with --key, against the key you trust), the
            extracted audit events' hashes and links, that each row of registry.json equals what its
            latest audit event in the bag recorded, and that each archived file has the hash its
            ingestion event recorded. A package marked UNVERIFIED in bag-info.txt (made with
            --allow-unverified) fails. A .zip made by --zip is unpacked to a temporary folder first.

            Exits 0 when everything holds; otherwise prints each problem, naming the file or the
            audit event, and exits 1.

            Example:
              heritage verify --archive ./heritage-archive
              heritage verify --repair
              heritage verify --bag packages/bel --key signing-key.pub
            """)

    @OptionGroup var archive: ArchiveOptions
    @Flag(name: .long, help: "Print the report as JSON.") var json = false
    @Option(help: "Verify this package (a bag folder or its .zip) instead of the archive.") var bag: String?
    @Option(help: "With --bag: the public key the signature must verify with.") var key: String?
    @Flag(help: "Remove orphan blobs and leftover temporary files (never recorded data).") var repair = false

    func validate() throws {
        if bag != nil && repair { throw ValidationError("--repair works on an archive, not on a package") }
        if key != nil && bag == nil { throw ValidationError("--key goes with --bag") }
    }

    func run() throws {
        if let bag {
            try verifyBag(URL(filePath: bag))
            return
        }
        let store = try archive.open()
        let report = try store.verify()
        if json {
            try printJSON(report)
        } else if report.isValid {
            print(
                "OK: database intact, audit chain of \(report.eventCount) events intact, \(report.siteCount) sites, \(report.assessmentCount) assessments and \(report.versionCount) asset versions match their audit trail, \(report.blobCount) blobs re-hashed"
            )
        } else {
            for problem in report.problems { printError("FAILED: \(problem)") }
        }
        if repair {
            let repaired = try store.removeOrphans(actor: archive.resolvedActor)
            if !json {
                for name in repaired.removed { print("removed orphan \(name)") }
                for name in repaired.keptAsRecent {
                    print("kept \(name): younger than 10 minutes, an import may own it")
                }
                print("repair: removed \(repaired.removed.count) orphans, \(repaired.freedBytes) bytes freed")
            }
        } else if !json {
            for orphan in report.orphans {
                print("note: \(orphan) (harmless, left by an interrupted import; 'verify --repair' removes it)")
            }
        }
        if !report.isValid { throw ExitCode.failure }
    }

    private func verifyBag(_ url: URL) throws {
        var folder = url
        var scratch: URL?
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ValidationError("no package at \(url.path)")
        }
        if !isDirectory.boolValue {
            let temporary = FileManager.default.temporaryDirectory.appending(
                path: "heritage-verify-\(UUID().uuidString)")
            scratch = temporary
            do {
                try FileManager.default.unzipItem(at: url, to: temporary)
            } catch {
                throw ValidationError("\(url.path) is not a folder or a zip file: \(error)")
            }
            let inside = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
            folder = inside.count == 1 ? temporary.appending(path: inside[0]) : temporary
        }
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
        let trusted = try key.map { try PublicSigningKey.load(from: URL(filePath: $0)) }
        let result = BagVerifier.verify(folder, trustedKey: trusted)
        if json {
            try printJSON(result)
        } else if result.isValid {
            print(
                "OK: \(result.payloadFiles) payload files (\(result.payloadBytes) bytes) match manifest-sha256.txt; "
                    + "\(result.archivedFiles) archived files match their ingestion hashes"
                    + (result.withheldFiles > 0 ? " (\(result.withheldFiles) withheld)" : "")
                    + "; \(result.auditEvents) audit events recomputed and linked"
                    + (result.withheldEvents > 0 ? " (\(result.withheldEvents) with withheld values: links only)" : "")
                    + "; \(result.crossCheckedRows) registry rows match their latest audit event"
                    + (result.uncheckedRows > 0 ? " (\(result.uncheckedRows) with withheld values not compared)" : "")
                    + "; signature \(result.signature)" + (result.fingerprint.map { ", key \($0)" } ?? ""))
            if result.signature == "unsigned" {
                print("note: the package is unsigned: anyone who changed it could have rewritten its manifests too")
            } else if trusted == nil && result.fingerprint != nil {
                print(
                    "note: checked with the key inside the bag; pass --key with a key you trust to rule out re-signing")
            }
        } else {
            for problem in result.problems { printError("FAILED: \(problem)") }
        }
        if !result.isValid { throw ExitCode.failure }
    }
}
