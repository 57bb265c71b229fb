import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `heritage` executable, as a user would.
public enum HeritageBinary {
    /// The executable beside the test bundle (both live in the build folder).
    public static var url: URL {
        let bundleFolder = URL(filePath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleFolder.appending(path: "heritage"),
            bundleFolder.deletingLastPathComponent().appending(path: "heritage"),
            Bundle.main.bundleURL.appending(path: "heritage"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `heritage` with `arguments` (and `input` on its standard input, if given) and
    /// returns its exit status and output.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws
        -> Result
    {
        let process = try start(arguments, environment: environment, input: input)
        return process.finish()
    }

    /// A started process whose output is collected on background threads (no pipe deadlock).
    public final class Running: @unchecked Sendable {
        let process: Process
        let out = Pipe()
        let err = Pipe()
        var outData = Data()
        var errData = Data()
        let group = DispatchGroup()

        init(_ process: Process) {
            self.process = process
        }

        /// Kills the process at once (SIGKILL), as a power cut or an OOM kill would.
        public func kill() {
            if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        }

        public func finish() -> Result {
            group.wait()
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                stderr: String(decoding: errData, as: UTF8.self))
        }
    }

    public static func start(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws
        -> Running
    {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["HERITAGE_ACTOR"] = env["HERITAGE_ACTOR"] ?? "cli-test"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let running = Running(process)
        process.standardOutput = running.out
        process.standardError = running.err
        let stdin = input.map { _ in Pipe() }
        if let stdin { process.standardInput = stdin }
        try process.run()
        if let stdin, let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        running.group.enter()
        DispatchQueue.global().async {
            running.outData = running.out.fileHandleForReading.readDataToEndOfFile()
            running.group.leave()
        }
        running.group.enter()
        DispatchQueue.global().async {
            running.errData = running.err.fileHandleForReading.readDataToEndOfFile()
            running.group.leave()
        }
        return running
    }
}
