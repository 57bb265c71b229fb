import Foundation
import HeritageStore

/// File operations of reports and packages, with errors that name the path.
enum EvidenceFiles {
    static func requireAbsent(_ folder: URL) throws {
        if FileManager.default.fileExists(atPath: folder.path) {
            throw EvidenceError("\(folder.path) already exists; give a new folder (nothing is overwritten)")
        }
    }

    /// A hidden folder beside `folder`, on the same file system, for an atomic rename.
    static func stagingFolder(for folder: URL) throws -> URL {
        let parent = folder.deletingLastPathComponent()
        let staging = parent.appending(path: ".\(folder.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
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

/// A report or package could not be made or does not verify; the message names the file.
public struct EvidenceError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The last line of defence for restricted sites: the exact coordinates, as text, must not be
/// anywhere in what is released.
enum RestrictedLocation {
    /// The ways a coordinate is likely to be written: shortest form and 4 to 7 decimals. Values
    /// with fewer than 3 decimals are too coarse to be told from other numbers, and reveal little.
    static func patterns(for site: Site) -> [String] {
        var patterns = Set<String>()
        for value in [site.location.latitude, site.location.longitude] {
            let shortest = "\(value)"
            if let dot = shortest.firstIndex(of: "."), shortest[dot...].count > 3 { patterns.insert(shortest) }
            for decimals in 4...7 {
                let text = String(format: "%.\(decimals)f", value)
                if text.hasSuffix("00") == false { patterns.insert(text) }
            }
        }
        return patterns.sorted()
    }

    /// Searches every file under `folder` in blocks (a package holds whole scans), carrying the
    /// end of each block over so a pattern split across two blocks is still found.
    static func requireAbsent(from folder: URL, site: Site) throws {
        let patterns = patterns(for: site).map { Array($0.utf8) }
        guard let longest = patterns.map(\.count).max() else { return }
        for path in EvidenceFiles.files(under: folder) {
            guard let handle = FileHandle(forReadingAtPath: folder.appending(path: path).path) else {
                throw EvidenceError("cannot read \(path) to check it for restricted coordinates")
            }
            defer { try? handle.close() }
            var carried: [UInt8] = []
            while let block = try handle.read(upToCount: 4 << 20), !block.isEmpty {
                let window = carried + block
                if patterns.contains(where: { window.contains($0) }) {
                    throw EvidenceError(
                        "refusing to release \(path): it holds the exact position of restricted site \(site.code); "
                            + "nothing was written (pass --include-restricted to release it knowingly)")
                }
                carried = Array(window.suffix(longest - 1))
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether `pattern` occurs in these bytes.
    fileprivate func contains(_ pattern: [UInt8]) -> Bool {
        guard let first = pattern.first, pattern.count <= count else { return false }
        var index = 0
        let last = count - pattern.count
        while index <= last {
            if self[index] == first && self[index..<index + pattern.count].elementsEqual(pattern) { return true }
            index += 1
        }
        return false
    }
}
