import Foundation
import HeritageTestSupport
import Testing

/// `heritage package --zip` and `heritage verify --bag`, as processes that may be killed or
/// handed a hostile zip.
@Suite struct BagCLITests {
    let folder: URL
    var archive: String { folder.appending(path: "archive").path }

    init() throws {
        folder = try temporaryFolder()
    }

    func heritage(_ arguments: [String], environment: [String: String] = [:]) throws -> HeritageBinary.Result {
        try HeritageBinary.run(arguments, environment: environment)
    }

    /// Runs Python with a script (zip files are made with its zipfile module).
    func python(_ script: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// A bag of one small file, made by hand.
    func writeBag(_ name: String) throws -> URL {
        let bag = folder.appending(path: name)
        try FileManager.default.createDirectory(at: bag.appending(path: "data"), withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: bag.appending(path: "data/hello.txt"))
        try Data("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8).write(
            to: bag.appending(path: "bagit.txt"))
        try Data("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  data/hello.txt\n".utf8).write(
            to: bag.appending(path: "manifest-sha256.txt"))
        try Data("Payload-Oxum: 6.1\n".utf8).write(to: bag.appending(path: "bag-info.txt"))
        return bag
    }

    @Test func hostileZipsAreRefusedAndLeaveNothingBehind() throws {
        let scratch = folder.appending(path: "tmp")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let environment = ["TMPDIR": scratch.path]
        let bag = try writeBag("bag")
        #expect(try heritage(["verify", "--bag", bag.path]).status == 0)

        // A bomb: 64 MB of zeros in a 64 KB entry, in a bag that declares 6 bytes.
        let bomb = folder.appending(path: "bomb.zip")
        try python(
            """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                z.write(sys.argv[2] + '/bagit.txt', 'bag/bagit.txt')
                z.write(sys.argv[2] + '/bag-info.txt', 'bag/bag-info.txt')
                z.write(sys.argv[2] + '/manifest-sha256.txt', 'bag/manifest-sha256.txt')
                z.writestr('bag/data/hello.txt', b'\\0' * (64 << 20))
            """, [bomb.path, bag.path])
        let exploded = try heritage(["verify", "--bag", bomb.path], environment: environment)
        #expect(exploded.status != 0)
        #expect(exploded.stderr.contains("expands"), "\(exploded.stderr)")

        // An entry that climbs out, a symbolic link, and a file that is not a zip at all.
        let climbing = folder.appending(path: "climbing.zip")
        try python(
            """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                z.writestr('bag/bagit.txt', 'BagIt-Version: 1.0\\nTag-File-Character-Encoding: UTF-8\\n')
                z.writestr('bag/../../escaped.txt', 'out')
            """, [climbing.path])
        let climbed = try heritage(["verify", "--bag", climbing.path], environment: environment)
        #expect(climbed.status != 0 && climbed.stderr.contains("leaves the bag"), "\(climbed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "escaped.txt").path))
        let linking = folder.appending(path: "linking.zip")
        try python(
            """
            import sys, zipfile, stat
            with zipfile.ZipFile(sys.argv[1], 'w') as z:
                z.writestr('bag/bagit.txt', 'BagIt-Version: 1.0\\nTag-File-Character-Encoding: UTF-8\\n')
                info = zipfile.ZipInfo('bag/data/passwd')
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                z.writestr(info, '/etc/passwd')
            """, [linking.path])
        let linked = try heritage(["verify", "--bag", linking.path], environment: environment)
        #expect(linked.status != 0 && linked.stderr.contains("symbolic link"), "\(linked.stderr)")
        let broken = folder.appending(path: "broken.zip")
        try Data("PK\u{3}\u{4} not really a zip".utf8).write(to: broken)
        let refused = try heritage(["verify", "--bag", broken.path], environment: environment)
        #expect(refused.status != 0 && refused.stderr.contains("broken.zip"), "\(refused.stderr)")

        // A symbolic link in a bag folder is an error too.
        try FileManager.default.createSymbolicLink(
            atPath: bag.appending(path: "data/passwd").path, withDestinationPath: "/etc/passwd")
        let folderLink = try heritage(["verify", "--bag", bag.path])
        #expect(folderLink.status != 0 && folderLink.stderr.contains("data/passwd: a symbolic link"))

        // Whatever happened, nothing was left in the temporary folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test func aHoleyBagExitsWithItsOwnCode() throws {
        let bag = try writeBag("holey")
        try FileManager.default.removeItem(at: bag.appending(path: "data/hello.txt"))
        try Data("https://example.org/hello.txt 6 data/hello.txt\n".utf8).write(to: bag.appending(path: "fetch.txt"))
        let run = try heritage(["verify", "--bag", bag.path])
        #expect(run.status == 3, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("INCOMPLETE") && run.stdout.contains("data/hello.txt"))
    }

    @Test func aKilledPackageNeverLeavesAPartialZipUnderItsName() throws {
        #expect(try heritage(["demo", "--into", archive, "--register-only"]).status == 0)
        // A bigger bag: a 24 MB scan.
        var ply = Data("ply\nformat binary_little_endian 1.0\nelement vertex 2000000\nproperty float x\n".utf8)
        ply.append(Data("property float y\nproperty float z\nend_header\n".utf8))
        var values = [Float](repeating: 0, count: 6_000_000)
        for index in values.indices { values[index] = Float(index % 9973) * 0.001 }
        values.withUnsafeBytes { ply.append(contentsOf: $0) }
        let scan = folder.appending(path: "big.ply")
        try ply.write(to: scan)
        #expect(try heritage(["import", "--archive", archive, "--site", "SY-PAL-BEL", scan.path]).status == 0)

        let packages = folder.appending(path: "packages")
        try FileManager.default.createDirectory(at: packages, withIntermediateDirectories: true)
        let out = packages.appending(path: "bel")
        for delay in [0.1, 0.3, 0.6, 1.0] {
            let running = try HeritageBinary.start([
                "package", "--archive", archive, "--site", "SY-PAL-BEL", "--unsigned", "--zip", "--out", out.path,
            ])
            Thread.sleep(forTimeInterval: delay)
            running.kill()
            _ = running.finish()
            // The zip is there whole, or not at all.
            if FileManager.default.fileExists(atPath: out.path + ".zip") {
                let check = try heritage(["verify", "--bag", out.path + ".zip"])
                #expect(check.status == 0, "a zip left by a kill at \(delay) s: \(check.stderr)")
            }
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(atPath: out.path + ".zip")
        }
        // The next run removes what the killed ones left and finishes.
        let finished = try heritage([
            "package", "--archive", archive, "--site", "SY-PAL-BEL", "--unsigned", "--zip", "--out", out.path,
        ])
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: packages.path).sorted() == ["bel", "bel.zip"])
        #expect(try heritage(["verify", "--bag", out.path + ".zip"]).status == 0)
    }
}
