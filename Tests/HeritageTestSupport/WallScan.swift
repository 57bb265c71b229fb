import Foundation

/// A flat wall 0.8 m square sampled every centimetre with ±0.5 mm noise, as a binary PLY; with
/// `pit`, a 20 cm square 3 cm deep is missing from it (loss). Two seeds give two epochs.
public func writeWallScan(_ name: String, pit: Bool, seed: UInt32, in folder: URL) throws -> URL {
    var state = seed
    func noise() -> Float {
        state = state &* 1_664_525 &+ 1_013_904_223
        return (Float(state >> 8) / Float(1 << 24) - 0.5) * 0.001
    }
    var values = [Float]()
    for row in 0..<80 {
        for column in 0..<80 {
            let x = Float(column) * 0.01 + 0.005
            let y = Float(row) * 0.01 + 0.005
            let inPit = pit && x > 0.3 && x < 0.5 && y > 0.3 && y < 0.5
            values += [x + noise(), y + noise(), (inPit ? -0.03 : 0) + noise()]
        }
    }
    var data = Data(
        "ply\nformat binary_little_endian 1.0\nelement vertex \(values.count / 3)\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
            .utf8)
    values.withUnsafeBytes { data.append(contentsOf: $0) }
    let url = folder.appending(path: name)
    try data.write(to: url)
    return url
}
