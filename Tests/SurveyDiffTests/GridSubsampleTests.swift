import Testing

@testable import SurveyDiff

@Suite struct GridSubsampleTests {
    /// One point per occupied cube, the first in input order, every occupied cube kept, and the
    /// same answer each time.
    @Test func keepsTheFirstPointOfEveryOccupiedCube() throws {
        var state: UInt64 = 42
        func random() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var positions: [Double] = []
        for _ in 0..<20_000 { positions += [random() * 3 - 1, random() * 2, random() * 0.5 + 100] }
        let spacing = 0.25
        let kept = try GridSubsample.thin(positions, spacing: spacing)
        let low = (
            stride(from: 0, to: positions.count, by: 3).map { positions[$0] }.min()!,
            stride(from: 1, to: positions.count, by: 3).map { positions[$0] }.min()!,
            stride(from: 2, to: positions.count, by: 3).map { positions[$0] }.min()!
        )
        func cube(_ p: ArraySlice<Double>) -> [Int] {
            let p = Array(p)
            return [
                Int(((p[0] - low.0) / spacing).rounded(.down)), Int(((p[1] - low.1) / spacing).rounded(.down)),
                Int(((p[2] - low.2) / spacing).rounded(.down)),
            ]
        }
        var firstOfCube: [[Int]: [Double]] = [:]
        var order: [[Int]] = []
        for index in 0..<(positions.count / 3) {
            let point = positions[(3 * index)..<(3 * index + 3)]
            let key = cube(point)
            if firstOfCube[key] == nil {
                firstOfCube[key] = Array(point)
                order.append(key)
            }
        }
        #expect(kept == order.flatMap { firstOfCube[$0]! })
        #expect(kept.count / 3 == 12 * 8 * 2 && kept.count < positions.count)
        #expect(try GridSubsample.thin(positions, spacing: spacing) == kept)
        #expect(try GridSubsample.thin([], spacing: 1).isEmpty)
        #expect(throws: SurveyDiffError.self) { try GridSubsample.thin(positions, spacing: 0) }
        #expect(throws: SurveyDiffError.self) { try GridSubsample.thin(positions, spacing: .nan) }
        #expect(throws: SurveyDiffError.self) { try GridSubsample.thin([0, 0, 0, 1e12, 0, 0], spacing: 1e-6) }
    }
}
