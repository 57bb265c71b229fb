import ArgumentParser
import Foundation
import HeritageStore

/// Where the archive is and who is acting: shared by every command that touches an archive.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .long, help: "The archive folder (default: $HERITAGE_ARCHIVE or ./heritage-archive).")
    var archive: String?

    @Option(name: .long, help: "Who makes the change (default: $HERITAGE_ACTOR or the login name).")
    var actor: String?

    var archiveURL: URL {
        let path = archive ?? ProcessInfo.processInfo.environment["HERITAGE_ARCHIVE"] ?? "heritage-archive"
        return URL(filePath: path)
    }

    var resolvedActor: String {
        if let actor, !actor.trimmingCharacters(in: .whitespaces).isEmpty { return actor }
        let environment = ProcessInfo.processInfo.environment
        if let actor = environment["HERITAGE_ACTOR"], !actor.isEmpty { return actor }
        if let login = getlogin() { return String(cString: login) }
        return environment["USER"] ?? environment["LOGNAME"] ?? ProcessInfo.processInfo.userName
    }

    /// The archive. Refused while $HERITAGE_DATABASE names a PostgreSQL registry: this command
    /// would otherwise read or change the archive folder while the user means the database.
    func open() throws -> HeritageArchive {
        if let database = ProcessInfo.processInfo.environment["HERITAGE_DATABASE"], !database.isEmpty,
            archive == nil
        {
            throw HeritageStoreError(
                .invalidInput,
                "this command does not work on a PostgreSQL registry yet, and $HERITAGE_DATABASE names one: "
                    + "give --archive, or unset HERITAGE_DATABASE to use \(archiveURL.path)")
        }
        return try HeritageArchive.open(at: archiveURL)
    }
}

/// Filters shared by site listings.
struct SiteFilterOptions: ParsableArguments {
    @Option(name: .long, help: "Only sites of this kind (repeatable): church, mosque, cross-stone, …")
    var kind: [String] = []

    @Option(name: .long, help: "Only sites with this designation: world-heritage, hague-enhanced, …")
    var designation: String?

    @Option(
        name: .long,
        help: "Only sites whose latest overall condition is this: good, fair, poor, very-bad, destroyed, unknown.")
    var condition: String?

    @Option(name: .long, help: "Only sites in this country (ISO 3166-1 alpha-2).")
    var country: String?

    @Option(name: .long, help: "At most this many results.")
    var limit: Int?

    func filter() throws -> SiteFilter {
        SiteFilter(
            kinds: try kind.map(SiteKind.parse), designation: try designation.map(DesignationType.parse),
            latestCondition: try condition.map(OverallCondition.parse), country: country, limit: limit)
    }
}

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print stable JSON instead of a table.")
    var json = false

    @Flag(name: .long, help: "Show restricted sites' exact positions instead of 0.1° cells.")
    var includeRestricted = false
}

/// Parses "LAT,LON" (decimal degrees or D°M′S″ with hemisphere letters).
func parsePoint(_ text: String) throws -> GeoPoint {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    guard parts.count == 2 else {
        throw HeritageStoreError(.invalidInput, "'\(text)' is not LATITUDE,LONGITUDE (e.g. 34.547,38.274)")
    }
    return try GeoPoint(
        latitude: try parseCoordinate(String(parts[0]), isLatitude: true),
        longitude: try parseCoordinate(String(parts[1]), isLatitude: false))
}
