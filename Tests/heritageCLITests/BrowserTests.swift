import Foundation
import HeritageTestSupport
import ScanImport
import Testing

/// The web pages in headless Chromium (Debian's chromium and chromium-driver, PyPI's selenium
/// and axe-selenium-python, which .ci/run installs): Tests/Browser/pages.py signs in and out by
/// keyboard, runs axe-core on each page in English, Arabic and Ukrainian, checks a phone-sized
/// screen, and that markup planted in a name is never run.
@Suite struct BrowserTests {
    static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The Python with selenium and axe-selenium-python, when it and Chromium are here.
    static func browserPython() -> String? {
        let python = packageRoot.appending(path: ".build-bagit/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python),
            ["/usr/bin/chromium", "/usr/bin/chromedriver"].allSatisfy(FileManager.default.isExecutableFile),
            (try? runProgram(python, ["-c", "import selenium, axe_selenium_python"]).0) == 0
        else { return nil }
        return python
    }

    @Test func thePagesWorkByKeyboardAndPassAxeInARealBrowser() throws {
        guard let python = Self.browserPython() else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record(
                    "Chromium, chromium-driver, selenium or axe-selenium-python is missing: .ci/run installs them")
            } else {
                print(
                    "skipped: the browser test needs chromium, chromium-driver and, in .build-bagit, selenium and "
                        + "axe-selenium-python (.ci/run installs them)")
            }
            return
        }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = folder.appending(path: "archive").path
        #expect(try HeritageBinary.run(["init", "--archive", archive]).status == 0)
        let sites: [[String]] = [
            [
                "--code", "AM-CEM-1", "--name", "Old cemetery", "--language", "en", "--other-name", "ar:مقبرة قديمة",
                "--other-name", "hy:Հին գերեզմանոց", "--kind", "cemetery", "--latitude", "39.5", "--longitude",
                "45.1", "--country", "AM", "--designation", "national-register:AM-1",
            ],
            [
                "--code", "PLANT-1", "--name", #"<img src=x onerror="window.__planted=1">"#, "--kind", "church",
                "--latitude", "40.1", "--longitude", "44.5",
            ],
            [
                "--code", "RES-1", "--name", "Hidden chapel", "--kind", "church", "--latitude", "34.236111",
                "--longitude", "37.225432", "--sensitivity", "restricted",
            ],
        ]
        for site in sites {
            let added = try HeritageBinary.run(["site", "add", "--archive", archive] + site)
            #expect(added.status == 0, "\(added.stderr)")
        }
        try ServeCLITests.addAccount("lena", role: "reviewer", archive: archive)
        let photoFinding = try Self.comparedPhotographs(site: "AM-CEM-1", archive: archive, folder: folder)

        let (server, url) = try ServeCLITests.serve(archive)
        defer { server.terminate() }
        let base = String(url.dropLast(url.hasSuffix("/") ? 1 : 0))
        let script = Self.packageRoot.appending(path: "Tests/Browser/pages.py").path
        let (status, output) = try runProgram(
            python, [script, base, "lena", "correct horse battery", "AM-CEM-1", "PLANT-1", photoFinding])
        print(output)
        #expect(status == 0, "\(output)")
    }

    /// A wall photographed twice, a dark patch on the left of the second (columns 10-39 of 96),
    /// imported and compared by the CLI; returns the finding's id.
    static func comparedPhotographs(site: String, archive: String, folder: URL) throws -> String {
        var paths: [String] = []
        for damaged in [false, true] {
            var pixels = [UInt8](repeating: 0, count: 96 * 64 * 3)
            for y in 0..<64 {
                for x in 0..<96 {
                    let patch = damaged && (10..<40).contains(x) && (16..<48).contains(y)
                    pixels[(y * 96 + x) * 3] = patch ? 15 : UInt8(170 + (x + y) % 40)
                    pixels[(y * 96 + x) * 3 + 1] = patch ? 15 : UInt8(160 + (x * 3 + y) % 30)
                    pixels[(y * 96 + x) * 3 + 2] = patch ? 15 : 140
                }
            }
            let file = folder.appending(path: damaged ? "wall-2026.png" : "wall-2019.png")
            try Data(try ImageDecoder.encodePNG(DecodedImage(width: 96, height: 64, channels: 3, pixels: pixels)))
                .write(to: file)
            paths.append(file.path)
        }
        let imported = try HeritageBinary.run(["import", "--archive", archive, "--site", site, "--json"] + paths)
        let assets = try #require(
            try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [[String: Any]], "\(imported.stderr)"
        )
        let ids = assets.compactMap { ($0["assetID"] as? String).map { $0 + "@1" } }
        let compared = try HeritageBinary.run(["diff", "--archive", archive, "--site", site, "--json"] + ids)
        let output = try #require(
            try JSONSerialization.jsonObject(with: Data(compared.stdout.utf8)) as? [String: Any], "\(compared.stderr)")
        return try #require((output["finding"] as? [String: Any])?["id"] as? String)
    }

    /// A surveyor proposes a site, a reviewer approves it, the surveyor uploads two scans from
    /// the page and follows a comparison of them to its finding (Tests/Browser/survey_flow.py).
    @Test func aSurveyorsDayFromProposalToFindingInARealBrowser() throws {
        guard let python = Self.browserPython() else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record(
                    "Chromium, chromium-driver, selenium or axe-selenium-python is missing: .ci/run installs them")
            } else {
                print("skipped: the browser test needs chromium, chromium-driver, selenium and axe-selenium-python")
            }
            return
        }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = folder.appending(path: "archive").path
        #expect(try HeritageBinary.run(["init", "--archive", archive]).status == 0)
        try ServeCLITests.addAccount("omar", role: "surveyor", archive: archive)
        try ServeCLITests.addAccount("lena", role: "admin", archive: archive)
        let before = try writeWallScan("wall-2024.ply", pit: false, seed: 1, in: folder)
        let after = try writeWallScan("wall-2026.ply", pit: true, seed: 2, in: folder)
        let broken = folder.appending(path: "broken.ply")
        try Data("ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nend_header\n1\n".utf8).write(to: broken)

        let (server, url) = try ServeCLITests.serve(archive)
        defer { server.terminate() }
        let base = String(url.dropLast(url.hasSuffix("/") ? 1 : 0))
        let script = Self.packageRoot.appending(path: "Tests/Browser/survey_flow.py").path
        let (status, output) = try runProgram(
            python, [script, base, "omar", "lena", "correct horse battery", before.path, after.path, broken.path])
        print(output)
        #expect(status == 0, "\(output)")
    }
}
