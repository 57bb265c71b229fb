import Foundation
import ScanImport
import Testing

/// Every input a fuzzer ever crashed on, replayed through its reader: each must now end in a
/// clear error (or a clean read), never a crash. File names start with the reader's name.
@Suite struct FuzzRegressionTests {
    static let folder = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "FuzzRegressions")

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test(arguments: inputs)
    func crashInputsNowFailCleanly(name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appending(path: name)))
        bytes.withUnsafeBytes { buffer in
            do throws(ScanImportError) {
                switch name.split(separator: "-").first {
                case "ply": _ = try PLYReader.read(buffer, file: name).geometry(file: name)
                case "obj": _ = try OBJReader.read(buffer, file: name)
                case "las": _ = try LASReader.read(buffer, file: name)
                default: _ = try PhotoReader.read(buffer, file: name)
                }
            } catch {
                #expect(error.location != .none || error.code == .unsupported, "\(error)")
            }
        }
    }

    @Test func aHugeDeclaredRecordCountIsRefusedBeforeAllocating() throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appending(path: "ply-huge-face-count.ply")))
        let error = bytes.withUnsafeBytes { buffer in
            #expect(throws: ScanImportError.self) { try PLYReader.read(buffer, file: "huge.ply") }
        }
        #expect(error?.code == .truncated)
        #expect(
            error?.message.hasPrefix(
                "element 'face' declares 107777777700 records of at least 6 bytes; only 1395 bytes remain") == true)
    }
}
