import Foundation

/// A progress bar on standard error while a large file is read, when standard error is a
/// terminal: `reading scan.e57  [########------------]  41%  1.2 of 3.0 GB`. Redrawn at most
/// once a percent, cleared at the end of each file. Files under 64 MB read too fast to need it.
final class FileProgress: @unchecked Sendable {
    /// What the bar says it is doing: "reading", "reading and storing".
    let verb: String
    private let enabled: Bool
    private let lock = NSLock()
    private var shown: (file: String, percent: Int)?

    init(verb: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.verb = verb
        self.enabled = enabled
    }

    /// The line for `passed` of `total` bytes of `file`, as drawn (without the carriage return).
    static func line(verb: String, file: String, passed: Int64, total: Int64) -> String {
        let fraction = total > 0 ? min(1, Double(passed) / Double(total)) : 1
        let width = 20
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let unit: (divisor: Double, name: String) = total >= 1_000_000_000 ? (1e9, "GB") : (1e6, "MB")
        return String(
            format: "%@ %@  [%@] %3d%%  %.1f of %.1f %@", verb, file, bar, Int(fraction * 100),
            Double(passed) / unit.divisor, Double(total) / unit.divisor, unit.name)
    }

    func update(_ url: URL, passed: Int64, total: Int64) {
        guard enabled, total >= 64 << 20 else { return }
        let name = url.lastPathComponent
        let percent = Int(Double(passed) * 100 / Double(total))
        lock.lock()
        defer { lock.unlock() }
        if let shown, shown.file == name, shown.percent == percent { return }
        shown = (name, percent)
        let line = Self.line(verb: verb, file: name, passed: passed, total: total)
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        if passed >= total {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            self.shown = nil
        }
    }
}
