import Foundation
import HeritageStore

/// A fresh archive in its own temporary folder, removed when the value is released.
public final class TemporaryArchive {
    public let folder: URL
    public let archive: HeritageArchive

    public init(actor: String = "tester") throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "heritage-test-\(UUID().uuidString)")
        archive = try HeritageArchive.create(at: folder, actor: actor)
    }

    public var registryPath: String { folder.appending(path: HeritageArchive.registryFileName).path }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

/// A temporary folder for files a test writes.
public func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appending(path: "heritage-files-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// Every regular file under `folder`, as sorted relative paths.
public func relativeFiles(under folder: URL) -> [String] {
    let base = folder.standardizedFileURL.path
    var found: [String] = []
    let enumerator = FileManager.default.enumerator(atPath: base)
    while let path = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue
        {
            found.append(path)
        }
    }
    return found.sorted()
}

/// A valid site with a given code and position, names in three scripts.
public func makeSite(
    code: String, latitude: Double = 43.3373, longitude: Double = 17.8151, kind: SiteKind = .bridge,
    sensitivity: Sensitivity = .public, country: String? = "BA"
) -> Site {
    Site(
        code: code,
        names: [
            SiteName(language: "bs", name: "Stari most \(code)", isPrimary: true),
            SiteName(language: "sr-Cyrl", name: "Стари мост"),
            SiteName(language: "en", name: "Old Bridge"),
        ],
        kind: kind, community: "Ottoman", period: "1557-1566", description: "Single-arch bridge over the Neretva.",
        location: SiteLocation(latitude: latitude, longitude: longitude, precisionMetres: 20, certainty: .high),
        country: country, sensitivity: sensitivity,
        designations: [Designation(type: .worldHeritage, reference: "946rev", date: "2005")],
        externalIDs: [ExternalID(scheme: .unesco, value: "946")], sources: ["https://whc.unesco.org/en/list/946"])
}

/// A condition assessment of a site on a date.
public func makeAssessment(
    site: String, date: String, condition: OverallCondition, extent: DamageExtent = .none,
    supersedes: String? = nil
) -> ConditionAssessment {
    ConditionAssessment(
        siteID: site, assessor: "Field team", date: date, activity: .fieldVisit, overallCondition: condition,
        damageExtent: extent, certainty: .high, supersedes: supersedes)
}
