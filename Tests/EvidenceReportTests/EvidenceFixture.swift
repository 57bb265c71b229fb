import EvidenceReport
import Foundation
import HeritageStore
import HeritageTestSupport

/// An archive with one site, a survey, two scan versions, a photograph with GPS (and its
/// thumbnail) and a condition assessment: what a report and a package are made of.
final class EvidenceFixture {
    let temporary: TemporaryArchive
    let files: URL
    let site: Site
    var archive: HeritageArchive { temporary.archive }

    /// Exact coordinates with enough decimals that a leak is unmistakable.
    static let latitude = 40.1792837
    static let longitude = 44.5126129

    init(sensitivity: Sensitivity) throws {
        temporary = try TemporaryArchive()
        files = try temporaryFolder()
        var draft = makeSite(
            code: "AM-TEST-1", latitude: Self.latitude, longitude: Self.longitude, kind: .crossStone,
            sensitivity: sensitivity, country: "AM")
        draft.boundary =
            #"{"type":"Polygon","coordinates":[[[44.5126129,40.1792837],[44.5127129,40.1792837],[44.5127129,40.1793837],[44.5126129,40.1792837]]]}"#
        draft.designations.append(Designation(type: .hagueEnhanced, reference: "2026/1"))
        site = try temporary.archive.addSite(draft, actor: "registrar")
        let survey = try archive.addSurvey(
            Survey(siteID: site.id, startDate: "2026-05-02", team: ["A. Petrosyan"], method: .terrestrialLaserScan),
            actor: "surveyor")
        let scan = files.appending(path: "khachkar.xyz")
        try Data("0 0 0\n1 0 0\n0 1 0\n".utf8).write(to: scan)
        let photo = files.appending(path: "IMG_0001.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xD9] + Array("photo bytes".utf8)).write(to: photo)
        let thumbnail = files.appending(path: "thumbnail.png")
        try Data([0x89, 0x50, 0x4E, 0x47] + Array("thumbnail".utf8)).write(to: thumbnail)
        _ = try archive.importAssets(
            [
                AssetImportRequest(
                    file: scan, site: site.id, survey: survey.id, title: "khachkar scan", kind: .scan, format: "xyz",
                    summaryJSON: "{}", importerVersion: "test"),
                AssetImportRequest(
                    file: photo, site: site.id, survey: survey.id, title: "west face", kind: .photo, format: "jpeg",
                    summaryJSON: "{}",
                    capture: CaptureMetadata(
                        capturedAt: "2026-05-02T10:11:12", deviceMake: "Canon", deviceModel: "EOS R6",
                        latitude: Self.latitude + 0.0003, longitude: Self.longitude - 0.0002, altitude: 990.5),
                    relatedFiles: [(name: "thumbnail.png", url: thumbnail)], importerVersion: "test"),
            ], actor: "surveyor")
        let second = files.appending(path: "khachkar-2.xyz")
        try Data("0 0 0\n1 0 0\n0 1 0.5\n".utf8).write(to: second)
        let scanAsset = try requireAsset(archive, site: site.id, title: "khachkar scan")
        _ = try archive.importAssets(
            [
                AssetImportRequest(
                    file: second, site: site.id, survey: survey.id, asset: scanAsset, kind: .scan, format: "xyz",
                    summaryJSON: "{}", importerVersion: "test")
            ], actor: "surveyor")
        _ = try archive.addAssessment(
            makeAssessment(site: site.id, date: "2026-05-02", condition: .poor, extent: .upTo10), actor: "assessor")
    }

    deinit { try? FileManager.default.removeItem(at: files) }

    var reportOptions: ReportOptions { ReportOptions(actor: "tester", software: "heritage test") }
}

/// The id of the site's asset with `title`.
func requireAsset(_ archive: HeritageArchive, site: String, title: String) throws -> String {
    guard let asset = try archive.assets(ofSite: site).first(where: { $0.asset.title == title }) else {
        throw EvidenceTestError("no asset titled \(title)")
    }
    return asset.asset.id
}

struct EvidenceTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Flips one bit of the byte at `offset` (negative: from the end) of a file.
func flipByte(in url: URL, at offset: Int) throws {
    var bytes = [UInt8](try Data(contentsOf: url))
    let index = offset >= 0 ? offset : bytes.count + offset
    bytes[index] ^= 0x01
    try Data(bytes).write(to: url)
}
