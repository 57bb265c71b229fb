import Foundation
import HeritageStore

/// What checking a bag against the BagIt specification found (RFC 8493, and BagIt 0.97).
public struct BagValidation: Sendable, Codable {
    /// Each reason the bag is invalid, naming the file and line.
    public var problems: [String] = []
    /// What is not invalid but worth knowing (a byte-order mark, an unlisted tag file).
    public var warnings: [String] = []
    /// `M.N` from bagit.txt.
    public var version: String?
    public var encoding: String?
    /// The manifests' algorithms, e.g. `["md5", "sha256"]`.
    public var algorithms: [String] = []
    public var payloadFiles = 0
    public var payloadBytes: Int64 = 0
    /// Files fetch.txt lists that are not in the bag (a holey bag): it is then valid only as
    /// far as it goes, and incomplete.
    public var missingFetched: [String] = []
    /// Each payload file present (path in the bag) → algorithm → the digest found, which every
    /// manifest that lists it agrees with when the bag is valid.
    public var payloadDigests: [String: [String: String]] = [:]
    /// The tag files (everything outside data/), relative to the bag.
    public var tagFiles: [String] = []
    /// bag-info.txt's entries in file order, as [label, value].
    public var bagInfo: [[String]] = []
    public var isValid: Bool { problems.isEmpty }
    public var isComplete: Bool { missingFetched.isEmpty }
}

/// Checks any bag: bagit.txt, every payload and tag manifest with each of its algorithms,
/// that every payload file is in every payload manifest and nothing else is under data/,
/// Payload-Oxum, fetch.txt, and that the bag holds no symbolic link.
enum BagValidator {
    static func validate(_ bag: URL) -> BagValidation {
        var result = BagValidation()
        let files: BagFiles
        do {
            files = try BagFiles.walk(bag)
        } catch {
            result.problems.append("\(bag.path): \(error)")
            return result
        }
        for link in files.links { result.problems.append("\(link): a symbolic link; a bag holds files only") }
        for other in files.others { result.problems.append("\(other): not a regular file; a bag holds files only") }
        guard let declarationData = FileManager.default.contents(atPath: bag.appending(path: "bagit.txt").path) else {
            result.problems.append("bagit.txt: missing (this is not a bag)")
            return result
        }
        let declaration: BagDeclaration
        switch BagDeclaration.parse(declarationData) {
        case .success(let parsed): declaration = parsed
        case .failure(let problem):
            result.problems.append(problem.description)
            return result
        }
        result.version = "\(declaration.version.major).\(declaration.version.minor)"
        result.encoding = declaration.encodingName
        if declarationData.starts(with: [0xEF, 0xBB, 0xBF]) {
            result.warnings.append("bagit.txt: starts with a byte-order mark, which RFC 8493 forbids")
        }
        if !files.folders.contains("data") {
            result.problems.append("data/: missing (a bag keeps its payload in data/)")
        }

        func text(_ name: String) -> String? {
            guard let data = FileManager.default.contents(atPath: bag.appending(path: name).path) else { return nil }
            guard let text = BagText.decode(data, encoding: declaration.encoding) else {
                result.problems.append("\(name): not \(declaration.encodingName), as bagit.txt declares")
                return nil
            }
            return text
        }

        // Manifests.
        var payloadManifests: [BagManifest] = []
        var tagManifests: [BagManifest] = []
        for name in files.tagFiles.sorted() {
            for (prefix, isTag) in [("manifest-", false), ("tagmanifest-", true)] where name.hasPrefix(prefix) {
                guard name.hasSuffix(".txt"), !name.contains("/") else { continue }
                let algorithmName = String(name.dropFirst(prefix.count).dropLast(4)).lowercased()
                guard let algorithm = BagAlgorithm(rawValue: algorithmName) else {
                    result.problems.append("\(name): the \(algorithmName) algorithm is not one heritage checks")
                    continue
                }
                guard let body = text(name) else { continue }
                let manifest = BagManifest.parse(
                    body, name: name, algorithm: algorithm, version: declaration.version,
                    problems: &result.problems)
                if isTag { tagManifests.append(manifest) } else { payloadManifests.append(manifest) }
            }
        }
        guard !payloadManifests.isEmpty else {
            result.problems.append("manifest-<algorithm>.txt: missing (a bag needs at least one payload manifest)")
            return result
        }
        result.algorithms = Set(payloadManifests.map(\.algorithm)).sorted().map(\.rawValue)
        for manifest in payloadManifests {
            for path in manifest.order where !path.hasPrefix("data/") {
                result.problems.append("\(manifest.name): \(path) is not under data/")
            }
        }
        for manifest in tagManifests {
            for path in manifest.order where path.hasPrefix("data/") {
                result.problems.append("\(manifest.name): \(path) is payload, not a tag file")
            }
        }

        // fetch.txt: files that may be absent.
        var fetched = Set<String>()
        if let fetch = text("fetch.txt") {
            for (index, line) in BagText.lines(fetch).enumerated() {
                let parts = line.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" })
                if parts.isEmpty { continue }
                guard parts.count == 3, parts[1] == "-" || Int64(parts[1]) != nil,
                    let path = BagManifest.normalise(BagText.decodePath(String(parts[2]))), path.hasPrefix("data/")
                else {
                    result.problems.append("fetch.txt, line \(index + 1): expected 'URL LENGTH data/PATH'")
                    continue
                }
                fetched.insert(path)
            }
        }

        // Payload: every file in every manifest, nothing unlisted, every listed file present
        // (or to be fetched).
        let present = Set(files.payload)
        let presentByNFC = Dictionary(
            present.map { ($0.precomposedStringWithCanonicalMapping, $0) }, uniquingKeysWith: { first, _ in first })
        func onDisk(_ path: String) -> String? {
            present.contains(path) ? path : presentByNFC[path.precomposedStringWithCanonicalMapping]
        }
        for manifest in payloadManifests {
            let listed = Set(manifest.order.compactMap(onDisk))
            for path in files.payload where !listed.contains(path) {
                result.problems.append("\(path): in the payload but not in \(manifest.name)")
            }
            for path in manifest.order where onDisk(path) == nil {
                if fetched.contains(path) {
                    if !result.missingFetched.contains(path) { result.missingFetched.append(path) }
                } else {
                    result.problems.append("\(path): listed in \(manifest.name) but missing")
                }
            }
        }

        // Hash every listed file once, with every algorithm that lists it.
        var wanted: [String: (file: String, algorithms: Set<BagAlgorithm>)] = [:]
        for manifest in payloadManifests + tagManifests {
            for path in manifest.order {
                guard let file = onDisk(path) ?? (files.tagFiles.contains(path) ? path : nil) else { continue }
                wanted[file, default: (file, [])].algorithms.insert(manifest.algorithm)
            }
        }
        let jobs = wanted.values.sorted { $0.file < $1.file }
        let digests = jobs.parallelMap(minimumChunk: 1) { job in
            BagHasher.digests(of: bag.appending(path: job.file), job.algorithms)
        }
        var found: [String: [BagAlgorithm: String]] = [:]
        for (job, digest) in zip(jobs, digests) {
            guard let digest else {
                result.problems.append("\(job.file): cannot be read")
                continue
            }
            found[job.file] = digest.digests
            if job.file.hasPrefix("data/") {
                result.payloadFiles += 1
                result.payloadBytes += digest.size
                result.payloadDigests[job.file] = Dictionary(
                    uniqueKeysWithValues: digest.digests.map { ($0.key.rawValue, $0.value) })
            }
        }
        for manifest in payloadManifests + tagManifests {
            for path in manifest.order {
                guard let file = onDisk(path) ?? (files.tagFiles.contains(path) ? path : nil) else {
                    if manifest.name.hasPrefix("tagmanifest-") {
                        result.problems.append("\(path): listed in \(manifest.name) but missing")
                    }
                    continue
                }
                guard let actual = found[file]?[manifest.algorithm], let expected = manifest.entries[path] else {
                    continue
                }
                if actual != expected {
                    result.problems.append(
                        "\(file): \(manifest.algorithm.rawValue) is \(actual), \(manifest.name) says \(expected)")
                }
            }
        }

        result.tagFiles = files.tagFiles.sorted()
        // Payload-Oxum, when bag-info.txt gives one.
        let info = text("bag-info.txt").map(BagInfo.parse)
        result.bagInfo = info?.entries.map { [$0.label, $0.value] } ?? []
        if let info, let oxumText = info.first("Payload-Oxum") {
            let payloadCount = files.payload.count + result.missingFetched.count
            if let oxum = PayloadOxum(oxumText) {
                let bytes = files.payload.reduce(Int64(0)) { total, path in
                    let attributes = try? FileManager.default.attributesOfItem(atPath: bag.appending(path: path).path)
                    return total + ((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
                }
                if result.missingFetched.isEmpty, oxum.bytes != bytes || oxum.count != payloadCount {
                    result.problems.append(
                        "bag-info.txt: Payload-Oxum is \(oxumText), the payload is \(bytes).\(payloadCount)")
                }
            } else {
                result.problems.append("bag-info.txt: Payload-Oxum '\(oxumText)' is not OCTETS.COUNT")
            }
        }
        return result
    }
}

/// What a bag folder holds, found without following symbolic links.
struct BagFiles {
    /// Regular files under data/, relative to the bag (`data/…`), sorted.
    var payload: [String] = []
    /// Regular files outside data/ (tag files), relative to the bag.
    var tagFiles: Set<String> = []
    /// Folders directly in the bag.
    var folders: Set<String> = []
    /// Symbolic links anywhere in the bag.
    var links: [String] = []
    /// Anything else that is not a file or a folder (a device, a pipe, a socket).
    var others: [String] = []

    static func walk(_ bag: URL) throws -> BagFiles {
        var files = BagFiles()
        let manager = FileManager.default
        func visit(_ relative: String) throws {
            let url = relative.isEmpty ? bag : bag.appending(path: relative)
            for name in try manager.contentsOfDirectory(atPath: url.path).sorted() {
                let path = relative.isEmpty ? name : relative + "/" + name
                let type =
                    try manager.attributesOfItem(atPath: bag.appending(path: path).path)[.type] as? FileAttributeType
                switch type {
                case .typeSymbolicLink?: files.links.append(path)
                case .typeDirectory?:
                    if relative.isEmpty { files.folders.insert(name) }
                    try visit(path)
                case .typeRegular?:
                    if path.hasPrefix("data/") { files.payload.append(path) } else { files.tagFiles.insert(path) }
                default: files.others.append(path)
                }
            }
        }
        try visit("")
        files.payload.sort()
        return files
    }
}
