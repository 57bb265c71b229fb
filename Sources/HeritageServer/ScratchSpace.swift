import EvidenceReport
import Foundation

/// Folders a report or package is made in before it is sent, in the system's temporary folder
/// under a name that carries the server's process id (`.heritage-evidence.partial-PID-…`): each
/// is removed when its request ends, and one left by a server that was killed is removed when
/// the next one starts. (Uploads are written into the archive's own temporary folder instead:
/// ``HeritageArchive/incomingFile(extension:)``.)
public enum ScratchSpace {
    static var temporary: URL { FileManager.default.temporaryDirectory }

    /// A new folder's name for `kind` (`evidence`); not created.
    static func folder(_ kind: String) -> URL {
        PartialOutputs.name(for: temporary.appending(path: "heritage-\(kind)"))
    }

    /// Removes the scratch folders of servers that are no longer running; returns their names.
    @discardableResult
    public static func removeAbandoned() -> [String] {
        PartialOutputs.removeAbandoned(in: temporary, prefix: ".heritage-")
    }
}
