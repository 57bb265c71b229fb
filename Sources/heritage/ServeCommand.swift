import ArgumentParser
import Foundation
import ServeOptions

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the archive to a team over HTTP: accounts, roles, the registry's API.",
        discussion: """
            Listens on 127.0.0.1:8080 unless told otherwise; put TLS in front (a reverse proxy,
            see docs/server.md) before listening beyond this machine, and pass --secure-cookies.
            People sign in with accounts made by `heritage user add`. SIGTERM or Ctrl-C stops
            accepting and finishes the requests in flight. The server is its own program,
            heritage-server, built beside heritage (`swift build -c release` builds both).

            Example:
              heritage serve --archive ./heritage-archive --port 8080
              curl -c jar -H 'Content-Type: application/json' \\
                -d '{"username":"lena","password":"…"}' http://127.0.0.1:8080/api/login
            """)

    @OptionGroup var options: ServeOptions

    func run() throws {
        // The server does not run on PostgreSQL yet: it must not serve the archive folder while
        // the user means the database.
        if let database = ProcessInfo.processInfo.environment["HERITAGE_DATABASE"], !database.isEmpty,
            options.archive == nil
        {
            throw ValidationError(
                "heritage serve does not run on a PostgreSQL registry yet, and $HERITAGE_DATABASE names one: "
                    + "give --archive, or unset HERITAGE_DATABASE")
        }
        try handOverToServer(options.arguments)
    }
}

/// Replaces this process with heritage-server (beside this binary) and `arguments`. The CLI
/// does not carry the HTTP stack: it would start 4 MiB larger, and comparisons with it.
func handOverToServer(_ arguments: [String]) throws -> Never {
    let own = URL(filePath: "/proc/self/exe").resolvingSymlinksInPath()
    let server = own.deletingLastPathComponent().appending(path: "heritage-server").path
    guard FileManager.default.isExecutableFile(atPath: server) else {
        throw ValidationError(
            "the server is the program heritage-server, which is not beside \(own.path): build it with "
                + "`swift build -c release` (which builds both) or `swift build -c release --product heritage-server`")
    }
    fflush(nil)  // what this process printed comes before what the server prints
    let argv = ([server] + arguments).map { strdup($0) } + [nil]
    execv(server, argv)
    throw ValidationError("cannot start \(server): \(String(cString: strerror(errno)))")
}
