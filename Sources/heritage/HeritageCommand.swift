import ArgumentParser
import Foundation
import HeritageOperations
import HeritageStore
import Logging

@main
struct HeritageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heritage",
        abstract: "A registry of cultural heritage sites and an archive of their surveys.",
        discussion: """
            The archive is a folder: --archive PATH, else $HERITAGE_ARCHIVE, else ./heritage-archive.
            Changes are attributed to --actor NAME, else $HERITAGE_ACTOR, else your login name.

            Example:
              heritage init
              heritage site import SampleSites/sites.geojson
              heritage site near 34.55,38.27 --radius-km 150
            """,
        version: HeritageRelease.version,
        subcommands: [
            InitCommand.self, InspectCommand.self, ImportCommand.self, AssetCommand.self, SiteCommand.self,
            SurveyCommand.self, ConditionCommand.self,
            DiffCommand.self, AuditCommand.self,
            ReportCommand.self, PackageCommand.self, KeyCommand.self, VerifyCommand.self, UserCommand.self,
            ServeCommand.self, MigrateCommand.self, BackupCommand.self, RestoreCommand.self, DemoCommand.self,
        ]
    )

    /// Bootstraps logging (stderr, level from $HERITAGE_LOG_LEVEL, default warning), then runs.
    static func main() {
        let level =
            ProcessInfo.processInfo.environment["HERITAGE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        main(nil)
    }
}
