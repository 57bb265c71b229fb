import Foundation
import HeritageStore
import ZIPFoundation

/// Zip files of bags: written under a temporary name and renamed into place, and read back
/// with limits, so a received zip cannot fill the disk or write outside its folder.
public enum BagZip {
    /// What a zip may expand to.
    public struct Limits: Sendable {
        /// Bytes allowed beyond the payload that bag-info.txt's Payload-Oxum declares (tag files).
        public var tagBytes: UInt64 = 64 << 20
        /// Entries allowed beyond the payload's file count (tag files and folders).
        public var tagEntries = 4_096
        /// Without a Payload-Oxum, the most a zip may expand to.
        public var defaultTotalBytes: UInt64 = 16 << 30
        public var defaultEntries = 1_000_000
        /// An entry that expands more than this many times over its compressed size is refused
        /// (deflate reaches about 1,032:1 on a run of one byte; a zip bomb far more).
        public var maximumRatio: UInt64 = 1_000
        /// Entries smaller than this are not held to the ratio.
        public var ratioExemptBytes: UInt64 = 1 << 20

        public init() {}
    }

    /// Zips `folder`'s contents under `rootName/` into a temporary file beside `zipURL` (a kill
    /// leaves only a `.NAME.partial-PID-…`, which the next run removes) and returns it; the
    /// caller renames it into place with ``moveIntoPlace(_:_:)`` once everything else is done.
    static func writePartial(_ folder: URL, rootName: String, for zipURL: URL) throws -> URL {
        let temporary = PartialOutputs.name(for: zipURL)
        do {
            let archive = try Archive(url: temporary, accessMode: .create)
            for path in EvidenceFiles.files(under: folder) {
                try archive.addEntry(
                    with: "\(rootName)/\(path)", fileURL: folder.appending(path: path),
                    compressionMethod: CompressionMethod.deflate)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw EvidenceError("cannot write \(zipURL.path): \(error)")
        }
        return temporary
    }

    /// Zips `folder`'s contents under `rootName/` into `zipURL`, which appears whole or not at all.
    public static func zip(_ folder: URL, rootName: String, to zipURL: URL) throws {
        try EvidenceFiles.requireAbsent(zipURL)
        try moveIntoPlace(try writePartial(folder, rootName: rootName, for: zipURL), zipURL)
    }

    /// Renames a finished zip into place; never over an existing file.
    static func moveIntoPlace(_ temporary: URL, _ zipURL: URL) throws {
        guard link(temporary.path, zipURL.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw EvidenceError("cannot move the finished zip to \(zipURL.path): \(reason)")
        }
        unlink(temporary.path)
    }

    /// Runs `body` with the root of the bag at `url`: a folder as it is; a zip unpacked, within
    /// ``Limits``, into a private temporary folder that is removed however `body` ends (one a
    /// killed run left behind is removed by the next).
    public static func withBag<T>(at url: URL, _ body: (URL) throws -> T) throws -> T {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw EvidenceError("no bag at \(url.path)")
        }
        if isDirectory.boolValue { return try body(url) }
        let temporary = FileManager.default.temporaryDirectory
        PartialOutputs.removeAbandoned(in: temporary, prefix: ".heritage-")
        let scratch = PartialOutputs.name(for: temporary.appending(path: "heritage-bag"))
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw EvidenceError("cannot create \(scratch.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        return try body(try extract(url, into: scratch))
    }

    /// Extracts `zip` into the empty folder `destination` and returns the bag's root: the one
    /// folder the zip holds, or `destination` itself. Refused with the reason: an entry that
    /// leaves the folder or is a symbolic link, more entries or bytes than the bag declares,
    /// an entry that expands beyond ``Limits/maximumRatio`` or beyond its declared size.
    public static func extract(_ zip: URL, into destination: URL, limits: Limits = Limits()) throws -> URL {
        let archive: Archive
        do {
            archive = try Archive(url: zip, accessMode: .read)
        } catch {
            throw EvidenceError("\(zip.path) is not a folder or a zip file: \(error)")
        }
        let entries = Array(archive)
        // The declared payload, from bag-info.txt, bounds what the zip may expand to.
        var totalLimit = limits.defaultTotalBytes
        var entryLimit = limits.defaultEntries
        if let info = entries.first(where: { Self.isBagInfo($0.path) }), info.uncompressedSize < 1 << 20 {
            var text = Data()
            _ = try? archive.extract(info) { text.append($0) }
            if let oxum = BagInfo.parse(text).first("Payload-Oxum").flatMap(PayloadOxum.init) {
                totalLimit = UInt64(max(0, oxum.bytes)) + limits.tagBytes
                entryLimit = oxum.count + limits.tagEntries
            }
        }
        guard entries.count <= entryLimit else {
            throw EvidenceError(
                "\(zip.lastPathComponent): \(entries.count) entries, more than the \(entryLimit) its bag declares; "
                    + "not extracted")
        }
        var declared: UInt64 = 0
        for entry in entries {
            let path = entry.path
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            if path.hasPrefix("/") || parts.contains("..") || path.contains("\\") || path.contains("\0") {
                throw EvidenceError("\(zip.lastPathComponent): entry \(path) leaves the bag; not extracted")
            }
            if entry.type == .symlink {
                throw EvidenceError(
                    "\(zip.lastPathComponent): entry \(path) is a symbolic link; a bag holds files only")
            }
            declared += entry.uncompressedSize
            if entry.uncompressedSize > limits.ratioExemptBytes,
                entry.uncompressedSize / max(entry.compressedSize, 1) > limits.maximumRatio
            {
                throw EvidenceError(
                    "\(zip.lastPathComponent): entry \(path) expands \(entry.uncompressedSize / max(entry.compressedSize, 1)):1, "
                        + "more than \(limits.maximumRatio):1 (a zip bomb?); not extracted")
            }
        }
        guard declared <= totalLimit else {
            throw EvidenceError(
                "\(zip.lastPathComponent): expands to \(declared) bytes, more than the \(totalLimit) its bag declares "
                    + "(payload and tag files); not extracted")
        }
        var written: UInt64 = 0
        for entry in entries {
            let target = destination.appending(path: entry.path)
            if entry.type == .directory {
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                continue
            }
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: target.path, contents: nil),
                let handle = FileHandle(forWritingAtPath: target.path)
            else { throw EvidenceError("cannot write \(target.path) while extracting \(zip.lastPathComponent)") }
            defer { try? handle.close() }
            var entryBytes: UInt64 = 0
            do {
                _ = try archive.extract(entry) { chunk in
                    entryBytes += UInt64(chunk.count)
                    written += UInt64(chunk.count)
                    // Sizes in the headers can lie: the bytes themselves are counted.
                    if entryBytes > entry.uncompressedSize || written > totalLimit {
                        throw EvidenceError(
                            "\(zip.lastPathComponent): entry \(entry.path) expands beyond its declared size; "
                                + "extraction stopped")
                    }
                    try handle.write(contentsOf: chunk)
                }
            } catch let error as EvidenceError {
                throw error
            } catch {
                throw EvidenceError("\(zip.lastPathComponent): entry \(entry.path) cannot be extracted: \(error)")
            }
        }
        let top = (try? FileManager.default.contentsOfDirectory(atPath: destination.path)) ?? []
        var isDirectory: ObjCBool = false
        if top.count == 1,
            FileManager.default.fileExists(
                atPath: destination.appending(path: top[0]).path, isDirectory: &isDirectory), isDirectory.boolValue
        {
            return destination.appending(path: top[0])
        }
        return destination
    }

    private static func isBagInfo(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.last == "bag-info.txt" && parts.count <= 2
    }
}
