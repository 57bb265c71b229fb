import Foundation

/// Why a Python fixture could not be written: thrown, so the test that asked fails saying so.
public struct FixtureFailure: Error, CustomStringConvertible {
    public let description: String
}

/// Runs `script` (beside the calling test) with the tests' Python environment, `.build-bagit`,
/// which .ci/run makes, writing into a new temporary folder that the caller removes. Returns nil
/// when `modules` cannot be imported there (a skip, said on the console); under CI, where a skip
/// is a failure, that throws, as a failing script does.
public func pythonFixture(script: String, modules: [String], beside testFile: String = #filePath) throws -> URL? {
    let tests = URL(filePath: testFile).deletingLastPathComponent()
    let python = tests.deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: ".build-bagit/bin/python").path
    let names = modules.joined(separator: ", ")
    guard FileManager.default.isExecutableFile(atPath: python),
        (try? runProgram(python, ["-c", "import \(names)"]).0) == 0
    else {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            throw FixtureFailure(description: "\(names) missing from .build-bagit: .ci/run installs them")
        }
        print("skipped: \(script) needs \(names) in .build-bagit (.ci/run installs them)")
        return nil
    }
    let folder = try temporaryFolder()
    let (status, output) = try runProgram(python, [tests.appending(path: script).path, folder.path])
    guard status == 0 else {
        try? FileManager.default.removeItem(at: folder)
        throw FixtureFailure(description: "\(script) failed: \(output)")
    }
    return folder
}
