import Foundation
import HeritageTestSupport
import Testing

/// `heritage serve` hands over to heritage-server, which serves until SIGTERM and then stops
/// cleanly.
@Suite struct ServeCLITests {
    @Test func serveListensSignsInAndStopsOnSIGTERM() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = folder.appending(path: "archive").path
        #expect(try HeritageBinary.run(["init", "--archive", archive]).status == 0)
        try Self.addAccount("lena", role: "viewer", archive: archive)

        let (server, url) = try Self.serve(archive)
        defer { if server.isRunning { server.terminate() } }

        // Python's urllib as the client: sign in, then the session reads the registry.
        let script = """
            import http.cookiejar, json, sys, urllib.request
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            body = json.dumps({"username": "lena", "password": "correct horse battery"}).encode()
            request = urllib.request.Request(sys.argv[1] + "api/login", body, {"Content-Type": "application/json"})
            print(json.load(opener.open(request))["role"])
            print(json.load(opener.open(sys.argv[1] + "api/sites"))["count"])
            """
        let client = Process()
        client.executableURL = URL(filePath: "/usr/bin/env")
        client.arguments = ["python3", "-c", script, url]
        let answer = Pipe()
        client.standardOutput = answer
        try client.run()
        let printed = String(decoding: answer.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        client.waitUntilExit()
        #expect(printed == "viewer\n0\n", "\(printed)")

        server.terminate()  // SIGTERM
        let stopBy = Date().addingTimeInterval(20)
        while server.isRunning, Date() < stopBy { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!server.isRunning)
        #expect(server.terminationStatus == 0 && server.terminationReason == .exit)
    }

    /// Adds an account with the password "correct horse battery", given on standard input.
    static func addAccount(_ name: String, role: String, archive: String) throws {
        let add = Process()
        add.executableURL = HeritageBinary.url
        add.arguments = ["user", "add", name, "--role", role, "--password-stdin", "--archive", archive]
        let input = Pipe()
        add.standardInput = input
        add.standardOutput = FileHandle.nullDevice
        try add.run()
        input.fileHandleForWriting.write(Data("correct horse battery\n".utf8))
        try input.fileHandleForWriting.close()
        add.waitUntilExit()
        #expect(add.terminationStatus == 0, "user add \(name)")
    }

    /// Starts `heritage serve` on a port the system gives; returns it and its URL.
    static func serve(_ archive: String) throws -> (Process, String) {
        let server = Process()
        server.executableURL = HeritageBinary.url
        server.arguments = ["serve", "--archive", archive, "--port", "0"]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        // "Serving ARCHIVE at http://127.0.0.1:PORT/": the port the system gave.
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("/\n"), Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        let url = try #require(
            text.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(url.hasPrefix("http://127.0.0.1:"), "\(text)")
        return (server, url)
    }

    /// Sends the head of a 12 MB upload and 6 MB of its body over a raw socket, then hangs up
    /// (or, with `waitSeconds`, waits that long before hanging up).
    static func startUpload(url: String, token: String, waitSeconds: Double = 0) throws -> Process {
        let script = """
            import socket, sys, time, urllib.parse
            url = urllib.parse.urlparse(sys.argv[1])
            s = socket.create_connection((url.hostname, url.port))
            s.sendall(("POST /api/sites/UP-1/assets?filename=cut.ply HTTP/1.1\\r\\nHost: x\\r\\n"
                       "Authorization: Bearer " + sys.argv[2] + "\\r\\nContent-Length: 12000000\\r\\n\\r\\n").encode())
            s.sendall(b"ply\\n" + b"0" * 6000000)
            time.sleep(float(sys.argv[3]))
            s.close()
            """
        let client = Process()
        client.executableURL = URL(filePath: "/usr/bin/env")
        client.arguments = ["python3", "-c", script, url, token, String(waitSeconds)]
        try client.run()
        return client
    }

    /// An upload cut off by its client leaves no file and no row; one cut off by a killed
    /// server leaves its incoming file, which the next server removes when it starts.
    @Test func anInterruptedUploadLeavesNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = folder.appending(path: "archive").path
        #expect(try HeritageBinary.run(["init", "--archive", archive]).status == 0)
        #expect(
            try HeritageBinary.run([
                "site", "add", "--archive", archive, "--code", "UP-1", "--name", "Chapel", "--kind", "church",
                "--latitude", "34.5", "--longitude", "38.2",
            ]).status == 0)
        try Self.addAccount("sam", role: "surveyor", archive: archive)
        let token = try #require(
            try HeritageBinary.run(["user", "token", "sam", "--archive", archive]).stdout
                .split(separator: "\n").last.map(String.init))
        let incoming = URL(filePath: archive).appending(path: "objects/tmp")
        func incomingFiles() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: incoming.path)) ?? []).filter {
                $0.hasPrefix("incoming-")
            }
        }

        var (server, url) = try Self.serve(archive)
        defer { if server.isRunning { server.terminate() } }
        let hungUp = try Self.startUpload(url: url, token: token)
        hungUp.waitUntilExit()
        var deadline = Date().addingTimeInterval(20)
        while !incomingFiles().isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(incomingFiles().isEmpty)

        // The server is killed while a body is arriving: its incoming file stays behind.
        let slow = try Self.startUpload(url: url, token: token, waitSeconds: 30)
        deadline = Date().addingTimeInterval(20)
        while incomingFiles().isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(incomingFiles().count == 1)
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        slow.terminate()
        (server, url) = try Self.serve(archive)
        #expect(incomingFiles().isEmpty)
        let listed = try HeritageBinary.run(["asset", "list", "--site", "UP-1", "--archive", archive])
        #expect(!listed.stdout.contains("cut.ply"), "\(listed.stdout)")
        let verified = try HeritageBinary.run(["verify", "--archive", archive])
        #expect(verified.status == 0, "\(verified.stdout + verified.stderr)")
    }
}
