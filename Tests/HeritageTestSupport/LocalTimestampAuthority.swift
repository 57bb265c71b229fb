import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An RFC 3161 time-stamping authority on 127.0.0.1 for tests: a test CA and a TSA certificate
/// made with openssl, and a small Python HTTP server answering each query with
/// `openssl ts -reply`. No network beyond loopback.
public final class LocalTimestampAuthority: @unchecked Sendable {
    public let folder: URL
    public let url: URL
    /// The CA certificate (PEM) to trust, and the TSA's own.
    public var caCertificate: URL { folder.appending(path: "ca.pem") }
    public var tsaCertificate: URL { folder.appending(path: "tsa.pem") }
    private var serverID: Int32?

    /// Why a local authority could not be started (openssl or python3 missing), for a skip message.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameter key: `rsa` (RSA 2048, as most public authorities) or `ec` (P-256).
    public init(key: String = "rsa") throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "heritage-tsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let newKey = key == "ec" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] : ["-newkey", "rsa:2048"]
        try Self.openssl(
            ["req", "-x509"] + newKey + [
                "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", "/CN=Heritage Test Root CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], in: folder)
        try Self.openssl(
            ["req"] + newKey + ["-nodes", "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=Heritage Test TSA"],
            in: folder)
        try """
        basicConstraints=CA:FALSE
        extendedKeyUsage=critical,timeStamping
        keyUsage=critical,digitalSignature
        subjectKeyIdentifier=hash
        authorityKeyIdentifier=keyid

        """.write(to: folder.appending(path: "tsa.ext"), atomically: true, encoding: .utf8)
        try Self.openssl(
            [
                "x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "tsa.pem", "-days", "3650", "-extfile", "tsa.ext",
            ], in: folder)
        try "01\n".write(to: folder.appending(path: "serial"), atomically: true, encoding: .utf8)
        try """
        [ tsa ]
        default_tsa = tsa_config1
        [ tsa_config1 ]
        dir = \(folder.path)
        serial = $dir/serial
        crypto_device = builtin
        signer_cert = $dir/tsa.pem
        certs = $dir/ca.pem
        signer_key = $dir/tsa.key
        signer_digest = sha256
        default_policy = 1.2.3.4.1
        digests = sha256, sha384, sha512
        accuracy = secs:1
        ordering = no
        tsa_name = yes
        ess_cert_id_chain = no
        ess_cert_id_alg = sha256

        """.write(to: folder.appending(path: "ts.cnf"), atomically: true, encoding: .utf8)
        let script = """
            import http.server, subprocess, sys, os, tempfile
            # Tests run in parallel: a pipe another test's process writes to may have been
            # inherited here, and its reader would wait for this server to end.
            os.closerange(3, 4096)
            folder = sys.argv[1]
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                    with tempfile.TemporaryDirectory() as scratch:
                        query = os.path.join(scratch, 'q.tsq'); reply = os.path.join(scratch, 'r.tsr')
                        open(query, 'wb').write(body)
                        done = subprocess.run(['openssl', 'ts', '-reply', '-config', os.path.join(folder, 'ts.cnf'),
                                               '-queryfile', query, '-out', reply], capture_output=True)
                        if done.returncode != 0:
                            self.send_response(500); self.end_headers(); return
                        data = open(reply, 'rb').read()
                    self.send_response(200)
                    self.send_header('Content-Type', 'application/timestamp-reply')
                    self.send_header('Content-Length', str(len(data)))
                    self.end_headers(); self.wfile.write(data)
                def log_message(self, *args): pass
            # The test stops this server by the process id written here; should the test die
            # first, the server ends itself once the test's folder is gone.
            def watch():
                import time
                while os.path.isdir(folder): time.sleep(1)
                os._exit(0)
            import threading
            threading.Thread(target=watch, daemon=True).start()
            server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
            open(os.path.join(folder, 'pid'), 'w').write(str(os.getpid()))
            open(os.path.join(folder, 'port'), 'w').write(str(server.server_address[1]))
            server.serve_forever()
            """
        try script.write(to: folder.appending(path: "tsa.py"), atomically: true, encoding: .utf8)
        // Detached from the test process (its own session, no inherited output), so no pipe of a
        // test waits on it; it is stopped by its process id.
        let started = try Self.run(
            "/bin/sh",
            [
                "-c",
                "setsid python3 tsa.py \"$PWD\" </dev/null >/dev/null 2>&1 &",
            ], in: folder)
        guard started.status == 0 else {
            throw Unavailable(description: "the local time-stamping server did not start: \(started.output)")
        }
        let portFile = folder.appending(path: "port")
        var port: String?
        for _ in 0..<200 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), !text.isEmpty {
                port = text
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        serverID = (try? String(contentsOf: folder.appending(path: "pid"), encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard let port, let url = URL(string: "http://127.0.0.1:\(port)/tsa") else {
            if let serverID { kill(serverID, SIGTERM) }
            throw Unavailable(description: "the local time-stamping server did not start (python3?)")
        }
        self.url = url
    }

    deinit {
        if let serverID { kill(serverID, SIGTERM) }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs openssl in `folder`; throws ``Unavailable`` with its output when it fails.
    @discardableResult
    public static func openssl(_ arguments: [String], in folder: URL) throws -> String {
        let result = try run("/usr/bin/env", ["openssl"] + arguments, in: folder)
        guard result.status == 0 else {
            throw Unavailable(description: "openssl \(arguments.first ?? "") failed: \(result.output)")
        }
        return result.output
    }

    /// ``runProgram(_:_:in:)``, a program that cannot start being ``Unavailable``.
    static func run(_ executable: String, _ arguments: [String], in folder: URL) throws -> (
        status: Int32, output: String
    ) {
        do {
            return try runProgram(executable, arguments, in: folder)
        } catch {
            throw Unavailable(description: "\(executable) cannot run: \(error)")
        }
    }
}

/// Runs a program to its end, in `folder` if given, reading its output (stdout and stderr
/// together) on another thread so that a full pipe never stalls it.
public func runProgram(_ executable: String, _ arguments: [String], in folder: URL? = nil) throws -> (
    status: Int32, output: String
) {
    let process = Process()
    process.executableURL = URL(filePath: executable)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    let output = OutputBox()
    let group = DispatchGroup()
    try process.run()
    group.enter()
    DispatchQueue.global().async {
        output.data = pipe.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    group.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output.data, as: UTF8.self))
}

private final class OutputBox: @unchecked Sendable {
    var data = Data()
}
