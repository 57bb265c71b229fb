import Foundation
import HeritageTestSupport
import Testing

/// `heritage import --bag`: a bag received from elsewhere is checked before anything is stored,
/// refused whole if it fails, and otherwise every payload file becomes an asset version that
/// says which bag it came from, from whom, and with which digests.
@Suite struct BagImportTests {
    let folder: URL
    var archive: String { folder.appending(path: "archive").path }

    init() throws {
        folder = try temporaryFolder()
    }

    func heritage(_ arguments: [String]) throws -> HeritageBinary.Result {
        try HeritageBinary.run(arguments)
    }

    /// A bag as a field team might send it: a scan, a note, a bag inside the bag; sha256 and
    /// md5 manifests, a tag manifest, bag-info with the sender.
    func writeReceivedBag(_ name: String) throws -> URL {
        let bag = folder.appending(path: name)
        let payload: [(String, Data)] = [
            ("scans/north wall.obj", Data("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n".utf8)),
            ("notes/Խաչքար.txt", Data("Found toppled on 2026-05-14.\n".utf8)),
            ("inner/bagit.txt", Data("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8)),
        ]
        var sha256 = ""
        var md5 = ""
        var bytes = 0
        for (path, data) in payload {
            let url = bag.appending(path: "data/" + path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
            sha256 += "\(try digest(url, "sha256sum"))  data/\(path)\n"
            md5 += "\(try digest(url, "md5sum"))  data/\(path)\n"
            bytes += data.count
        }
        try Data("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8).write(
            to: bag.appending(path: "bagit.txt"))
        try Data(sha256.utf8).write(to: bag.appending(path: "manifest-sha256.txt"))
        try Data(md5.utf8).write(to: bag.appending(path: "manifest-md5.txt"))
        let info = """
            Source-Organization: Field Office Gyumri
            Contact-Name: A. Petrosyan
            Bagging-Date: 2026-05-15
            External-Identifier: FOG-2026-0042
            Payload-Oxum: \(bytes).\(payload.count)

            """
        try Data(info.utf8).write(to: bag.appending(path: "bag-info.txt"))
        var tags = ""
        for name in ["bag-info.txt", "bagit.txt", "manifest-md5.txt", "manifest-sha256.txt"] {
            tags += "\(try digest(bag.appending(path: name), "sha256sum"))  \(name)\n"
        }
        try Data(tags.utf8).write(to: bag.appending(path: "tagmanifest-sha256.txt"))
        return bag
    }

    func digest(_ url: URL, _ tool: String) throws -> String {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = [tool, url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(output.prefix { $0 != " " })
    }

    func objects() -> [String] { relativeFiles(under: URL(filePath: archive).appending(path: "objects")) }

    @Test func aReceivedBagBecomesAssetsWithProvenance() throws {
        #expect(try heritage(["demo", "--into", archive, "--register-only"]).status == 0)
        let bag = try writeReceivedBag("FOG-2026-0042")
        #expect(try heritage(["verify", "--bag", bag.path]).status == 0)

        // A broken copy is refused whole: nothing stored.
        let broken = folder.appending(path: "broken")
        try FileManager.default.copyItem(at: bag, to: broken)
        try Data("Found standing.\n".utf8).write(to: broken.appending(path: "data/notes/Խաչքար.txt"))
        let blobsBefore = objects()
        let refused = try heritage(["import", "--archive", archive, "--site", "SY-PAL-BEL", "--bag", broken.path])
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("fixity") && refused.stderr.contains("data/notes/Խաչքար.txt"), "\(refused.stderr)")
        #expect(objects() == blobsBefore)

        let run = try heritage([
            "import", "--archive", archive, "--site", "SY-PAL-BEL", "--bag", bag.path, "--json", "--actor", "registrar",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let received = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let files = try #require(received["files"] as? [[String: Any]])
        #expect(files.count == 3)
        let ingestion = try #require(received["ingestion"] as? [String: Any])
        #expect((ingestion["bagInfo"] as? [[String]])?.contains(["Contact-Name", "A. Petrosyan"]) == true)

        // Each file says where it came from.
        let scan = try #require(files.first { ($0["file"] as? String) == "data/scans/north wall.obj" })
        let assetID = try #require(scan["assetID"] as? String)
        let details = try heritage(["asset", "show", "--archive", archive, assetID, "--json"])
        let version = try #require(
            (try JSONSerialization.jsonObject(with: Data(details.stdout.utf8)) as? [String: Any])?["version"]
                as? [String: Any])
        #expect(version["format"] as? String == "obj", "the scan is read as a scan")
        let provenance = try #require(version["provenance"] as? [String: Any])
        #expect(provenance["pathInBag"] as? String == "data/scans/north wall.obj")
        #expect(provenance["sourceOrganization"] as? String == "Field Office Gyumri")
        #expect(provenance["externalIdentifier"] as? String == "FOG-2026-0042")
        let digests = try #require(provenance["manifestDigests"] as? [String: String])
        #expect(digests.keys.sorted() == ["md5", "sha256"])
        #expect(digests["sha256"] == version["sha256"] as? String)
        let text = try heritage(["asset", "show", "--archive", archive, assetID])
        #expect(text.stdout.contains("received     in bag FOG-2026-0042 as data/scans/north wall.obj"))

        // The note and the inner bag are documents; the bag's tag files are kept too.
        let assets = try heritage(["asset", "list", "--archive", archive, "--site", "SY-PAL-BEL", "--json"])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(assets.stdout.utf8)) as? [[String: Any]])
        let titles = listed.compactMap { ($0["asset"] as? [String: Any])?["title"] as? String }
        #expect(titles.contains("notes/Խաչքար.txt") && titles.contains("inner/bagit.txt"))
        #expect(titles.contains("BagIt tag files of FOG-2026-0042"))

        // The ingestion is audited, verified with the archive, and shown in the report.
        let audit = try heritage(["audit", "--archive", archive, "--json", "--limit", "1"])
        #expect(audit.stdout.contains("bag.ingest") && audit.stdout.contains("registrar"))
        let verify = try heritage(["verify", "--archive", archive])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let report = folder.appending(path: "report")
        #expect(
            try heritage(["report", "--archive", archive, "--site", "SY-PAL-BEL", "--out", report.path]).status == 0)
        let html = try String(contentsOf: report.appending(path: "report.html"), encoding: .utf8)
        #expect(html.contains("Received from others") && html.contains("Field Office Gyumri"))
        #expect(html.contains("in bag FOG-2026-0042 as data/scans/north wall.obj"))
        let package = folder.appending(path: "package")
        #expect(
            try heritage([
                "package", "--archive", archive, "--site", "SY-PAL-BEL", "--unsigned", "--out", package.path,
            ]).status == 0)
        #expect(try heritage(["verify", "--bag", package.path]).status == 0)

        // The same bag zipped, received again: the same bytes are not stored twice.
        let zipped = folder.appending(path: "FOG-2026-0042.zip")
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.currentDirectoryURL = folder
        process.arguments = ["python3", "-m", "zipfile", "-c", zipped.path, bag.lastPathComponent]
        try process.run()
        process.waitUntilExit()
        let again = try heritage(["import", "--archive", archive, "--site", "SY-PAL-BEL", "--bag", zipped.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("already in the archive"))
    }
}
