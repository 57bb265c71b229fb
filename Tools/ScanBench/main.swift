// Hashing throughput of the archive's blob code path, to compare with `openssl speed`.
//
//   swift run -c release scan-bench FILE [ROUNDS]
//
// Reads FILE ROUNDS times (default 5) through FileHashing.sha256 — the function `verify` and
// imports use — and prints the best throughput in MB/s (10^6 bytes per second).
import Foundation
import HeritageStore

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: scan-bench FILE [ROUNDS]\n".utf8))
    exit(2)
}
let url = URL(filePath: arguments[1])
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.doubleValue ?? 0
var best = Double.infinity
var digest = ""
for _ in 0..<rounds {
    let start = DispatchTime.now().uptimeNanoseconds
    digest = try FileHashing.sha256(of: url)
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
print(
    String(
        format: "sha256 %@ of %.1f MB: best of %d rounds %.3f s, %.0f MB/s", digest, size / 1e6, rounds, best,
        size / 1e6 / best))
