import EvidenceReport
import Foundation

/// Folders an upload or a report is made in before it is stored or sent, in the system's
/// temporary folder under a name that carries the server's process id
/// (`.heritage-upload.partial-PID-…`): each is removed when its request ends, and one left by a
/// server that was killed is removed when the next one starts.
public enum ScratchSpace {
    static var temporary: URL { FileManager.default.temporaryDirectory }

    /// A new folder's name for `kind` (`upload`, `evidence`); not created.
    static func folder(_ kind: String) -> URL {
        PartialOutputs.name(for: temporary.appending(path: "heritage-\(kind)"))
    }

    /// Removes the scratch folders of servers that are no longer running; returns their names.
    @discardableResult
    public static func removeAbandoned() -> [String] {
        PartialOutputs.removeAbandoned(in: temporary, prefix: ".heritage-")
    }
}
