import Foundation
import HeritageTestSupport
import Testing

/// docs/cli.md is generated from `--help`; it must say what the built binary says.
@Suite struct CLIReferenceTests {
    @Test func theCLIReferenceIsCurrent() throws {
        let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = [
            "python3", root.appending(path: "Tools/generate-cli-docs.py").path, HeritageBinary.url.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let generated = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let committed = try String(contentsOf: root.appending(path: "docs/cli.md"), encoding: .utf8)
        #expect(generated.contains("## heritage site near"))
        let firstDifference = zip(generated.split(separator: "\n"), committed.split(separator: "\n"))
            .first { $0.0 != $0.1 }
        let difference = firstDifference.map { "'\($0.1)' → '\($0.0)'" } ?? "in length"
        #expect(
            generated == committed,
            """
            docs/cli.md is stale: run python3 Tools/generate-cli-docs.py .build/debug/heritage > docs/cli.md \
            (first difference: \(difference))
            """)
    }
}
