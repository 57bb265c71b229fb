import Foundation
import HeritageStore
import SurveyDiff

/// What to put in a report.
public struct ReportOptions: Sendable {
    /// Inclusive ISO dates (YYYY, YYYY-MM or YYYY-MM-DD); nil leaves that end open.
    public var from: String?
    public var to: String?
    /// Show a restricted site's exact position (and its photographs' GPS positions).
    public var includeRestricted: Bool
    /// Make the report even when the archive fails its check; the report's first screen (and a
    /// package's bag-info.txt) then says so. Off by default: evidence is built on a sound archive.
    public var allowUnverified: Bool
    public var actor: String
    public var software: String

    public init(
        from: String? = nil, to: String? = nil, includeRestricted: Bool = false, allowUnverified: Bool = false,
        actor: String, software: String
    ) {
        self.from = from
        self.to = to
        self.includeRestricted = includeRestricted
        self.allowUnverified = allowUnverified
        self.actor = actor
        self.software = software
    }

    func covers(_ date: String?) -> Bool {
        guard let date else { return from == nil && to == nil }
        if let from, date < from && !from.hasPrefix(date) { return false }
        if let to, date.prefix(to.count) > to { return false }
        return true
    }
}

/// The records a report was built from: a package carries these rows without reading the
/// archive a second time, so its registry extract and its report describe the same state.
struct ReportSources {
    var site: Site
    /// Whether the site's position must be generalised in what is released.
    var generalise: Bool { release.generalise }
    /// What may be released, and every position the archive knows for the site.
    var release: SiteRelease
    /// Every asset of the site with its versions (the report shows those in its period).
    var assets: [(asset: Asset, versions: [AssetVersion])]
    /// The surveys, assessments and findings the report shows.
    var surveys: [Survey]
    var assessments: [ConditionAssessment]
    var findings: [Finding]
    /// The audit events about the items the report shows, with their values.
    var events: [AuditEvent]
}

/// A file the report shows, copied from the archive's blobs to `path` beside the report.
struct ReportAttachment: Sendable {
    var path: String
    var source: URL
    var role: String
}

extension SiteReport {
    /// Gathers the report on `siteReference` from the archive. Blobs it shows are re-hashed
    /// on the way (`verifiedBlob`), so a changed blob stops the report instead of entering it.
    static func build(
        from archive: HeritageArchive, site siteReference: String, options: ReportOptions
    ) throws -> (report: SiteReport, attachments: [ReportAttachment], sources: ReportSources) {
        let stored = try archive.requireSite(siteReference)
        let archiveCheck = try checkArchive(archive, site: stored, allowUnverified: options.allowUnverified)
        let assets = try archive.assets(ofSite: stored.id)
        let release = try archive.release(
            ofSite: stored.id, includeRestricted: options.includeRestricted, assets: assets)
        let generalise = release.generalise
        let released = release.releasedSite
        var attachments: [ReportAttachment] = []

        // Condition timeline.
        let findings = try archive.findings(ofSite: stored.id)
        let surveys = try archive.surveys(ofSite: stored.id)
        let surveyByID = Dictionary(uniqueKeysWithValues: surveys.map { ($0.id, $0) })
        let history = try archive.conditionHistory(ofSite: stored.id)
            .filter { options.covers($0.assessment.timelineDate) }
        let timeline = history.map { entry in
            reportAssessment(
                entry, survey: entry.assessment.surveyID.flatMap { surveyByID[$0] }, findings: findings,
                release: release)
        }

        // Surveys and their assets.
        var versionByID: [String: (asset: Asset, version: AssetVersion)] = [:]
        for (asset, versions) in assets { for version in versions { versionByID[version.id] = (asset, version) } }
        var reportSurveys: [ReportSurvey] = []
        var includedVersions = Set<String>()
        func reportAssets(_ list: [(asset: Asset, versions: [AssetVersion])]) throws -> [ReportAsset] {
            try list.map { asset, versions in
                let shown = try versions.map { version -> ReportAssetVersion in
                    includedVersions.insert(version.id)
                    return try reportVersion(
                        version, of: asset, site: stored, release: release, archive: archive,
                        attachments: &attachments)
                }
                return ReportAsset(
                    id: asset.id, title: release.released(asset).title, kind: asset.kind.label, versions: shown)
            }
        }
        for survey in surveys where options.covers(survey.startDate) {
            let own = assets.filter { $0.asset.surveyID == survey.id }
            reportSurveys.append(
                ReportSurvey(
                    id: survey.id, dates: survey.endDate.map { "\(survey.startDate) to \($0)" } ?? survey.startDate,
                    method: survey.method.label, team: survey.team.map(release.released(text:)),
                    notes: survey.notes.map(release.released(text:)), assets: try reportAssets(own)))
        }
        let unfiled = assets.filter { entry in
            entry.asset.surveyID == nil
                && options.covers(entry.versions.first.map { $0.capture.capturedAt ?? $0.importedAt })
        }
        if !unfiled.isEmpty {
            reportSurveys.append(
                ReportSurvey(
                    id: nil, dates: "", method: "Filed without a survey (derived results and loose files)", team: [],
                    notes: nil, assets: try reportAssets(unfiled)))
        }

        // Comparisons whose two epochs are both in the report.
        var comparisons: [ReportComparison] = []
        for finding in findings
        where includedVersions.contains(finding.beforeVersionID) && includedVersions.contains(finding.afterVersionID) {
            comparisons.append(
                try reportComparison(
                    finding, versions: versionByID, release: release, archive: archive, attachments: &attachments))
        }

        // Chain of custody: every event about an item in the report.
        var itemIDs: Set<String> = [stored.id]
        itemIDs.formUnion(timeline.map(\.id))
        itemIDs.formUnion(reportSurveys.compactMap(\.id))
        for survey in reportSurveys {
            for asset in survey.assets {
                itemIDs.insert(asset.id)
                itemIDs.formUnion(asset.versions.map(\.id))
            }
        }
        itemIDs.formUnion(comparisons.map(\.findingID))
        // Bags that brought a file the report shows.
        let ingestions = try archive.bagIngestions(ofSite: stored.id).filter { ingestion in
            ingestion.versionIDs.contains(where: includedVersions.contains)
                || includedVersions.contains(ingestion.documentVersionID)
        }
        itemIDs.formUnion(ingestions.map(\.id))
        let events = try archive.auditEvents(ofSite: stored.id).filter { itemIDs.contains($0.entityID) }
        var custody = try custodyRecord(events, head: archive.auditHead())
        custody.ingestions = ingestions.map { ingestion in
            ReportIngestion(
                id: ingestion.id, bagName: release.released(text: ingestion.bagName),
                receivedAt: ingestion.receivedAt, receivedBy: ingestion.receivedBy,
                bagInfo: ingestion.bagInfo.map { $0.map(release.released(text:)) },
                verification: ingestion.verification, versionIDs: ingestion.versionIDs,
                documentVersionID: ingestion.documentVersionID)
        }

        let site = ReportSite(
            id: released.id, code: released.code, names: released.names, kind: released.kind.label,
            community: released.community, period: released.period, description: released.description,
            latitude: released.location.latitude, longitude: released.location.longitude,
            precisionMetres: released.location.precisionMetres, boundary: released.boundary,
            country: released.country, adminArea: released.adminArea, sensitivity: released.sensitivity.label,
            designations: released.designations.map {
                ReportDesignation(
                    type: $0.type.rawValue, label: $0.type.label, reference: $0.reference, date: $0.date,
                    legalMeaning: LegalMeaning.of($0.type))
            },
            externalIDs: released.externalIDs, sources: released.sources)
        let report = SiteReport(
            title: "Evidence report: \(released.primaryName) (\(released.code))", generatedAt: Timestamp.now(),
            generatedBy: options.actor, software: options.software, from: options.from, to: options.to,
            locationGeneralised: generalise, site: site, timeline: timeline, surveys: reportSurveys,
            comparisons: comparisons, custody: custody, archiveCheck: archiveCheck,
            methodology: Methodology.paragraphs(
                software: options.software, generalised: generalise,
                photographs: comparisons.contains { $0.method == "photo" }),
            manifest: [])
        let shownFindings = Set(comparisons.map(\.findingID))
        let sources = ReportSources(
            site: stored, release: release, assets: assets,
            surveys: surveys.filter { options.covers($0.startDate) }, assessments: history.map(\.assessment),
            findings: findings.filter { shownFindings.contains($0.id) }, events: events)
        return (report, attachments, sources)
    }

    /// Runs the site's archive check first: a report on a tampered archive would lend the
    /// forgery the report's authority. Refuses, naming each problem, unless `allowUnverified`.
    private static func checkArchive(
        _ archive: HeritageArchive, site: Site, allowUnverified: Bool
    ) throws -> ReportArchiveCheck {
        let verification = try archive.verify(site: site.id)
        if verification.isValid {
            return ReportArchiveCheck(
                verified: true, problems: [],
                statement:
                    "Before this report was made, the archive's whole audit chain (\(verification.eventCount) events) "
                    + "was recomputed and found intact; the site's \(verification.versionCount) file versions, "
                    + "\(verification.assessmentCount) assessments and every other row it shows matched the values "
                    + "their audit events recorded; and \(verification.blobCount) stored files were re-hashed.")
        }
        let problems = verification.problems
        guard allowUnverified else {
            throw EvidenceError(
                "refusing to report on \(site.code): the archive fails its check, so what it says cannot be "
                    + "vouched for; nothing was written.\n"
                    + problems.prefix(20).map { "  - \($0)" }.joined(separator: "\n")
                    + (problems.count > 20 ? "\n  … and \(problems.count - 20) more" : "")
                    + "\nRun 'heritage verify' for the whole archive. To make the report anyway, marked as unverified "
                    + "on its first page, pass --allow-unverified.")
        }
        return ReportArchiveCheck(
            verified: false, problems: problems,
            statement:
                "UNVERIFIED: the archive failed its check when this report was made (\(problems.count) problems, "
                + "listed below); it was made anyway with --allow-unverified. Do not rely on it without resolving them."
        )
    }

    private static func reportAssessment(
        _ entry: TimelineEntry, survey: Survey?, findings: [Finding], release: SiteRelease
    ) -> ReportAssessment {
        let assessment = entry.assessment
        var evidence: [String] = []
        if let survey {
            evidence.append("survey \(survey.id) (\(survey.method.label), \(survey.startDate))")
        }
        for finding in findings where assessment.notes?.contains(finding.id) == true {
            evidence.append("finding \(finding.id) (\(finding.method.rawValue.uppercased()))")
        }
        return ReportAssessment(
            id: assessment.id, date: assessment.dateText, assessor: release.released(text: assessment.assessor),
            activity: assessment.activity.label, condition: assessment.overallCondition.label,
            extent: assessment.damageExtent.label,
            cause: [assessment.causeCategory?.label, assessment.causeType?.label].compactMap { $0 }
                .joined(separator: ": ").nilIfEmpty,
            effects: assessment.effects.map(\.label), certainty: assessment.certainty.label,
            notes: assessment.notes.map(release.released(text:)),
            recordedAt: assessment.recordedAt, supersedes: assessment.supersedes, supersededBy: entry.supersededBy,
            evidence: evidence)
    }

    private static func reportVersion(
        _ version: AssetVersion, of asset: Asset, site: Site, release: SiteRelease, archive: HeritageArchive,
        attachments: inout [ReportAttachment]
    ) throws -> ReportAssetVersion {
        let generalise = release.generalise
        let shownVersion = release.released(version)
        var gpsCheck: GPSCheck?
        if let latitude = version.capture.latitude, let longitude = version.capture.longitude,
            let taken = try? GeoPoint(latitude: latitude, longitude: longitude)
        {
            let distance = GreatCircle.distanceKm(taken, site.location.point)
            let limit = HeritageArchive.photoDistanceWarningKm
            let consistent = distance <= limit
            let shown = generalise ? "about \(Int(distance.rounded())) km" : String(format: "%.2f km", distance)
            gpsCheck = GPSCheck(
                distanceKm: generalise ? distance.rounded() : (distance * 100).rounded() / 100,
                consistent: consistent,
                statement: consistent
                    ? "Taken \(shown) from the site's recorded position: consistent (within \(Int(limit)) km)."
                    : "Taken \(shown) from the site's recorded position: NOT consistent with the site (over \(Int(limit)) km)."
            )
        }
        var thumbnail: String?
        if let related = version.relatedFiles.first(where: { $0.name == "thumbnail.png" }) {
            let path = "images/photo-\(version.id.prefix(12)).png"
            attachments.append(
                ReportAttachment(
                    path: path, source: try archive.verifiedBlob(sha256: related.sha256),
                    role: "thumbnail of \(release.released(asset).title) v\(version.number)"))
            thumbnail = path
        }
        return ReportAssetVersion(
            id: version.id, number: version.number, fileName: shownVersion.fileName, format: version.format,
            sha256: version.sha256, size: version.size, importedAt: version.importedAt, importedBy: version.importedBy,
            importerVersion: version.importerVersion, capture: shownVersion.capture, warnings: shownVersion.warnings,
            derivation: version.derivation, thumbnail: thumbnail, gpsCheck: gpsCheck,
            provenance: shownVersion.provenance)
    }

    private static func reportComparison(
        _ finding: Finding, versions: [String: (asset: Asset, version: AssetVersion)], release: SiteRelease,
        archive: HeritageArchive, attachments: inout [ReportAttachment]
    ) throws -> ReportComparison {
        func label(_ id: String) -> String {
            guard let (asset, version) = versions[id] else { return "version \(id)" }
            let shown = release.released(version)
            return "\(release.released(asset).title) v\(version.number) (\(shown.fileName), SHA-256 "
                + "\(version.sha256.prefix(16))…)"
        }
        var summary: ComparisonSummary?
        var heatMaps: [String] = []
        for id in finding.resultVersionIDs {
            guard let (asset, version) = versions[id] else { continue }
            let blob = try archive.verifiedBlob(sha256: version.sha256)
            if version.format == "json", summary == nil {
                summary = try? JSONDecoder().decode(ComparisonSummary.self, from: Data(contentsOf: blob))
            } else if version.format == "png" {
                let path = "images/\(finding.id.prefix(12))-\(version.fileName)"
                attachments.append(ReportAttachment(path: path, source: blob, role: release.released(asset).title))
                heatMaps.append(path)
            }
        }
        let derivation = finding.resultVersionIDs.lazy.compactMap { versions[$0]?.version.derivation }.first
        var parameters = summary?.parameters.textValues ?? derivation?.parameters ?? [:]
        var regions = summary?.regions ?? []
        var caveats =
            summary?.caveats
            ?? ["The comparison's summary file is not in the archive; only the finding's totals are shown."]
        let georeferenced = [finding.beforeVersionID, finding.afterVersionID].contains { id in
            versions[id].map { release.isGeoreferenced($0.version) } ?? false
        }
        if release.generalise && georeferenced {
            // The regions of georeferenced scans are positions: given relative to the corner of
            // the box around them all, they still say where on the monument the damage is.
            let origin = (0..<3).map { axis in
                regions.compactMap { $0.lower.count > axis ? $0.lower[axis] : nil }.min() ?? 0
            }
            regions = regions.map { region in
                var moved = region
                func shift(_ point: [Double]) -> [Double] {
                    point.enumerated().map { $0.offset < 3 ? $0.element - origin[$0.offset] : $0.element }
                }
                moved.centroid = shift(region.centroid)
                moved.lower = shift(region.lower)
                moved.upper = shift(region.upper)
                return moved
            }
            caveats.append(
                "Restricted site: region positions are given relative to the lowest corner of the box around all "
                    + "regions; their georeferenced coordinates are withheld, as are the comparison's summary and "
                    + "distance files.")
            for (key, value) in parameters where key == "orientation" && value.contains(",") {
                parameters[key] = "withheld (a viewpoint in the site's coordinates)"
            }
        }
        parameters = parameters.mapValues(release.released(text:))
        return ReportComparison(
            findingID: finding.id, method: finding.method.rawValue, recordedAt: finding.recordedAt,
            recordedBy: finding.recordedBy, before: label(finding.beforeVersionID),
            after: label(finding.afterVersionID),
            beforeVersionID: finding.beforeVersionID, afterVersionID: finding.afterVersionID,
            account: release.released(text: finding.summary), units: finding.units,
            parameters: parameters,
            registration: summary?.registration,
            coreCount: summary?.coreCount ?? finding.measuredCount + finding.noDataCount,
            significantCount: finding.significantCount, noDataCount: finding.noDataCount,
            distance: summary?.distance, regions: regions,
            caveats: caveats,
            heatMaps: heatMaps)
    }

    /// Recomputes every event's hash and checks each link between consecutive events.
    static func custodyRecord(_ events: [AuditEvent], head: AuditEvent?) throws -> ReportCustody {
        var problems: [String] = []
        var previous: AuditEvent?
        for event in events {
            if event.recomputedHash != event.hash {
                problems.append("event \(event.sequence) does not match its hash")
            }
            if let previous, previous.sequence + 1 == event.sequence, event.previousHash != previous.hash {
                problems.append("event \(event.sequence) does not point at event \(previous.sequence)")
            }
            previous = event
        }
        let statement =
            problems.isEmpty
            ? "All \(events.count) events were recomputed from their content and match their hashes; each points at "
                + "the hash of the event before it in the archive's single chain, which ends at event "
                + "\(head?.sequence ?? 0). Events about other sites fill the gaps in the numbering; `heritage verify` "
                + "on the archive checks the whole chain."
            : "Problems: " + problems.joined(separator: "; ")
        return ReportCustody(
            events: events.map {
                ReportAuditEvent(
                    sequence: $0.sequence, time: $0.time, actor: $0.actor, action: $0.action, entityType: $0.entityType,
                    entityID: $0.entityID, previousHash: $0.previousHash, hash: $0.hash)
            }, headSequence: head?.sequence ?? 0, headHash: head?.hash ?? AuditEvent.genesisHash,
            verified: problems.isEmpty, statement: statement)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
