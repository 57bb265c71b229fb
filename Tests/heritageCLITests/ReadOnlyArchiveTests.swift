import Foundation
import HeritageTestSupport
import Testing

/// Evidentiary copies live on write-once media: every read command works on an archive that
/// is mounted read-only, and every change is refused with a message that says why.
@Suite struct ReadOnlyArchiveTests {
    /// Runs a command, returning its status (nil when the command itself could not run).
    static func system(_ arguments: [String]) -> Int32? {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func readCommandsWorkOnAReadOnlyMount() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appending(path: "archive").path
        #expect(try HeritageBinary.run(["demo", "--into", source, "--register-only"]).status == 0)
        let scan = folder.appending(path: "wall.obj")
        try "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n".write(to: scan, atomically: true, encoding: .utf8)
        #expect(try HeritageBinary.run(["import", "--archive", source, "--site", "SY-PAL-BEL", scan.path]).status == 0)

        // A read-only bind mount: what a write-once medium looks like, even to root.
        let mounted = folder.appending(path: "read-only").path
        try FileManager.default.createDirectory(atPath: mounted, withIntermediateDirectories: true)
        guard Self.system(["mount", "--bind", source, mounted]) == 0 else {
            print("skipped: cannot bind-mount here (needs root and mount(8)); read-only archives untested")
            return
        }
        defer { _ = Self.system(["umount", mounted]) }
        guard Self.system(["mount", "-o", "remount,bind,ro", mounted]) == 0 else {
            print("skipped: cannot remount read-only here; read-only archives untested")
            return
        }
        #expect(!FileManager.default.isWritableFile(atPath: mounted))

        let out = folder.appending(path: "out")
        let reads: [[String]] = [
            ["site", "list"], ["site", "show", "SY-PAL-BEL"], ["site", "search", "Bel"], ["verify"], ["audit"],
            ["audit", "--json", "--limit", "3"], ["asset", "list", "--site", "SY-PAL-BEL"],
            ["condition", "history", "SY-PAL-BEL"], ["site", "export", "--format", "geojson"],
            ["report", "--site", "SY-PAL-BEL", "--out", out.appending(path: "report").path],
            ["package", "--site", "SY-PAL-BEL", "--unsigned", "--zip", "--out", out.appending(path: "bag").path],
        ]
        for command in reads {
            let run = try HeritageBinary.run(command + ["--archive", mounted])
            #expect(run.status == 0, "\(command): \(run.stderr)")
        }
        let bag = try HeritageBinary.run(["verify", "--bag", out.appending(path: "bag").path])
        #expect(bag.status == 0, "\(bag.stdout)\(bag.stderr)")

        let write = try HeritageBinary.run([
            "site", "add", "--archive", mounted, "--code", "XX-NEW", "--name", "New", "--kind", "other", "--latitude",
            "1", "--longitude", "2",
        ])
        #expect(write.status != 0)
        #expect(write.stderr.contains("read-only storage"), "\(write.stderr)")
        let importing = try HeritageBinary.run(["import", "--archive", mounted, "--site", "SY-PAL-BEL", scan.path])
        #expect(importing.status != 0 && importing.stderr.contains("read-only storage"), "\(importing.stderr)")
        // Nothing was left beside the registry.
        let names = try FileManager.default.contentsOfDirectory(atPath: source).sorted()
        #expect(!names.contains { $0.hasSuffix("-shm") || $0.hasSuffix("-wal") }, "\(names)")
    }
}
