import Crypto
import Foundation

/// A checksum algorithm a manifest may use (`manifest-<name>.txt`).
enum BagAlgorithm: String, CaseIterable, Comparable {
    case md5, sha1, sha256, sha384, sha512

    static func < (a: BagAlgorithm, b: BagAlgorithm) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }

    var hexLength: Int {
        switch self {
        case .md5: 32
        case .sha1: 40
        case .sha256: 64
        case .sha384: 96
        case .sha512: 128
        }
    }
}

/// A running hash of any of the algorithms, so a file is read once for all its manifests.
struct BagHasher {
    private var md5: Insecure.MD5?
    private var sha1: Insecure.SHA1?
    private var sha256: SHA256?
    private var sha384: SHA384?
    private var sha512: SHA512?

    init(_ algorithms: Set<BagAlgorithm>) {
        if algorithms.contains(.md5) { md5 = Insecure.MD5() }
        if algorithms.contains(.sha1) { sha1 = Insecure.SHA1() }
        if algorithms.contains(.sha256) { sha256 = SHA256() }
        if algorithms.contains(.sha384) { sha384 = SHA384() }
        if algorithms.contains(.sha512) { sha512 = SHA512() }
    }

    mutating func update(_ data: Data) {
        md5?.update(data: data)
        sha1?.update(data: data)
        sha256?.update(data: data)
        sha384?.update(data: data)
        sha512?.update(data: data)
    }

    func finalize() -> [BagAlgorithm: String] {
        func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
            digest.map { String(format: "%02x", $0) }.joined()
        }
        var result: [BagAlgorithm: String] = [:]
        if let md5 { result[.md5] = hex(md5.finalize()) }
        if let sha1 { result[.sha1] = hex(sha1.finalize()) }
        if let sha256 { result[.sha256] = hex(sha256.finalize()) }
        if let sha384 { result[.sha384] = hex(sha384.finalize()) }
        if let sha512 { result[.sha512] = hex(sha512.finalize()) }
        return result
    }

    /// The digests of a file, and its size; nil when it cannot be read.
    static func digests(of url: URL, _ algorithms: Set<BagAlgorithm>) -> (digests: [BagAlgorithm: String], size: Int64)?
    {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        var hasher = BagHasher(algorithms)
        var size: Int64 = 0
        do {
            while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
                hasher.update(block)
                size += Int64(block.count)
            }
        } catch {
            return nil
        }
        return (hasher.finalize(), size)
    }
}

/// One manifest or tag manifest, parsed.
struct BagManifest {
    var name: String
    var algorithm: BagAlgorithm
    /// Path (relative to the bag, decoded) → expected hex digest, lower case.
    var entries: [String: String] = [:]
    /// Paths in file order, for messages.
    var order: [String] = []

    /// Parses a manifest's text; problems name the manifest and the line.
    static func parse(
        _ text: String, name: String, algorithm: BagAlgorithm, version: (major: Int, minor: Int),
        problems: inout [String]
    ) -> BagManifest {
        var manifest = BagManifest(name: name, algorithm: algorithm)
        for (index, rawLine) in BagText.lines(text).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let where_ = "\(name), line \(index + 1)"
            guard let gap = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                problems.append("\(where_): expected '<checksum> <path>'")
                continue
            }
            let digest = line[..<gap].lowercased()
            var rawPath = line[gap...].trimmingCharacters(in: .whitespaces)
            if rawPath.hasPrefix("*") { rawPath.removeFirst() }  // md5sum's binary-mode marker
            guard digest.count == algorithm.hexLength, digest.allSatisfy(\.isHexDigit) else {
                problems.append("\(where_): '\(digest)' is not a \(algorithm.rawValue) checksum")
                continue
            }
            let path = normalise(BagText.decodePath(rawPath))
            guard let path, !path.isEmpty else {
                problems.append("\(where_): path \(rawPath) leaves the bag")
                continue
            }
            if let earlier = manifest.entries[path] {
                if earlier != digest {
                    problems.append("\(where_): \(path) is listed twice with different checksums")
                } else if version.major >= 1 {
                    problems.append("\(where_): \(path) is listed twice")
                }
                continue
            }
            manifest.entries[path] = digest
            manifest.order.append(path)
        }
        return manifest
    }

    /// A manifest path made relative and clean (`./data/a` → `data/a`), or nil when it is
    /// absolute or climbs out of the bag.
    static func normalise(_ path: String) -> String? {
        if path.hasPrefix("/") || path.hasPrefix("\\") || path.contains("\0") { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { return nil }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }
}
