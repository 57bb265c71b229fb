import Foundation
import HeritageStore

/// File operations of reports and packages, with errors that name the path.
enum EvidenceFiles {
    static func requireAbsent(_ folder: URL) throws {
        if FileManager.default.fileExists(atPath: folder.path) {
            throw EvidenceError("\(folder.path) already exists; give a new folder (nothing is overwritten)")
        }
    }

    /// A hidden folder beside `folder`, on the same file system, for an atomic rename. Partial
    /// outputs that killed runs left beside it are removed first.
    static func stagingFolder(for folder: URL) throws -> URL {
        PartialOutputs.removeAbandoned(in: folder.deletingLastPathComponent())
        let staging = PartialOutputs.name(for: folder)
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw EvidenceError("cannot create \(staging.path): \(error.localizedDescription)")
        }
        return staging
    }

    static func moveIntoPlace(_ staging: URL, _ folder: URL) throws {
        do {
            try FileManager.default.moveItem(at: staging, to: folder)
        } catch {
            throw EvidenceError("cannot move the finished output to \(folder.path): \(error.localizedDescription)")
        }
    }

    static func copy(_ source: URL, to destination: URL) throws {
        do {
            try FileManager.default.createDirectory(
                at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source, to: destination)
        } catch {
            throw EvidenceError("cannot copy \(source.path) to \(destination.path): \(error.localizedDescription)")
        }
    }

    static func write(_ data: Data, to url: URL) throws {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .withoutOverwriting)
        } catch {
            throw EvidenceError("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    static func size(of url: URL) throws -> Int64 {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            throw EvidenceError("cannot read \(url.path): \(error.localizedDescription)")
        }
    }

    /// Every regular file under `folder`, as sorted relative paths with `/` separators.
    static func files(under folder: URL) -> [String] {
        let base = folder.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var found: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                found.append(path)
            }
        }
        return found.sorted()
    }
}

/// Outputs being written (a report or bag folder, a zip, an unpacked zip) live under a hidden
/// name, `.NAME.partial-PID-RANDOM`, until they are complete and renamed into place. One a
/// killed run left behind is recognised by its process id and removed by the next run.
public enum PartialOutputs {
    static let marker = ".partial-"

    /// A hidden name beside `url`, on the same file system, for an atomic rename.
    public static func name(for url: URL) -> URL {
        url.deletingLastPathComponent().appending(
            path: ".\(url.lastPathComponent)\(marker)\(getpid())-\(UUID().uuidString.prefix(8))")
    }

    /// Removes the partial outputs in `folder` whose process is gone; returns their names. A
    /// running process's partial output is left alone. `prefix` narrows it to names that start
    /// so (in a shared folder such as the system's temporary one).
    @discardableResult
    public static func removeAbandoned(in folder: URL, prefix: String = ".") -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) {
            guard let found = name.range(of: marker, options: .backwards) else { continue }
            guard let pid = name[found.upperBound...].split(separator: "-").first.flatMap({ Int32($0) }), pid > 0
            else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }  // still running
            if (try? FileManager.default.removeItem(at: folder.appending(path: name))) != nil { removed.append(name) }
        }
        return removed.sorted()
    }
}

/// A report or package could not be made or does not verify; the message names the file.
public struct EvidenceError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The last line of defence for restricted sites: no position the archive knows for the site
/// (``SensitivePositions``), as text or as a binary number, may be anywhere in what is released.
enum RestrictedLocation {
    /// Searches every file under `folder`, and every file's name, in blocks (a package holds
    /// whole scans), carrying the end of each block over so a pattern split across two blocks
    /// is still found.
    static func requireAbsent(from folder: URL, release: SiteRelease) throws {
        let matcher = release.search.matcher
        guard matcher.longest > 0 else { return }
        // The message names the file, never the number found: that would be the leak.
        func refuse(_ path: String) -> EvidenceError {
            EvidenceError(
                "refusing to release \(path): it holds a position of restricted site \(release.site.code); "
                    + "nothing was written (pass --include-restricted to release it knowingly)")
        }
        for path in EvidenceFiles.files(under: folder) {
            if matcher.firstRange(in: Array(path.utf8)) != nil { throw refuse("a file name") }
            guard let handle = FileHandle(forReadingAtPath: folder.appending(path: path).path) else {
                throw EvidenceError("cannot read \(path) to check it for restricted coordinates")
            }
            defer { try? handle.close() }
            var carried: [UInt8] = []
            while let block = try handle.read(upToCount: 4 << 20), !block.isEmpty {
                let window = carried + block
                if matcher.firstRange(in: window) != nil { throw refuse(path) }
                carried = Array(window.suffix(matcher.longest - 1))
            }
        }
    }
}
