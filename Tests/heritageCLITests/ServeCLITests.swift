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
        let add = Process()
        add.executableURL = HeritageBinary.url
        add.arguments = ["user", "add", "lena", "--role", "viewer", "--password-stdin", "--archive", archive]
        let input = Pipe()
        add.standardInput = input
        add.standardOutput = FileHandle.nullDevice
        try add.run()
        input.fileHandleForWriting.write(Data("correct horse battery\n".utf8))
        try input.fileHandleForWriting.close()
        add.waitUntilExit()
        #expect(add.terminationStatus == 0)

        let server = Process()
        server.executableURL = HeritageBinary.url
        server.arguments = ["serve", "--archive", archive, "--port", "0"]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
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
}
