import Foundation

/// Repeated failed sign-ins for a name slow down: after 5 in a row, each further attempt must
/// wait 2, 4, 8 … seconds (`firstDelay`, doubled each time; at most 15 minutes) and is answered
/// 429 until then. A success clears the name's count.
actor SignInThrottle {
    private var failures: [String: (count: Int, until: Date)] = [:]
    static let free = 5
    static let longestWait: TimeInterval = 15 * 60
    let firstDelay: TimeInterval

    init(firstDelay: TimeInterval = 2) { self.firstDelay = firstDelay }

    /// Seconds the name must still wait, or nil when it may try now.
    func wait(for name: String, now: Date = Date()) -> Int? {
        guard let entry = failures[name.lowercased()], entry.until > now else { return nil }
        return Int(entry.until.timeIntervalSince(now).rounded(.up))
    }

    func failed(_ name: String, now: Date = Date()) {
        let key = name.lowercased()
        let count = (failures[key]?.count ?? 0) + 1
        let delay = count < Self.free ? 0 : min(Self.longestWait, firstDelay * pow(2, Double(count - Self.free)))
        failures[key] = (count, now.addingTimeInterval(delay))
        if failures.count > 100_000 { failures = failures.filter { $0.value.until > now } }
    }

    func succeeded(_ name: String) {
        failures[name.lowercased()] = nil
    }
}
