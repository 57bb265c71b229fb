import ArgumentParser
import EvidenceReport
import Foundation
import HeritageOperations
import HeritageStore

struct PackageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Write a signed BagIt package (RFC 8493) of a site's evidence for transfer to a third party.",
        discussion: """
            data/ holds the archived files under readable names, the report, the registry rows and
            audit events as JSON, and PREMIS-style events per asset. The tag manifest is signed
            with Ed25519 (make a key with `heritage key generate`). Check a package with
            `heritage verify --bag DIR --key KEY.pub`, or its BagIt layer with bagit.py --validate.
            With --tsa, an RFC 3161 time-stamping authority signs the tag manifest's SHA-256 and
            the token is stored beside it (tagmanifest-sha256.txt.tsr, with its certificates); it
            is checked before the package is written, against --tsa-cert when given.
            The archive is checked first, as for `heritage report`; a package of an archive that
            fails is refused unless --allow-unverified is given, and bag-info.txt then says so.

            Example:
              heritage package --site SY-PAL-BEL --key ~/.heritage/signing-key --out packages/bel --zip
              (make the key once with: heritage key generate --out ~/.heritage/signing-key)
            """)

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "The site's code or id.") var site: String
    @Option(help: "A new folder for the bag (nothing is overwritten).") var out: String
    @Option(help: "The private key to sign with (default: $HERITAGE_SIGNING_KEY).") var key: String?
    @Flag(help: "Make an unsigned package (no key).") var unsigned = false
    @Option(help: "Source-Organization in bag-info.txt.") var organization = "heritage archive"
    @Option(help: "Only what happened on or after this date.") var from: String?
    @Option(help: "Only what happened on or before this date.") var to: String?
    @Flag(help: "Release a restricted site's exact position and the files that reveal it.") var includeRestricted =
        false
    @Flag(help: "Also write DIR.zip for transport.") var zip = false
    @Flag(help: "Package even if the archive fails its check; bag-info.txt and the report then say so.")
    var allowUnverified = false
    @Option(help: "An RFC 3161 time-stamping authority's http:// address, to timestamp the tag manifest.")
    var tsa: String?
    @Option(
        name: .customLong("tsa-cert"),
        help: "PEM certificates to check the authority's token against (its own or its CA's); stored with the token.")
    var tsaCert: String?

    func validate() throws {
        if tsaCert != nil && tsa == nil { throw ValidationError("--tsa-cert goes with --tsa") }
        if let tsa, URL(string: tsa)?.scheme?.lowercased() != "http" {
            throw ValidationError(
                "--tsa needs the authority's http:// address, not '\(tsa)' (RFC 3161 answers are signed, so "
                    + "authorities serve them over plain HTTP)")
        }
    }

    func run() throws {
        let keyPath = key ?? ProcessInfo.processInfo.environment["HERITAGE_SIGNING_KEY"]
        if keyPath == nil && !unsigned {
            throw ValidationError("give --key PRIVATE-KEY (see 'heritage key generate') or --unsigned")
        }
        let signingKey = try keyPath.map { try SigningKey.load(from: URL(filePath: $0)) }
        let store = try archive.open()
        let trust = try tsaCert.map { try TimestampAuthority.certificates(fromPEM: URL(filePath: $0)) } ?? []
        let options = PackageOptions(
            report: ReportOptions(
                from: from, to: to, includeRestricted: includeRestricted, allowUnverified: allowUnverified,
                actor: archive.resolvedActor,
                software: HeritageRelease.software),
            organization: organization, signingKey: unsigned ? nil : signingKey, zip: zip,
            timestampAuthority: tsa.flatMap { URL(string: $0) }, timestampTrust: trust)
        let written = try BagWriter.write(site: site, from: store, options: options, to: URL(filePath: out))
        print("Wrote a BagIt package of \(written.report.site.code) to \(written.folder.path)")
        print(
            "  \(written.payloadFiles) payload files, \(written.payloadBytes) bytes"
                + (written.withheldFiles > 0
                    ? "; \(counted(written.withheldFiles, "file")) withheld (restricted position)" : ""))
        if let fingerprint = written.fingerprint { print("  signed with key \(fingerprint)") }
        if let timestamp = written.timestamp {
            print("  timestamped \(timestamp.timeText) by \(tsa ?? "?") (token serial \(timestamp.serialNumber))")
        }
        if !written.report.archiveCheck.verified {
            printError(
                "warning: UNVERIFIED package (--allow-unverified): the archive failed its check with "
                    + "\(counted(written.report.archiveCheck.problems.count, "problem")); bag-info.txt says so")
        }
        if let zip = written.zip { print("  zipped to \(zip.path)") }
        print("  check it: heritage verify --bag \(written.folder.path)" + (keyPath.map { " --key \($0).pub" } ?? ""))
    }
}
