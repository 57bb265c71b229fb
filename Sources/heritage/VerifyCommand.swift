import ArgumentParser
import EvidenceReport
import Foundation
import HeritageStore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Check an archive (database, audit chain, records, every blob) or a package made by 'heritage package'.",
        discussion: """
            On an archive: runs PRAGMA integrity_check, walks the audit hash chain, compares every
            record with its audit trail, re-hashes every blob and lists orphan blobs. --repair
            removes orphans only (older than 10 minutes), never a recorded blob, and audits it.

            With --bag: checks any BagIt bag (RFC 8493 or 0.97, made by heritage or not): every
            payload and tag manifest (md5, sha1, sha256, sha384, sha512), that every payload file
            is listed and nothing was added, Payload-Oxum, fetch.txt, and that the bag holds no
            symbolic link. On a heritage package, also the Ed25519 signature over the tag
            manifest (with --key, against the key you trust), the
            extracted audit events' hashes and links, that each row of registry.json equals what its
            latest audit event in the bag recorded, and that each archived file has the hash its
            ingestion event recorded; an RFC 3161 timestamp's imprint, signature and certificate
            chain (to --tsa-cert when given), and the time it states. A package marked UNVERIFIED in bag-info.txt (made with
            --allow-unverified) fails. A .zip is unpacked to a private temporary folder first,
            refused if it holds more entries or bytes than its bag declares, an entry that leaves
            the folder, a symbolic link, or an entry that expands over 1000:1. A .zip made by --zip is unpacked to a temporary folder first.

            Exits 0 when everything holds; 3 when a bag is valid but incomplete (files fetch.txt
            lists are absent; they are printed); otherwise prints each problem, naming the file or
            the audit event, and exits 1.

            Example:
              heritage verify --archive ./heritage-archive
              heritage verify --repair
              heritage verify --bag packages/bel --key signing-key.pub
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Flag(name: .long, help: "Print the report as JSON.") var json = false
    @Option(help: "Verify this package (a bag folder or its .zip) instead of the archive.") var bag: String?
    @Option(help: "With --bag: the public key the signature must verify with.") var key: String?
    @Option(
        name: .customLong("tsa-cert"),
        help: "With --bag: PEM certificates the bag's RFC 3161 timestamp must chain to (the authority's or its CA's).")
    var tsaCert: String?
    @Flag(help: "Remove orphan blobs and leftover temporary files (never recorded data).") var repair = false

    func validate() throws {
        if bag != nil && repair { throw ValidationError("--repair works on an archive, not on a package") }
        if key != nil && bag == nil { throw ValidationError("--key goes with --bag") }
        if tsaCert != nil && bag == nil { throw ValidationError("--tsa-cert goes with --bag") }
    }

    func run() throws {
        if let bag {
            try verifyBag(URL(filePath: bag))
            return
        }
        if let location = try database.location() {
            if repair { throw ValidationError("--repair works on an archive folder, not on a PostgreSQL registry") }
            let report = try DatabaseOptions.with(location) { try await $0.verify() }
            if json {
                try printJSON(report)
            } else if report.isValid {
                print(
                    "OK: \(location): audit chain of \(counted(report.eventCount, "event")) intact, \(counted(report.siteCount, "site")), \(counted(report.surveyCount ?? 0, "survey")), \(counted(report.assessmentCount, "assessment")), \(counted(report.findingCount ?? 0, "finding")) and \(counted(report.versionCount, "asset version")) match their audit trail, the full-text index matches the sites (blobs are in the archive folder: verify it with --archive)"
                )
            } else {
                for problem in report.problems { printError("FAILED: \(problem)") }
            }
            if !report.isValid { throw ExitCode.failure }
            return
        }
        let store = try archive.open()
        let report = try store.verify()
        if json {
            try printJSON(report)
        } else if report.isValid {
            print(
                "OK: database intact, audit chain of \(counted(report.eventCount, "event")) intact, \(counted(report.siteCount, "site")), \(counted(report.surveyCount ?? 0, "survey")), \(counted(report.assessmentCount, "assessment")), \(counted(report.findingCount ?? 0, "finding")) and \(counted(report.versionCount, "asset version")) match their audit trail, \(counted(report.blobCount, "blob")) re-hashed"
            )
        } else {
            for problem in report.problems { printError("FAILED: \(problem)") }
        }
        if repair {
            let repaired = try store.removeOrphans(actor: archive.resolvedActor)
            // Reports and packages killed while being written, in the archive and its subfolders.
            let folders =
                [store.url]
                + ((try? FileManager.default.contentsOfDirectory(at: store.url, includingPropertiesForKeys: nil)) ?? [])
            let partials = folders.flatMap { folder in
                PartialOutputs.removeAbandoned(in: folder).map { folder.appending(path: $0).path }
            }
            if !json {
                for path in partials { print("removed the partial output of a killed run: \(path)") }
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

    /// Exit status of a bag that is valid as far as it goes but lacks files fetch.txt lists.
    static let incompleteExitCode: Int32 = 3

    private func verifyBag(_ url: URL) throws {
        let trusted = try key.map { try PublicSigningKey.load(from: URL(filePath: $0)) }
        let trustedTSA = try tsaCert.map { try TimestampAuthority.certificates(fromPEM: URL(filePath: $0)) } ?? []
        let result: BagVerification
        do {
            result = try BagZip.withBag(at: url) { root in
                BagVerifier.verify(root, trustedKey: trusted, trustedTimestampCertificates: trustedTSA)
            }
        } catch let error as EvidenceError {
            throw ValidationError(error.description)
        }
        if json {
            try printJSON(result)
        } else if result.isValid {
            print(summaryLine(result))
            if let timestamp = result.timestamp {
                print(
                    "timestamp: the tag manifest existed at \(timestamp.time), says \(timestamp.authority ?? "?") "
                        + "(RFC 3161 token, serial \(timestamp.serialNumber)): \(timestamp.status)")
                if tsaCert == nil {
                    print(
                        "note: pass --tsa-cert with the authority's certificate you trust to rule out a forged authority"
                    )
                }
            }
            for warning in result.bag.warnings { print("note: \(warning)") }
            if !result.isComplete {
                print(
                    "INCOMPLETE: \(result.bag.missingFetched.count) payload files are listed in fetch.txt but not in the bag:"
                )
                for path in result.bag.missingFetched { print("  \(path)") }
            } else if result.isHeritagePackage && result.signature == "unsigned" {
                print("note: the package is unsigned: anyone who changed it could have rewritten its manifests too")
            } else if trusted == nil && result.fingerprint != nil {
                print(
                    "note: checked with the key inside the bag; pass --key with a key you trust to rule out re-signing")
            }
        } else {
            for problem in result.problems { printError("FAILED: \(problem)") }
        }
        if !result.isValid { throw ExitCode.failure }
        if !result.isComplete { throw ExitCode(Self.incompleteExitCode) }
    }

    private func summaryLine(_ result: BagVerification) -> String {
        var line =
            "OK: BagIt \(result.bag.version ?? "?") bag, \(result.bag.payloadFiles) payload files (\(result.bag.payloadBytes) bytes) "
            + "match every manifest (\(result.bag.algorithms.joined(separator: ", ")))"
        guard result.isHeritagePackage else {
            return line + (result.signature != "unsigned" ? "; signature \(result.signature)" : "")
                + "; not a heritage package (no registry extract or audit events): checked as BagIt only"
        }
        line +=
            "; \(result.archivedFiles) archived files match their ingestion hashes"
            + (result.withheldFiles > 0 ? " (\(result.withheldFiles) withheld)" : "")
            + "; \(result.auditEvents) audit events recomputed and linked"
            + (result.withheldEvents > 0 ? " (\(result.withheldEvents) with withheld values: links only)" : "")
            + "; \(result.crossCheckedRows) registry rows match their latest audit event"
            + (result.uncheckedRows > 0 ? " (\(result.uncheckedRows) with withheld values not compared)" : "")
            + "; signature \(result.signature)" + (result.fingerprint.map { ", key \($0)" } ?? "")
        return line
    }
}
