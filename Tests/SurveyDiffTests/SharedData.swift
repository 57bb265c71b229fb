import Foundation

/// The third-party test files in `../shared/data`, found from this source file's location.
/// Tests that need them are disabled, saying so, when the folder is absent (a user's clone).
enum SharedData {
    static let root = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "shared/data")

    static var available: Bool { FileManager.default.fileExists(atPath: root.path) }

    static func path(_ relative: String) -> String { root.appending(path: relative).path }
}
