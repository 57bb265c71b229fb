import Foundation
import HeritageStore
import SurveyDiff

extension SiteReport {
    /// The report as one self-contained HTML page: no scripts, no network; images are files
    /// beside it. Prints to PDF from a browser with page breaks between sections.
    public func html() -> String {
        var page = HTMLPage()
        page.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        page.element("title", title)
        page.raw("<meta name=\"generator\" content=\"\(escapeHTML(software))\">")
        page.raw("<style>\(Self.styleSheet)</style></head><body>")
        page.raw("<header>")
        page.element("h1", title)
        page.paragraph(
            "Generated \(generatedAt) by \(generatedBy) with \(software)."
                + (from != nil || to != nil ? " Period: \(from ?? "the beginning") to \(to ?? "today")." : ""))
        if !archiveCheck.verified {
            page.raw("<div class=\"alarm\" role=\"alert\"><strong>\(escapeHTML(archiveCheck.statement))</strong><ul>")
            for problem in archiveCheck.problems { page.raw("<li>\(escapeHTML(problem))</li>") }
            page.raw("</ul></div>")
        }
        if locationGeneralised {
            page.raw(
                "<p class=\"notice\">Restricted site: positions are generalised to 0.1° and the boundary is omitted.</p>"
            )
        }
        page.raw("</header>")
        page.raw(
            "<nav><ol><li><a href=\"#summary\">Summary</a></li><li><a href=\"#site\">Site</a></li><li><a href=\"#timeline\">Condition timeline</a></li>"
                + "<li><a href=\"#surveys\">Surveys and files</a></li><li><a href=\"#comparisons\">Comparisons</a></li>"
                + "<li><a href=\"#custody\">Chain of custody</a></li><li><a href=\"#methodology\">Methodology</a></li>"
                + "<li><a href=\"#manifest\">Manifest</a></li></ol></nav>")
        summarySection(&page)
        siteSection(&page)
        timelineSection(&page)
        surveysSection(&page)
        comparisonsSection(&page)
        custodySection(&page)
        page.raw("<section id=\"methodology\">")
        page.element("h2", "Methodology")
        for paragraph in methodology {
            page.element("h3", paragraph.heading)
            page.paragraph(paragraph.text)
        }
        page.raw("</section>")
        page.raw("<section id=\"manifest\">")
        page.element("h2", "Manifest")
        page.paragraph(
            "Files beside this report, with their SHA-256. The report's own HTML and JSON are listed with these in "
                + "manifest-sha256.txt.")
        page.table(
            ["File", "Role", "Bytes", "SHA-256"],
            manifest.map { [.text($0.path), .text($0.role), .text("\($0.size)"), .code($0.sha256)] })
        page.raw("</section></body></html>\n")
        return page.text
    }

    /// What a reader needs first: the latest condition, the protection, and what each comparison found.
    private func summarySection(_ page: inout HTMLPage) {
        page.raw("<section id=\"summary\" class=\"summary\">")
        page.element("h2", "Summary")
        var rows: [[HTMLCell]] = []
        if let latest = timeline.last {
            rows.append([
                .text("Latest condition"),
                .strong("\(latest.condition), extent \(latest.extent) (\(latest.date), \(latest.assessor))"),
            ])
        }
        if !site.designations.isEmpty {
            rows.append([.text("Protection"), .text(site.designations.map(\.label).joined(separator: "; "))])
        }
        let files = surveys.reduce(0) { $0 + $1.assets.reduce(0) { $0 + $1.versions.count } }
        rows.append([
            .text("Evidence"),
            .text(
                "\(counted(surveys.filter { $0.id != nil }.count, "survey")), \(counted(files, "archived file")), \(counted(comparisons.count, "comparison")), "
                    + "\(custody.events.count) audit events"),
        ])
        for comparison in comparisons {
            rows.append([.text("Finding \(comparison.findingID.prefix(8))"), .text(comparison.account)])
        }
        rows.append([
            .text("Archive check"),
            archiveCheck.verified ? .text(archiveCheck.statement) : .strong(archiveCheck.statement),
        ])
        rows.append([
            .text("Chain of custody"),
            custody.verified ? .text("intact (hashes recomputed)") : .strong(custody.statement),
        ])
        page.table(nil, rows)
        if let maps = comparisons.first?.heatMaps, !maps.isEmpty {
            page.raw("<div class=\"heatmaps\">")
            for map in maps.prefix(3) {
                page.raw("<figure><img src=\"\(escapeHTML(map))\" alt=\"heat map\"></figure>")
            }
            page.raw("</div>")
        }
        page.raw("</section>")
    }

    private func siteSection(_ page: inout HTMLPage) {
        page.raw("<section id=\"site\">")
        page.element("h2", "Site")
        var rows: [[HTMLCell]] = [
            [.text("Code"), .text(site.code)],
            [.text("Kind"), .text(site.kind)],
        ]
        for name in site.names {
            rows.append([.text("Name (\(name.language))"), .text(name.name + (name.isPrimary ? " (primary)" : ""))])
        }
        if let community = site.community { rows.append([.text("Community"), .text(community)]) }
        if let period = site.period { rows.append([.text("Period"), .text(period)]) }
        if let country = site.country {
            rows.append([.text("Country"), .text([site.adminArea, country].compactMap { $0 }.joined(separator: ", "))])
        }
        let precision = site.precisionMetres.map { String(format: " (± %.0f m)", $0) } ?? ""
        rows.append([
            .text("Location"),
            .text(String(format: "%.5f, %.5f", site.latitude, site.longitude) + precision + " WGS84"),
        ])
        rows.append([.text("Sensitivity"), .text(site.sensitivity)])
        if let boundary = site.boundary { rows.append([.text("Boundary (GeoJSON)"), .code(boundary)]) }
        for id in site.externalIDs { rows.append([.text(id.scheme.label), .text(id.value)]) }
        if let description = site.description { rows.append([.text("Description"), .text(description)]) }
        for source in site.sources { rows.append([.text("Source"), .text(source)]) }
        page.table(nil, rows)
        page.element("h3", "Designations and their legal meaning")
        if site.designations.isEmpty { page.paragraph("No designation is recorded.") }
        for designation in site.designations {
            let detail = [designation.reference, designation.date].compactMap { $0 }.joined(separator: ", ")
            page.raw("<div class=\"designation\">")
            page.element("h4", designation.label + (detail.isEmpty ? "" : " (\(detail))"))
            page.paragraph(designation.legalMeaning)
            page.raw("</div>")
        }
        page.paragraph(LegalMeaning.general)
        page.raw("</section>")
    }

    private func timelineSection(_ page: inout HTMLPage) {
        page.raw("<section id=\"timeline\">")
        page.element("h2", "Condition timeline")
        if timeline.isEmpty { page.paragraph("No condition assessment in this period.") }
        page.table(
            [
                "Date", "Condition", "Extent", "Cause and effects", "Assessor, activity, certainty",
                "Evidence and notes",
            ],
            timeline.map { entry in
                var notes = entry.evidence.joined(separator: "; ")
                if let text = entry.notes { notes += (notes.isEmpty ? "" : ". ") + text }
                if let later = entry.supersededBy { notes += " Superseded by \(later)." }
                return [
                    .text(entry.date), .strong(entry.condition), .text(entry.extent),
                    .text(([entry.cause].compactMap { $0 } + entry.effects).joined(separator: "; ")),
                    .text("\(entry.assessor); \(entry.activity); certainty \(entry.certainty)"), .text(notes),
                ]
            })
        page.raw("</section>")
    }

    private func surveysSection(_ page: inout HTMLPage) {
        page.raw("<section id=\"surveys\">")
        page.element("h2", "Surveys and files")
        if surveys.isEmpty { page.paragraph("No survey in this period.") }
        for survey in surveys {
            page.element(
                "h3", survey.id == nil ? survey.method : "\(survey.dates): \(survey.method)")
            if let id = survey.id {
                page.paragraph(
                    "Survey \(id)" + (survey.team.isEmpty ? "" : "; team: \(survey.team.joined(separator: ", "))")
                        + (survey.notes.map { ". \($0)" } ?? ""))
            }
            for asset in survey.assets {
                for version in asset.versions {
                    page.raw("<div class=\"asset\">")
                    if let thumbnail = version.thumbnail {
                        page.raw(
                            "<img class=\"thumb\" src=\"\(escapeHTML(thumbnail))\" alt=\"\(escapeHTML(asset.title))\">")
                    }
                    page.element("h4", "\(asset.title), version \(version.number) (\(asset.kind))")
                    var rows: [[HTMLCell]] = [
                        [.text("File"), .text("\(version.fileName) (\(version.format), \(version.size) bytes)")],
                        [.text("SHA-256"), .code(version.sha256)],
                        [
                            .text("Imported"),
                            .text("\(version.importedAt) by \(version.importedBy) (\(version.importerVersion))"),
                        ],
                    ]
                    let capture = version.capture
                    if let captured = capture.capturedAt { rows.append([.text("Captured"), .text(captured)]) }
                    let device = [capture.deviceMake, capture.deviceModel].compactMap { $0 }.joined(separator: " ")
                    if !device.isEmpty { rows.append([.text("Device"), .text(device)]) }
                    if let person = capture.operator { rows.append([.text("Operator"), .text(person)]) }
                    if let latitude = capture.latitude, let longitude = capture.longitude {
                        rows.append([
                            .text("GPS"),
                            .text(
                                String(format: "%.5f, %.5f", latitude, longitude)
                                    + (capture.altitude.map { String(format: ", %.1f m", $0) } ?? "")),
                        ])
                    }
                    if let check = version.gpsCheck {
                        rows.append([
                            .text("GPS check"), check.consistent ? .text(check.statement) : .strong(check.statement),
                        ])
                    }
                    if let crs = capture.crs { rows.append([.text("Coordinate system"), .text(crs)]) }
                    if let derivation = version.derivation {
                        rows.append([
                            .text("Derived from"),
                            .text(
                                "\(derivation.process) of versions \(derivation.sourceVersionIDs.joined(separator: ", "))"
                            ),
                        ])
                    }
                    if let provenance = version.provenance {
                        let sender = [provenance.sourceOrganization, provenance.contactName].compactMap { $0 }
                        rows.append([
                            .text("Received"),
                            .text(
                                "in bag \(provenance.bagName) as \(provenance.pathInBag)"
                                    + (sender.isEmpty ? "" : " from \(sender.joined(separator: ", "))")
                                    + (provenance.baggingDate.map { ", bagged \($0)" } ?? "")
                                    + (provenance.externalIdentifier.map { ", \($0)" } ?? "")
                                    + "; the bag's manifest gave "
                                    + provenance.manifestDigests.sorted { $0.key < $1.key }.map {
                                        "\($0.key) \($0.value)"
                                    }
                                    .joined(separator: ", ")),
                        ])
                    }
                    for warning in version.warnings { rows.append([.text("Import warning"), .text(warning)]) }
                    page.table(nil, rows)
                    page.raw("</div>")
                }
            }
        }
        page.raw("</section>")
    }

    private func comparisonsSection(_ page: inout HTMLPage) {
        page.raw("<section id=\"comparisons\">")
        page.element("h2", "Comparisons")
        if comparisons.isEmpty { page.paragraph("No comparison of two surveys in this period.") }
        for comparison in comparisons {
            let u = comparison.units
            page.raw("<article class=\"comparison\">")
            page.element("h3", "\(comparison.method.uppercased()): finding \(comparison.findingID)")
            page.paragraph(comparison.account)
            let isPhoto = comparison.method == "photo"
            var rows: [[HTMLCell]] = [
                [.text("Before"), .text(comparison.before)],
                [.text("After"), .text(comparison.after)],
                [.text("Recorded"), .text("\(comparison.recordedAt ?? "?") by \(comparison.recordedBy ?? "?")")],
                isPhoto
                    ? [
                        .text("Pixels"),
                        .text(
                            "\(comparison.coreCount) pixels; \(comparison.significantCount) changed "
                                + String(
                                    format: "(%.2f %% of those compared)",
                                    Double(comparison.significantCount) * 100
                                        / Double(max(1, comparison.coreCount - comparison.noDataCount)))
                                + "; \(comparison.noDataCount) without data"),
                    ]
                    : [
                        .text("Points"),
                        .text(
                            "\(comparison.coreCount) core points; \(comparison.significantCount) with significant change; "
                                + "\(comparison.noDataCount) without data"),
                    ],
            ]
            if isPhoto, let distance = comparison.distance, let median = distance.median, let p95 = distance.p95 {
                rows.append([
                    .text("Colour difference"),
                    .text(
                        String(
                            format: "median %.3g, 95th percentile %.3g (0-255, after matching exposure)", median, p95)),
                ])
            } else if let distance = comparison.distance, let median = distance.median, let p95 = distance.p95 {
                rows.append([
                    .text("Distance"),
                    .text(String(format: "median %.4g %@, 95th percentile of |d| %.4g %@", median, u, p95, u)),
                ])
            }
            if let registration = comparison.registration {
                rows.append([
                    .text("Registration"),
                    .text(
                        String(
                            format:
                                "ICP %@, %d iterations%@, RMS %.4g → %.4g %@, overlap %.1f %%, rotation %.4f°, translation %.4g %@",
                            registration.metric, registration.iterations,
                            registration.converged ? "" : " (not converged)",
                            registration.rmsBefore, registration.rms, u, registration.overlap * 100,
                            registration.rotationDegrees, registration.translation, u)),
                ])
                rows.append([
                    .text("Transform"),
                    .code(
                        registration.transform.map { $0.map { String(format: "%.6f", $0) }.joined(separator: " ") }
                            .joined(separator: "\n")),
                ])
            }
            page.table(nil, rows)
            if !comparison.heatMaps.isEmpty {
                page.raw("<div class=\"heatmaps\">")
                for map in comparison.heatMaps {
                    page.raw(
                        "<figure><img src=\"\(escapeHTML(map))\" alt=\"heat map\"><figcaption>\(escapeHTML(map))</figcaption></figure>"
                    )
                }
                page.raw("</div>")
            }
            page.element("h4", isPhoto ? "Changed regions" : "Damage regions")
            if comparison.regions.isEmpty { page.paragraph("No region of significant change.") }
            if isPhoto {
                page.table(
                    ["#", "Pixels", "Area (\(u)²)", "Mean colour difference", "Max colour difference", "Centroid"],
                    comparison.regions.map { region in
                        [
                            .text("\(region.id)"), .text("\(region.pointCount)"), .number(region.area),
                            .number(region.colourDifference?.mean ?? 0), .number(region.colourDifference?.max ?? 0),
                            .text(region.centroid.map { String(format: "%.2f", $0) }.joined(separator: ", ")),
                        ]
                    })
            } else {
                page.table(
                    [
                        "#", "Kind", "Points", "Area (\(u)²)", "Volume (\(u)³)", "Mean depth (\(u))",
                        "Max depth (\(u))",
                        "Centroid",
                    ],
                    comparison.regions.map { region in
                        [
                            .text("\(region.id)"), .text(region.kind.rawValue), .text("\(region.pointCount)"),
                            .number(region.area), .number(region.volume), .number(region.meanDepth),
                            .number(region.maxDepth),
                            .text(region.centroid.map { String(format: "%.3f", $0) }.joined(separator: ", ")),
                        ]
                    })
            }
            page.element("h4", "Parameters")
            page.table(
                ["Parameter", "Value"],
                comparison.parameters.sorted { $0.key < $1.key }.map { [.text($0.key), .code($0.value)] })
            page.element("h4", "What the figures do and do not show")
            page.raw("<ul>")
            for caveat in comparison.caveats { page.element("li", caveat) }
            page.raw("</ul></article>")
        }
        page.raw("</section>")
    }

    private func custodySection(_ page: inout HTMLPage) {
        page.raw("<section id=\"custody\">")
        page.element("h2", "Chain of custody")
        page.raw(custody.verified ? "<p class=\"ok\">" : "<p class=\"notice\">")
        page.raw(escapeHTML(custody.statement) + "</p>")
        page.paragraph(
            "Archive head when the report was made: event \(custody.headSequence), hash \(custody.headHash).")
        if !custody.ingestions.isEmpty {
            page.element("h3", "Received from others")
            for ingestion in custody.ingestions {
                var rows: [[HTMLCell]] = [
                    [.text("Bag"), .text(ingestion.bagName)],
                    [.text("Received"), .text("\(ingestion.receivedAt ?? "?") by \(ingestion.receivedBy ?? "?")")],
                ]
                for entry in ingestion.bagInfo where entry.count == 2 {
                    rows.append([.text(entry[0]), .text(entry[1])])
                }
                for (key, value) in ingestion.verification.sorted(by: { $0.key < $1.key }) {
                    rows.append([.text("Check on receipt: \(key)"), .text(value)])
                }
                rows.append([
                    .text("Became"),
                    .text(
                        "\(ingestion.versionIDs.count) asset versions; its tag files are version "
                            + ingestion.documentVersionID),
                ])
                page.table(nil, rows)
            }
        }
        page.table(
            ["#", "Time (UTC)", "Actor", "Action", "Entity", "Previous hash", "Hash"],
            custody.events.map { event in
                [
                    .text("\(event.sequence)"), .text(event.time), .text(event.actor), .text(event.action),
                    .text("\(event.entityType) \(event.entityID)"), .code(String(event.previousHash.prefix(16)) + "…"),
                    .code(event.hash),
                ]
            })
        page.raw("</section>")
    }

    static let styleSheet = """
        body{font:15px/1.45 "DejaVu Serif",Georgia,serif;color:#1b1b1b;max-width:1100px;margin:2em auto;padding:0 1.5em}
        h1{font-size:1.7em;border-bottom:3px solid #7a1f1f;padding-bottom:.3em}
        h2{font-size:1.35em;color:#7a1f1f;border-bottom:1px solid #ccc;margin-top:2em}
        h3{font-size:1.1em;margin-top:1.5em}h4{margin:.8em 0 .3em}
        table{border-collapse:collapse;width:100%;margin:.5em 0 1em;font-size:.9em}
        th,td{border:1px solid #d0d0d0;padding:.3em .5em;vertical-align:top;text-align:left}
        th{background:#f2ede4}td.num{text-align:right;font-variant-numeric:tabular-nums}
        code{font:.85em "DejaVu Sans Mono",monospace;word-break:break-all;white-space:pre-wrap}
        nav ol{columns:2;font-family:"DejaVu Sans",sans-serif;font-size:.9em}
        .notice{background:#fff3cd;border-left:4px solid #c98a00;padding:.5em .8em}
        .alarm{background:#fde2e1;border:3px solid #b00020;padding:.5em .8em;margin:.5em 0}
        .ok{background:#e8f4ea;border-left:4px solid #2e7d32;padding:.5em .8em}
        .asset{overflow:hidden;border-top:1px dotted #bbb;padding-top:.5em}
        .thumb{float:right;max-width:240px;max-height:240px;margin:0 0 .5em 1em;border:1px solid #ccc}
        .heatmaps{display:flex;flex-wrap:wrap;gap:.8em}
        .heatmaps figure{margin:0;flex:1 1 300px}.heatmaps img{width:100%;border:1px solid #ccc}
        figcaption{font-size:.75em;color:#555}
        .designation{border-left:3px solid #7a1f1f;padding-left:.8em;margin:.6em 0}
        @media print{body{max-width:none;margin:0;font-size:11pt}nav{display:none}
        section{break-before:page}section#summary,section#site{break-before:auto}tr,figure,.designation{break-inside:avoid}
        a{color:inherit;text-decoration:none}.heatmaps figure{flex:1 1 30%;max-width:32%}}
        """
}

/// A cell of a report table.
enum HTMLCell {
    case text(String)
    case strong(String)
    case code(String)
    case number(Double)
}

/// Appends escaped HTML; everything that comes from the archive goes through `escape`.
struct HTMLPage {
    private(set) var text = ""

    mutating func raw(_ html: String) { text += html }

    mutating func element(_ tag: String, _ content: String) {
        text += "<\(tag)>\(escapeHTML(content))</\(tag)>"
    }

    mutating func paragraph(_ content: String) { element("p", content) }

    mutating func table(_ header: [String]?, _ rows: [[HTMLCell]]) {
        guard !rows.isEmpty else { return }
        text += "<table>"
        if let header {
            text += "<thead><tr>" + header.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr></thead>"
        }
        text += "<tbody>"
        for row in rows {
            text += "<tr>"
            for (index, cell) in row.enumerated() {
                let tag = header == nil && index == 0 ? "th" : "td"
                switch cell {
                case .text(let value): text += "<\(tag)>\(escapeHTML(value))</\(tag)>"
                case .strong(let value): text += "<\(tag)><strong>\(escapeHTML(value))</strong></\(tag)>"
                case .code(let value): text += "<\(tag)><code>\(escapeHTML(value))</code></\(tag)>"
                case .number(let value): text += "<td class=\"num\">\(String(format: "%.4g", value))</td>"
                }
            }
            text += "</tr>"
        }
        text += "</tbody></table>"
    }
}

/// `text` with the five characters HTML gives meaning to replaced by references: the report's
/// and the server's pages' one way of writing text into HTML.
public func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(character)
        }
    }
    return out
}
