import EvidenceReport
import Foundation
import HeritageStore

/// `/sites/{code}`: the record (names in every script, each in its own direction), its
/// designations with what they mean in law, the condition timeline as a chart and as a table,
/// surveys, the first page of assets (with thumbnails of photographs), findings, and the
/// evidence downloads. Everything comes from ``SitePage``, as released for the reader.
struct SiteView {
    let request: WebRequest
    let page: SitePage

    func write(_ html: inout HTMLWriter) {
        let site = page.site
        let request = request
        if let account = request.account, account.role >= .surveyor {
            let code = pathSegment(site.code)
            html.element("ul", ["class": "actions"]) { html in
                html.element("li") { $0.element("a", request[.editSite], ["href": "/sites/\(code)/edit"]) }
                html.element("li") { $0.element("a", request[.uploadTitle], ["href": "/sites/\(code)/upload"]) }
                html.element("li") { $0.element("a", request[.launchComparison], ["href": "/sites/\(code)/compare"]) }
            }
        }
        html.element("dl", ["class": "facts"]) { html in
            fact(&html, request[.code], site.code)
            fact(&html, request[.kind], request.term(site.kind))
            if let period = site.period { fact(&html, request[.period], period) }
            if let community = site.community { fact(&html, request[.community], community) }
            if let country = site.country { fact(&html, request[.country], country) }
            html.element("dt", request[.position])
            html.element("dd") { html in
                html.text(String(format: "%.5f, %.5f", site.location.latitude, site.location.longitude))
                if page.generalised { html.element("span", " (\(request[.generalisedPosition]))", ["class": "note"]) }
            }
            if let description = site.description { fact(&html, request[.description], description) }
        }
        section(&html, request[.names]) { html in
            html.element("ul") { html in
                for name in site.names {
                    html.element("li") { html in
                        html.element("span", name.name, ["lang": name.language, "dir": "auto"])
                        html.element("span", " (\(name.language))", ["class": "note"])
                    }
                }
            }
        }
        section(&html, request[.designations]) { html in
            if site.designations.isEmpty { html.element("p", request[.noneRecorded]) }
            for designation in site.designations {
                html.element("h3", request.term(designation.type))
                let detail = [designation.reference, designation.date].compactMap { $0 }.joined(separator: ", ")
                if !detail.isEmpty { html.element("p", detail) }
                html.element("p", LegalText.meaning(of: designation.type, in: request.language), ["class": "legal"])
            }
            html.element("p", LegalText.general(in: request.language), ["class": "legal"])
        }
        section(&html, request[.conditionTimeline]) { html in
            if let account = request.account, account.role >= .surveyor {
                html.element("p") { html in
                    html.element(
                        "a", request[.proposeAssessment], ["href": "/sites/\(pathSegment(site.code))/assess"])
                }
            }
            if page.timeline.isEmpty {
                html.element("p", request[.noneRecorded])
                return
            }
            ConditionChart(request: request, timeline: page.timeline).write(&html)
            html.table(
                [
                    request[.date], request[.condition], request[.damageExtent], request[.activity],
                    request[.certainty],
                    request[.assessor], request[.notes],
                ],
                page.timeline.map { entry in
                    let assessment = entry.assessment
                    return [
                        { $0.text(assessment.timelineDate) },
                        { $0.text(request.term(assessment.overallCondition)) },
                        { $0.text(request.term(assessment.damageExtent)) },
                        { $0.text(request.term(assessment.activity)) },
                        { $0.text(request.term(assessment.certainty)) },
                        { $0.text(assessment.assessor) },
                        { $0.element("span", assessment.notes ?? "", ["dir": "auto"]) },
                    ]
                })
        }
        section(&html, request[.surveys]) { html in
            if let account = request.account, account.role >= .surveyor {
                html.element("p") { html in
                    html.element("a", request[.addSurvey], ["href": "/sites/\(pathSegment(site.code))/survey"])
                }
            }
            if page.surveys.isEmpty {
                html.element("p", request[.noneRecorded])
                return
            }
            html.table(
                [request[.date], request[.surveyMethod], request[.team], request[.notes]],
                page.surveys.map { survey in
                    [
                        { $0.text([survey.startDate, survey.endDate].compactMap { $0 }.joined(separator: " – ")) },
                        { $0.text(request.term(survey.method)) },
                        { $0.text(survey.team.joined(separator: ", ")) },
                        { $0.element("span", survey.notes ?? "", ["dir": "auto"]) },
                    ]
                })
        }
        section(&html, request[.assets]) { html in
            if page.assets.isEmpty {
                html.element("p", request[.noneRecorded])
                return
            }
            html.element("p", "\(request[.moreAssets]): \(page.assets.count) / \(page.assetCount)")
            html.table(
                [
                    request[.thumbnail], request[.asset], request[.version], request[.file], request[.format],
                    request[.size], request[.captured], request[.camera], request[.gpsCheck],
                ],
                page.assets.flatMap { entry in
                    entry.versions.map { item in
                        let version = item.version
                        return [
                            { html in
                                guard entry.asset.kind == .photo, !item.withheld else { return }
                                html.open(
                                    "img",
                                    [
                                        "src": "/api/files/\(version.id)/thumbnail", "alt": version.fileName,
                                        "loading": "lazy", "width": "120",
                                    ])
                            },
                            { $0.element("span", entry.asset.title, ["dir": "auto"]) },
                            { $0.text("\(version.number)") },
                            { html in
                                if item.withheld {
                                    html.text(version.fileName)
                                    html.element("span", " (\(request[.withheld]))", ["class": "note"])
                                } else {
                                    html.element("a", version.fileName, ["href": "/api/files/\(version.id)"])
                                }
                            },
                            { $0.text(version.format) },
                            { $0.text("\(version.size)") },
                            { $0.text(version.capture.capturedAt ?? "") },
                            {
                                $0.text(
                                    [version.capture.deviceMake, version.capture.deviceModel].compactMap { $0 }
                                        .joined(separator: " "))
                            },
                            { html in gpsCheck(&html, version.capture, isPhoto: entry.asset.kind == .photo) },
                        ]
                    }
                })
        }
        section(&html, request[.findings], id: "findings") { html in
            if page.findings.isEmpty {
                html.element("p", request[.noneRecorded])
                return
            }
            html.element("p", "\(request[.moreFindings]): \(page.findings.count) / \(page.findingCount)")
            html.table(
                [
                    request[.date], request[.method], request[.regions], request[.lossVolume], request[.gainVolume],
                    request[.changedArea], request[.maxDepth], request[.viewerTitle], request[.condition],
                ],
                page.findings.map { finding in
                    let units = finding.units
                    let isPhoto = finding.method == .photo
                    return [
                        { $0.text(finding.recordedAt ?? "") },
                        { $0.text(finding.method.rawValue) },
                        { $0.text("\(finding.regionCount)") },
                        { $0.text(isPhoto ? "" : String(format: "%.4g %@³", finding.lossVolume, units)) },
                        { $0.text(isPhoto ? "" : String(format: "%.4g %@³", finding.gainVolume, units)) },
                        { $0.text(finding.changedArea.map { String(format: "%.4g %@²", $0, units) } ?? "") },
                        { $0.text(isPhoto ? "" : String(format: "%.4g %@", finding.maxDepth, units)) },
                        { html in
                            html.element(
                                "a", isPhoto ? request[.openPhotos] : request[.open3D],
                                [
                                    "href": "/findings/\(finding.id)",
                                    "aria-label":
                                        "\(isPhoto ? request[.openPhotos] : request[.open3D]): \(finding.recordedAt ?? finding.id)",
                                ])
                        },
                        { html in
                            guard let account = request.account, account.role >= .surveyor else { return }
                            html.element(
                                "a", request[.proposeFromFinding],
                                ["href": "/sites/\(pathSegment(site.code))/assess?finding=\(finding.id)"])
                        },
                    ]
                })
        }
        section(&html, request[.download]) { html in
            html.element("ul") { html in
                let code = pathSegment(site.code)
                html.element("li") {
                    $0.element("a", request[.reportDownload], ["href": "/api/sites/\(code)/report.zip"])
                }
                html.element("li") {
                    $0.element("a", request[.packageDownload], ["href": "/api/sites/\(code)/package.zip"])
                }
            }
        }
    }

    /// Whether a photograph's GPS position agrees with the site's: within the site's stated
    /// precision and 500 m more, or how far off it lies. Not checked against a generalised
    /// position (a restricted site without clearance).
    private func gpsCheck(_ html: inout HTMLWriter, _ capture: CaptureMetadata, isPhoto: Bool) {
        guard let latitude = capture.latitude, let longitude = capture.longitude,
            let point = try? GeoPoint(latitude: latitude, longitude: longitude)
        else {
            if isPhoto { html.text(request[.noGPS]) }
            return
        }
        guard !page.generalised else {
            html.text(request[.gpsNotChecked])
            return
        }
        let site = page.site.location
        let metres = GreatCircle.distanceKm(site.point, point) * 1000
        let tolerance = (site.precisionMetres ?? 0) + 500
        let distance = metres < 1000 ? String(format: "%.0f m", metres) : String(format: "%.1f km", metres / 1000)
        if metres <= tolerance {
            html.element(
                "span", "✓ " + request[.gpsAgrees].replacingOccurrences(of: "{d}", with: distance), ["class": "ok"])
        } else {
            html.element(
                "span", "⚠ " + request[.gpsDisagrees].replacingOccurrences(of: "{d}", with: distance),
                ["class": "error"])
        }
    }

    private func fact(_ html: inout HTMLWriter, _ term: String, _ value: String) {
        html.element("dt", term)
        html.element("dd", value, ["dir": "auto"])
    }

    private func section(
        _ html: inout HTMLWriter, _ title: String, id: String? = nil, _ body: (inout HTMLWriter) -> Void
    ) {
        html.element("section", ["id": id]) { html in
            html.element("h2", title)
            body(&html)
        }
    }
}

/// The condition timeline as an SVG chart: date across, condition (good at the top, destroyed
/// at the bottom) down; a point per assessment, joined in order. The table beside it holds the
/// same facts for readers who cannot see the chart.
struct ConditionChart {
    let request: WebRequest
    let timeline: [TimelineEntry]

    static let levels: [OverallCondition] = [.good, .fair, .poor, .veryBad, .destroyed]

    func write(_ html: inout HTMLWriter) {
        let points = timeline.compactMap { entry -> (day: Double, level: Int, entry: TimelineEntry)? in
            guard let level = Self.levels.firstIndex(of: entry.assessment.overallCondition),
                let day = Self.day(entry.assessment.timelineDate)
            else { return nil }
            return (day, level, entry)
        }
        guard !points.isEmpty else { return }
        let (width, height, left, top, bottom) = (640.0, 220.0, 90.0, 16.0, 36.0)
        let first = points.map(\.day).min() ?? 0
        let last = points.map(\.day).max() ?? 0
        func x(_ day: Double) -> Double {
            last > first ? left + (day - first) / (last - first) * (width - left - 20) : (left + width - 20) / 2
        }
        func y(_ level: Int) -> Double { top + Double(level) / 4 * (height - top - bottom) }
        html.open(
            "svg",
            [
                "class": "chart", "viewBox": "0 0 \(Int(width)) \(Int(height))", "role": "img",
                "aria-labelledby": "timeline-title",
            ])
        html.element("title", request[.timelineChartTitle], ["id": "timeline-title"])
        for (index, level) in Self.levels.enumerated() {
            let position = String(format: "%.1f", y(index))
            html.open(
                "line",
                ["class": "grid", "x1": "\(Int(left))", "x2": "\(Int(width - 10))", "y1": position, "y2": position])
            html.close("line")
            html.element(
                "text", request.term(level), ["x": "4", "y": String(format: "%.1f", y(index) + 4), "class": "axis"])
        }
        let path = points.map { String(format: "%.1f,%.1f", x($0.day), y($0.level)) }.joined(separator: " ")
        html.open("polyline", ["class": "trend", "points": path])
        html.close("polyline")
        for point in points {
            let assessment = point.entry.assessment
            html.open(
                "circle",
                [
                    "class": "level-\(assessment.overallCondition.rawValue)",
                    "cx": String(format: "%.1f", x(point.day)), "cy": String(format: "%.1f", y(point.level)), "r": "6",
                ])
            html.element("title", "\(assessment.timelineDate): \(request.term(assessment.overallCondition))")
            html.close("circle")
        }
        for day in first == last ? [first] : [first, last] {
            html.element(
                "text", Self.date(day),
                [
                    "x": String(format: "%.1f", x(day)), "y": "\(Int(height - 10))", "class": "axis",
                    "text-anchor": "middle",
                ])
        }
        html.close("svg")
    }

    /// Days since 1970 of an ISO 8601 date (a year or year-month counts from its start).
    static func day(_ text: String) -> Double? {
        let parts = text.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard let year = parts.first else { return nil }
        var components = DateComponents(
            calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(secondsFromGMT: 0), year: year,
            month: parts.count > 1 ? parts[1] : 1, day: parts.count > 2 ? parts[2] : 1)
        components.hour = 12
        return components.date.map { $0.timeIntervalSince1970 / 86_400 }
    }

    static func date(_ day: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: day * 86_400))
    }
}
