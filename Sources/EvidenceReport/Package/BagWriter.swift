import Crypto
import Foundation
import HeritageStore
import X509
import ZIPFoundation

public struct PackageOptions: Sendable {
    public var report: ReportOptions
    /// `Source-Organization` in bag-info.txt.
    public var organization: String
    /// Signs the tag manifest; nil makes an unsigned bag.
    public var signingKey: SigningKey?
    /// Also write `<folder>.zip`.
    public var zip: Bool
    /// An RFC 3161 time-stamping authority to ask for a token over the tag manifest.
    public var timestampAuthority: URL?
    /// The certificates to check the authority's token against right away (its own, or its CA).
    public var timestampTrust: [Certificate]

    public init(
        report: ReportOptions, organization: String, signingKey: SigningKey?, zip: Bool = false,
        timestampAuthority: URL? = nil, timestampTrust: [Certificate] = []
    ) {
        self.report = report
        self.organization = organization
        self.signingKey = signingKey
        self.zip = zip
        self.timestampAuthority = timestampAuthority
        self.timestampTrust = timestampTrust
    }
}

public struct WrittenPackage: Sendable {
    public var folder: URL
    public var zip: URL?
    public var payloadFiles: Int
    public var payloadBytes: Int64
    public var withheldFiles: Int
    public var fingerprint: String?
    public var report: SiteReport
    /// The authority's token over the tag manifest, when one was asked for.
    public var timestamp: TimestampToken?
}

/// Writes a BagIt bag (RFC 8493) with everything a distrustful reader needs to check a
/// site's record: the archived files, the report, the registry rows, the audit events,
/// PREMIS-style event lists, and an Ed25519 signature over the tag manifest.
public enum BagWriter {
    public static let signatureName = "tagmanifest-sha256.txt.sig"
    public static let publicKeyName = "signing-key.pub"
    /// The RFC 3161 token over the SHA-256 of tagmanifest-sha256.txt (DER).
    public static let timestampName = "tagmanifest-sha256.txt.tsr"
    /// The certificates that came with the token and were given to check it (PEM).
    public static let timestampChainName = "tagmanifest-sha256.txt.tsr.pem"

    public static func write(
        site reference: String, from archive: HeritageArchive, options: PackageOptions, to folder: URL
    ) throws -> WrittenPackage {
        try EvidenceFiles.requireAbsent(folder)
        let zipURL = options.zip ? folder.appendingPathExtension("zip") : nil
        if let zipURL { try EvidenceFiles.requireAbsent(zipURL) }
        let (draft, attachments, sources) = try SiteReport.build(
            from: archive, site: reference, options: options.report)
        let site = sources.site
        let staging = try EvidenceFiles.stagingFolder(for: folder)
        if let zipURL { PartialOutputs.removeAbandoned(in: zipURL.deletingLastPathComponent()) }
        var partialZip: URL?
        do {
            let data = staging.appending(path: "data")
            let (report, _) = try ReportWriter.write(
                draft, attachments: attachments, into: data.appending(path: "report"))
            let packagingTime = Timestamp.now()
            let files = try copyFiles(report: report, sources: sources, archive: archive, into: staging)
            try writeRegistry(sources, files: files, into: data)
            try writePreservationEvents(
                report: report, files: files, time: packagingTime, actor: options.report.actor, into: data)
            let payload = try writeManifest(staging)
            try requireRecordedHashes(files, payload)
            let (fingerprint, timestamp) = try writeTagFiles(
                staging, site: site, report: report, options: options, payload: payload, time: packagingTime)
            if sources.generalise { try RestrictedLocation.requireAbsent(from: staging, release: sources.release) }
            // The zip is made from the finished bag under a temporary name; the folder and then
            // the zip are renamed into place, so neither ever appears half written.
            partialZip = try zipURL.map {
                try BagZip.writePartial(staging, rootName: folder.lastPathComponent, for: $0)
            }
            try EvidenceFiles.moveIntoPlace(staging, folder)
            if let zipURL, let partial = partialZip {
                partialZip = nil
                try BagZip.moveIntoPlace(partial, zipURL)
            }
            return WrittenPackage(
                folder: folder, zip: zipURL, payloadFiles: payload.count,
                payloadBytes: payload.reduce(0) { $0 + $1.size },
                withheldFiles: files.filter { $0.withheld != nil }.count, fingerprint: fingerprint, report: report,
                timestamp: timestamp)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            if let partialZip { try? FileManager.default.removeItem(at: partialZip) }
            throw error
        }
    }

    /// Copies every archived file the report lists (and its related files) to `data/files/`.
    /// For a restricted site released without its position, files that carry a position
    /// (photographs with GPS, georeferenced scans) are withheld and listed with their hash.
    private static func copyFiles(
        report: SiteReport, sources: ReportSources, archive: HeritageArchive, into bag: URL
    ) throws -> [PackagedFile] {
        var files: [PackagedFile] = []
        let shown = Set(report.surveys.flatMap { $0.assets.flatMap { $0.versions.map(\.id) } })
        let release = sources.release
        for (asset, versions) in sources.assets {
            let folder = "data/files/\(slug(release.released(asset).title))-\(asset.id.prefix(8))"
            for version in versions where shown.contains(version.id) {
                let withheldFile = release.withholds(version)
                let withheld =
                    withheldFile
                    ? "withheld: the file holds a position of a restricted site (package made without --include-restricted)"
                    : nil
                var path: String?
                if withheld == nil {
                    let relative = "\(folder)/v\(version.number)-\(safeName(release.released(version).fileName))"
                    try EvidenceFiles.copy(
                        archive.blobLocation(sha256: version.sha256), to: bag.appending(path: relative))
                    path = relative
                }
                files.append(
                    PackagedFile(
                        path: path, versionID: version.id, relatedName: nil, sha256: version.sha256, size: version.size,
                        withheld: withheld))
                // A withheld file's related files go with it, but for the thumbnail (pixels only).
                for related in version.relatedFiles where !withheldFile || related.name == "thumbnail.png" {
                    let relative = "\(folder)/v\(version.number)-related/\(safeName(related.name))"
                    try EvidenceFiles.copy(
                        archive.blobLocation(sha256: related.sha256), to: bag.appending(path: relative))
                    files.append(
                        PackagedFile(
                            path: relative, versionID: version.id, relatedName: related.name, sha256: related.sha256,
                            size: related.size, withheld: nil))
                }
            }
        }
        return files
    }

    private static func writeRegistry(_ sources: ReportSources, files: [PackagedFile], into data: URL) throws {
        let shownVersions = Set(files.map(\.versionID))
        let assets = sources.assets.filter { $0.versions.contains { shownVersions.contains($0.id) } }
        let release = sources.release
        let extract = RegistryExtract(
            site: release.releasedSite, surveys: sources.surveys.map(release.released),
            assessments: sources.assessments.map(release.released), assets: assets.map { release.released($0.asset) },
            versions: assets.flatMap(\.versions).filter { shownVersions.contains($0.id) }.map(release.released),
            findings: sources.findings.map(release.released))
        // Values that hold a position are withheld: such an event's links can be checked, not its hash.
        let events = sources.events.map { event in
            let (shown, withheld) = release.released(event)
            return PackagedAuditEvent(event: shown, valuesWithheld: withheld)
        }
        let registry = data.appending(path: "registry")
        try EvidenceFiles.write(try jsonData(extract), to: registry.appending(path: "registry.json"))
        try EvidenceFiles.write(try jsonData(events), to: registry.appending(path: "audit-events.json"))
        try EvidenceFiles.write(try jsonData(files), to: registry.appending(path: "files.json"))
    }

    private static func writePreservationEvents(
        report: SiteReport, files: [PackagedFile], time: String, actor: String, into data: URL
    ) throws {
        let creation = Dictionary(
            report.custody.events.filter { ["asset.version", "bag.ingest"].contains($0.action) }
                .map { ($0.entityID, $0.sequence) },
            uniquingKeysWith: { first, _ in first })
        for survey in report.surveys {
            for asset in survey.assets {
                let versions = asset.versions.map { version in
                    var events = [
                        PreservationEvent(
                            eventType: "ingestion", dateTime: version.importedAt, agent: version.importedBy,
                            detail:
                                "imported \(version.fileName) with \(version.importerVersion); SHA-256 \(version.sha256)",
                            outcome: "success", auditSequence: creation[version.id])
                    ]
                    if let provenance = version.provenance {
                        let sender = [provenance.sourceOrganization, provenance.contactName].compactMap { $0 }
                        events.append(
                            PreservationEvent(
                                eventType: "ingestion", dateTime: version.importedAt, agent: version.importedBy,
                                detail:
                                    "received in bag \(provenance.bagName) as \(provenance.pathInBag)"
                                    + (sender.isEmpty ? "" : " from \(sender.joined(separator: ", "))")
                                    + "; fixity checked against the bag's manifests before it was stored",
                                outcome: "success", auditSequence: creation[provenance.ingestionID]))
                    }
                    if let derivation = version.derivation {
                        events.append(
                            PreservationEvent(
                                eventType: "derivation", dateTime: version.importedAt, agent: version.importedBy,
                                detail:
                                    "\(derivation.process) of \(derivation.sourceVersionIDs.joined(separator: ", "))",
                                outcome: "success", auditSequence: creation[version.id]))
                    }
                    events.append(
                        PreservationEvent(
                            eventType: "fixity check", dateTime: time, agent: actor,
                            detail: "re-hashed before packaging, the archive's blob and its copy here: SHA-256 matched",
                            outcome: "success", auditSequence: nil))
                    let packaged = files.first { $0.versionID == version.id && $0.relatedName == nil }
                    if let withheld = packaged?.withheld {
                        events.append(
                            PreservationEvent(
                                eventType: "withholding", dateTime: time, agent: actor, detail: withheld,
                                outcome: "success", auditSequence: nil))
                    } else {
                        events.append(
                            PreservationEvent(
                                eventType: "packaging", dateTime: time, agent: actor,
                                detail: "copied to \(packaged?.path ?? "?") in a BagIt bag", outcome: "success",
                                auditSequence: nil))
                    }
                    return PreservationVersion(
                        versionID: version.id, number: version.number, sha256: version.sha256, events: events)
                }
                let record = PreservationRecord(assetID: asset.id, title: asset.title, versions: versions)
                try EvidenceFiles.write(try jsonData(record), to: data.appending(path: "premis/\(asset.id).json"))
            }
        }
    }

    /// The archived files were copied without re-hashing the originals (the archive check had
    /// just done so); the manifest's hashes of the copies must be the ones the archive recorded.
    private static func requireRecordedHashes(_ files: [PackagedFile], _ payload: [ManifestEntry]) throws {
        let found = Dictionary(payload.map { ($0.path, $0.sha256) }, uniquingKeysWith: { first, _ in first })
        for file in files {
            guard let path = file.path, found[path] != file.sha256 else { continue }
            throw EvidenceError(
                "\(path): its bytes no longer hash to \(file.sha256), recorded at import; the blob changed during "
                    + "packaging; nothing was written")
        }
    }

    /// Writes `manifest-sha256.txt` over every file under `data/` and returns them.
    private static func writeManifest(_ bag: URL) throws -> [ManifestEntry] {
        let paths = EvidenceFiles.files(under: bag.appending(path: "data")).map { "data/" + $0 }
        let entries = try paths.parallelMap(minimumChunk: 1) { path in
            let url = bag.appending(path: path)
            return ManifestEntry(
                path: path, sha256: try FileHashing.sha256(of: url), size: try EvidenceFiles.size(of: url),
                role: "payload")
        }
        let text = entries.map { "\($0.sha256)  \(BagText.encodePath($0.path))\n" }.joined()
        try EvidenceFiles.write(Data(text.utf8), to: bag.appending(path: "manifest-sha256.txt"))
        return entries
    }

    private static func writeTagFiles(
        _ bag: URL, site: Site, report: SiteReport, options: PackageOptions, payload: [ManifestEntry], time: String
    ) throws -> (String?, TimestampToken?) {
        try EvidenceFiles.write(
            Data("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8), to: bag.appending(path: "bagit.txt"))
        var info: [(String, String)] = [
            ("Source-Organization", options.organization),
            ("External-Identifier", "heritage:site:\(site.code):\(site.id)"),
            ("External-Description", report.title),
            ("Bagging-Date", String(time.prefix(10))),
            ("Bagging-Time", time),
            ("Payload-Oxum", "\(payload.reduce(0) { $0 + $1.size }).\(payload.count)"),
            ("Bag-Count", "1 of 1"),
            ("Bag-Software-Agent", options.report.software),
            ("Heritage-Audit-Head", "\(report.custody.headSequence) \(report.custody.headHash)"),
            (
                BagVerifier.archiveCheckField,
                report.archiveCheck.verified
                    ? "verified (audit chain, the site's rows against their events, blob hashes)"
                    : "UNVERIFIED: made with --allow-unverified from an archive that failed its check "
                        + "(\(report.archiveCheck.problems.count) problems, listed in data/report/report.json)"
            ),
        ]
        if let authority = options.timestampAuthority {
            info.append(("Heritage-Timestamp-Authority", authority.absoluteString))
        }
        var tagFiles = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]
        var fingerprint: String?
        if let key = options.signingKey {
            fingerprint = key.publicKey.fingerprint
            info.append(("Heritage-Signing-Key-Fingerprint", key.publicKey.fingerprint))
            try EvidenceFiles.write(Data(key.publicKey.line.utf8), to: bag.appending(path: publicKeyName))
            tagFiles.append(publicKeyName)
        }
        let infoText = info.map { "\($0.0): \(BagText.oneLine($0.1))\n" }.joined()
        try EvidenceFiles.write(Data(infoText.utf8), to: bag.appending(path: "bag-info.txt"))
        var tagManifest = ""
        for name in tagFiles.sorted() {
            tagManifest += "\(try FileHashing.sha256(of: bag.appending(path: name)))  \(name)\n"
        }
        let tagManifestData = Data(tagManifest.utf8)
        try EvidenceFiles.write(tagManifestData, to: bag.appending(path: "tagmanifest-sha256.txt"))
        if let key = options.signingKey {
            let signature = try key.signature(for: tagManifestData)
            try EvidenceFiles.write(
                Data((signature.base64EncodedString() + "\n").utf8), to: bag.appending(path: signatureName))
        }
        var timestamp: TimestampToken?
        if let authority = options.timestampAuthority {
            timestamp = try stamp(tagManifestData, by: authority, trusting: options.timestampTrust, into: bag)
        }
        return (fingerprint, timestamp)
    }

    /// Asks the authority for a token over the tag manifest's SHA-256, checks it at once (a
    /// token that does not verify is not put in a package), and stores it with its certificates.
    private static func stamp(
        _ tagManifest: Data, by authority: URL, trusting trusted: [Certificate], into bag: URL
    ) throws -> TimestampToken {
        let digest = Array(SHA256.hash(data: tagManifest))
        let token: TimestampToken
        do {
            token = try TimestampAuthority.requestToken(sha256: digest, from: authority)
        } catch let error as TimestampError {
            throw EvidenceError("no timestamp: \(error.description); nothing was written")
        }
        // Without certificates to trust, the token is checked against its own: its signature
        // and imprint, not who the authority is.
        let check = token.verify(digest: digest, trusting: trusted.isEmpty ? token.certificates : trusted)
        guard check.isValid else {
            throw EvidenceError(
                "the token from \(authority.absoluteString) does not verify: "
                    + check.problems.joined(separator: "; ") + "; nothing was written")
        }
        try EvidenceFiles.write(Data(token.der), to: bag.appending(path: timestampName))
        var chain = token.certificates
        for certificate in trusted where !chain.contains(certificate) { chain.append(certificate) }
        do {
            try EvidenceFiles.write(
                Data(try TimestampAuthority.pem(chain).utf8), to: bag.appending(path: timestampChainName))
        } catch let error as EvidenceError {
            throw error
        } catch {
            throw EvidenceError("cannot write the timestamp's certificates: \(error)")
        }
        return token
    }

    static func jsonData<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Lower-case ASCII letters, digits and dashes, at most 40: a readable folder name.
    static func slug(_ title: String) -> String {
        var out = ""
        for scalar in title.lowercased().unicodeScalars {
            if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) {
                out.unicodeScalars.append(scalar)
            } else if !out.hasSuffix("-") && !out.isEmpty {
                out += "-"
            }
            if out.count >= 40 { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "asset" : out
    }

    /// A file name without path separators or control characters.
    static func safeName(_ name: String) -> String {
        let cleaned = String(
            name.unicodeScalars.map { scalar -> Character in
                scalar == "/" || scalar == "\\" || scalar.value < 0x20 ? "_" : Character(scalar)
            })
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "file" : cleaned
    }
}
