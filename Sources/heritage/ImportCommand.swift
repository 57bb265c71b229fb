import ArgumentParser
import Foundation
import HeritageOperations
import HeritageStore
import ScanImport

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import scans and photographs as versioned, content-addressed assets of a site.",
        discussion: """
            Every file is read completely first; if any file cannot be read, nothing is imported.
            Then each file (and the MTL and texture files an OBJ names) is copied into the archive
            under its SHA-256, and the versions are recorded in one transaction. The same bytes
            imported again are not stored twice: the version that holds them is named.

            Example:
              heritage import --site SY-PAL-BEL --method photogrammetry scan-2016.ply
              heritage import --site SY-PAL-BEL --asset 3f2a9c1e scan-2017.ply   (a new version)
            """)

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "The site's code or id.") var site: String
    @Option(help: "The survey the files come from (id or its first characters).") var survey: String?
    @Option(help: "Add the file as the next version of this asset (id or its first characters).") var asset: String?
    @Option(help: "Title of the new asset (default: the file name).") var title: String?
    @Option(
        help:
            "How it was captured: \(SurveyMethod.allCases.map(\.rawValue).joined(separator: ", ")). Repeatable: METHOD for every file, FILE=METHOD for one (the file as given)."
    )
    var method: [String] = []
    @Option(name: .customLong("captured-at"), help: "When it was captured (ISO 8601), if the file does not say.")
    var capturedAt: String?
    @Option(help: "Who operated the device.") var `operator`: String?
    @Option(help: "Coordinate reference system (EPSG code or WKT), if the file does not say.") var crs: String?
    @Option(help: "Units of the coordinates (m, ft, …).") var units: String?
    @Option(help: "Stated accuracy, in those units.") var accuracy: Double?
    @Option(
        help:
            "Take in a BagIt bag received from elsewhere (a folder or a .zip): its fixity is checked first, every payload file becomes an asset version with its provenance."
    )
    var bag: String?
    @Argument(help: "The files to import.") var files: [String] = []
    @Flag(name: .long, help: "Print the outcome as JSON.") var json = false

    func validate() throws {
        if let bag {
            if !files.isEmpty { throw ValidationError("give --bag or files, not both") }
            if asset != nil || title != nil {
                throw ValidationError("--asset and --title name one file; a bag's files each become an asset")
            }
            if bag.isEmpty { throw ValidationError("--bag needs a folder or a .zip") }
            return
        }
        if files.isEmpty { throw ValidationError("give at least one file, or --bag") }
        if asset != nil && files.count > 1 { throw ValidationError("--asset takes one file: the next version") }
    }

    func run() throws {
        if let bag {
            try importBag(URL(filePath: bag), into: try archive.open())
            return
        }
        let report = try importFiles(into: try archive.open())
        if json {
            try printJSON(report)
            return
        }
        for entry in report {
            if entry.outcome == .stored {
                print(
                    "\(entry.file): stored as asset \(entry.assetID.prefix(8)) v\(entry.version) (sha256 \(entry.sha256.prefix(16))…)"
                )
            } else {
                print(
                    "\(entry.file): already in the archive as asset \(entry.assetID.prefix(8)) v\(entry.version); nothing new stored"
                )
            }
            for warning in entry.warnings { print("  warning: \(warning)") }
        }
    }

    /// Examines the files and stores them in one transaction, through the library.
    func importFiles(into store: HeritageArchive) throws -> [ImportedFile] {
        let methods = try capturedMethods()
        let request = FileImportRequest(
            site: site, files: files.map { .init(path: $0, method: methods.perFile[$0] ?? methods.all) },
            survey: survey, asset: asset, title: title, capturedAt: capturedAt, operator: `operator`, crs: crs,
            units: units, accuracy: accuracy)
        // Copies left by imports that were killed while reading (their process is gone).
        store.removeAbandonedIncomingFiles()
        // A progress bar on a terminal while large files are read and stored, in one pass.
        let progress = FileProgress(verb: "reading and storing")
        return try store.importFiles(request, actor: archive.resolvedActor) { file, passed, total in
            progress.update(file, passed: passed, total: total)
        }
    }

    /// `--method METHOD` (every file) and `--method FILE=METHOD` (one file), checked before
    /// any file is read: a FILE that is not among the files given is an error.
    func capturedMethods() throws -> (all: SurveyMethod?, perFile: [String: SurveyMethod]) {
        var all: SurveyMethod?
        var perFile: [String: SurveyMethod] = [:]
        for entry in method {
            if let equals = entry.lastIndex(of: "=") {
                let file = String(entry[..<equals])
                guard files.contains(file) else {
                    throw ValidationError(
                        "--method \(entry): \(file) is not among the files given (\(files.joined(separator: ", ")))")
                }
                guard perFile[file] == nil else { throw ValidationError("--method gives \(file) twice") }
                perFile[file] = try SurveyMethod.parse(String(entry[entry.index(after: equals)...]))
            } else {
                guard all == nil else {
                    throw ValidationError("--method without FILE= can be given once; use FILE=METHOD for the others")
                }
                all = try SurveyMethod.parse(entry)
            }
        }
        return (all, perFile)
    }
}
