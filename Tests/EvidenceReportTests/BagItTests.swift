import EvidenceReport
import Foundation
import HeritageStore
import HeritageTestSupport
import Testing

/// Bags as investigators receive them from others: made by bagit-python with every algorithm
/// and odd names, written by hand in other encodings and versions, holey, nested, and broken
/// in each way the specification forbids.
@Suite struct BagItTests {
    let folder: URL

    init() throws {
        folder = try temporaryFolder()
    }

    /// The Python beside bagit.py (the venv .ci/run makes), which can import bagit.
    static var bagitPython: String? {
        let candidates =
            [ProcessInfo.processInfo.environment["BAGIT_PY"]].compactMap { $0 }
            + ["/usr/local/bin/bagit.py", "/usr/bin/bagit.py"]
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let python = URL(filePath: tool).deletingLastPathComponent().appending(path: "python3").path
        return FileManager.default.isExecutableFile(atPath: python) ? python : nil
    }

    /// A payload with awkward names: spaces, non-ASCII in several scripts, a percent sign, a
    /// nested folder, and a bag inside the bag.
    func writePayload(_ root: URL) throws {
        let files: [(String, String)] = [
            ("photo 1.jpg", "jpeg bytes"), ("Ղազանչեցոց/նկար.txt", "Armenian"), ("مسجد.txt", "Arabic"),
            ("100% done.txt", "percent"), ("deep/er/file.bin", String(repeating: "x", count: 70_000)),
            ("inner-bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
            ("inner-bag/data/a.txt", "inner"),
        ]
        for (path, text) in files {
            let url = root.appending(path: path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    @Test(arguments: ["md5", "sha1", "sha256", "sha512"])
    func bagitPythonBagsVerify(algorithm: String) throws {
        guard let python = Self.bagitPython else {
            print("skipped: bagit-python is not installed (.ci/run installs it)")
            return
        }
        let bag = folder.appending(path: "bag-\(algorithm)")
        try writePayload(bag)
        let script = """
            import bagit, sys
            bagit.make_bag(sys.argv[1], {"Source-Organization": "Field Office", "Contact-Name": "A. Petrosyan"},
                           checksums=[sys.argv[2]])
            """
        let made = try runProgram(python, ["-c", script, bag.path, algorithm])
        #expect(made.status == 0, "\(made.output)")
        let result = BagVerifier.verify(bag)
        #expect(result.isValid, "\(result.problems)")
        #expect(result.bag.algorithms == [algorithm])
        #expect(result.bag.payloadFiles == 7)
        #expect(!result.isHeritagePackage)

        // One changed byte in the payload is named; so is a file added.
        let victim = bag.appending(path: "data/مسجد.txt")
        try Data("Arabiq".utf8).write(to: victim)
        let changed = BagVerifier.verify(bag)
        #expect(changed.problems.contains { $0.hasPrefix("data/مسجد.txt: \(algorithm) is") }, "\(changed.problems)")
    }

    @Test func bagitPythonAcceptsWhatBagitPythonMakesWithSeveralAlgorithmsAtOnce() throws {
        guard let python = Self.bagitPython else {
            print("skipped: bagit-python is not installed (.ci/run installs it)")
            return
        }
        let bag = folder.appending(path: "bag-all")
        try writePayload(bag)
        let made = try runProgram(
            python,
            [
                "-c", "import bagit, sys; bagit.make_bag(sys.argv[1], checksums=['md5','sha1','sha256','sha512'])",
                bag.path,
            ])
        #expect(made.status == 0, "\(made.output)")
        let result = BagVerifier.verify(bag)
        #expect(result.isValid, "\(result.problems)")
        #expect(result.bag.algorithms == ["md5", "sha1", "sha256", "sha512"])
        // A tag file changed after the fact is caught by every tag manifest.
        try Data("Source-Organization: forged\n".utf8).write(to: bag.appending(path: "bag-info.txt"))
        let forged = BagVerifier.verify(bag)
        #expect(forged.problems.filter { $0.hasPrefix("bag-info.txt:") }.count >= 4, "\(forged.problems)")
    }

    // MARK: Hand-made bags

    /// Writes a bag by hand: `payload` under data/, manifests in `algorithm`, tag files in `encoding`.
    @discardableResult
    func makeBag(
        _ name: String, payload: [String: String], version: String = "1.0", encodingName: String = "UTF-8",
        encoding: String.Encoding = .utf8, manifestPaths: ((String) -> String)? = nil, info: [String] = [],
        oxum: Bool = true
    ) throws -> URL {
        let bag = folder.appending(path: name)
        var manifest = ""
        var bytes = 0
        for (path, text) in payload.sorted(by: { $0.key < $1.key }) {
            let url = bag.appending(path: "data/" + path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            bytes += text.utf8.count
            let listed = manifestPaths?(path) ?? "data/" + path
            manifest += "\(sha256(Data(text.utf8)))  \(listed)\n"
        }
        try FileManager.default.createDirectory(at: bag.appending(path: "data"), withIntermediateDirectories: true)
        try Data("BagIt-Version: \(version)\nTag-File-Character-Encoding: \(encodingName)\n".utf8).write(
            to: bag.appending(path: "bagit.txt"))
        func tag(_ text: String) throws -> Data {
            try #require(text.data(using: encoding))
        }
        try tag(manifest).write(to: bag.appending(path: "manifest-sha256.txt"))
        var infoLines = info
        if oxum { infoLines.append("Payload-Oxum: \(bytes).\(payload.count)") }
        try tag(infoLines.map { $0 + "\n" }.joined()).write(to: bag.appending(path: "bag-info.txt"))
        return bag
    }

    func sha256(_ data: Data) -> String {
        let url = folder.appending(path: "hash-\(UUID().uuidString)")
        try? data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return (try? FileHashing.sha256(of: url)) ?? ""
    }

    @Test func encodingsVersionsAndOddPathsAreRead() throws {
        // UTF-16 with a byte-order mark, ISO-8859-1, 0.97, percent-encoded line breaks and
        // percent signs, ./ prefixes, repeated and folded bag-info entries.
        let utf16 = try makeBag(
            "utf16", payload: ["café.txt": "x"], encodingName: "UTF-16", encoding: .utf16,
            info: ["Contact-Name: Ана", "Contact-Name: Ani", "External-Description: a long", "  folded value"])
        let latin1 = try makeBag(
            "latin1", payload: ["café.txt": "y"], version: "0.97", encodingName: "ISO-8859-1", encoding: .isoLatin1,
            info: ["Source-Organization: Musée"])
        let encoded = try makeBag(
            "encoded", payload: ["line\nbreak.txt": "a", "100%.txt": "b", "plain.txt": "c"],
            manifestPaths: { path in
                "./data/" + path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\n", with: "%0A")
            })
        for bag in [utf16, latin1, encoded] {
            let result = BagVerifier.verify(bag)
            #expect(result.isValid, "\(bag.lastPathComponent): \(result.problems)")
        }
        #expect(BagVerifier.verify(latin1).bag.version == "0.97")
        #expect(BagVerifier.verify(utf16).bag.encoding == "UTF-16")
    }

    @Test func aHoleyBagIsValidButIncomplete() throws {
        let bag = try makeBag("holey", payload: ["here.txt": "here", "there.txt": "there"], oxum: false)
        try FileManager.default.removeItem(at: bag.appending(path: "data/there.txt"))
        try Data("https://example.org/there.txt 5 data/there.txt\n".utf8).write(to: bag.appending(path: "fetch.txt"))
        let result = BagVerifier.verify(bag)
        #expect(result.isValid, "\(result.problems)")
        #expect(!result.isComplete)
        #expect(result.bag.missingFetched == ["data/there.txt"])
    }

    @Test func invalidBagsAreRejectedWithTheReason() throws {
        var cases: [(URL, String)] = []
        let missing = try makeBag("missing", payload: ["a.txt": "a", "b.txt": "b"])
        try FileManager.default.removeItem(at: missing.appending(path: "data/b.txt"))
        cases.append((missing, "data/b.txt: listed in manifest-sha256.txt but missing"))
        let extra = try makeBag("extra", payload: ["a.txt": "a"])
        try Data("sneaked".utf8).write(to: extra.appending(path: "data/extra.txt"))
        cases.append((extra, "data/extra.txt: in the payload but not in manifest-sha256.txt"))
        let bad = try makeBag("bad", payload: ["a.txt": "a"])
        try Data("b".utf8).write(to: bad.appending(path: "data/a.txt"))
        cases.append((bad, "data/a.txt: sha256 is"))
        let noDeclaration = try makeBag("no-declaration", payload: ["a.txt": "a"])
        try FileManager.default.removeItem(at: noDeclaration.appending(path: "bagit.txt"))
        cases.append((noDeclaration, "bagit.txt: missing"))
        let badVersion = try makeBag("bad-version", payload: ["a.txt": "a"])
        try Data("BagIt-Version: one\nTag-File-Character-Encoding: UTF-8\n".utf8).write(
            to: badVersion.appending(path: "bagit.txt"))
        cases.append((badVersion, "bagit.txt, line 1"))
        let outside = try makeBag("outside", payload: ["a.txt": "a"], manifestPaths: { _ in "data/../../etc/passwd" })
        cases.append((outside, "leaves the bag"))
        let notData = try makeBag("not-data", payload: ["a.txt": "a"], manifestPaths: { _ in "bag-info.txt" })
        cases.append((notData, "is not under data/"))
        let oxum = try makeBag("oxum", payload: ["a.txt": "a"], info: ["Payload-Oxum: 99.1"], oxum: false)
        cases.append((oxum, "Payload-Oxum is 99.1"))
        let link = try makeBag("link", payload: ["a.txt": "a"])
        try FileManager.default.createSymbolicLink(
            atPath: link.appending(path: "data/passwd").path, withDestinationPath: "/etc/passwd")
        cases.append((link, "data/passwd: a symbolic link"))
        let noManifest = try makeBag("no-manifest", payload: ["a.txt": "a"])
        try FileManager.default.removeItem(at: noManifest.appending(path: "manifest-sha256.txt"))
        cases.append((noManifest, "manifest-<algorithm>.txt: missing"))
        for (bag, reason) in cases {
            let result = BagVerifier.verify(bag)
            #expect(!result.isValid, "\(bag.lastPathComponent) passed")
            #expect(result.problems.contains { $0.contains(reason) }, "\(bag.lastPathComponent): \(result.problems)")
        }
    }

    /// bagit-python agrees with us on the hand-made bags, valid and invalid.
    @Test func bagitPythonAgreesOnHandMadeBags() throws {
        guard let python = Self.bagitPython else {
            print("skipped: bagit-python is not installed (.ci/run installs it)")
            return
        }
        let valid = try makeBag("agree-valid", payload: ["a b.txt": "a", "ü.txt": "b"])
        let invalid = try makeBag("agree-invalid", payload: ["a.txt": "a"])
        try Data("changed".utf8).write(to: invalid.appending(path: "data/a.txt"))
        for (bag, expected) in [(valid, true), (invalid, false)] {
            let theirs = try runProgram(
                python, ["-c", "import bagit, sys; bagit.Bag(sys.argv[1]).validate()", bag.path])
            #expect((theirs.status == 0) == expected, "bagit-python on \(bag.lastPathComponent): \(theirs.output)")
            #expect(BagVerifier.verify(bag).isValid == expected)
        }
    }
}
