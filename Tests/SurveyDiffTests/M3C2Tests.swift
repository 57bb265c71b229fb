import ScanImport
import Testing

@testable import SurveyDiff

@Suite struct M3C2Tests {
    /// PDAL's own filters.m3c2 test on the Autzen pair: distances 1.396, 0.670, 1.246 ft and
    /// 95 % levels of detection 0.275, 0.140, 0.226 ft, all significant.
    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func autzenMatchesPDAL() throws {
        let before = try ScanLoader.load(path: SharedData.path("lidar/autzen-bmx/autzen-bmx-2010.las"))
        let after = try ScanLoader.load(path: SharedData.path("lidar/autzen-bmx/autzen-bmx-2023.las"))
        let cores = try ScanLoader.load(path: SharedData.path("lidar/autzen-bmx/autzen-bmx-cores.txt"))
        #expect(cores.geometry.vertexCount == 3)
        // PDAL computes the mean; the robust default must agree here: the Autzen cylinders' points
        // beyond the outlier limit continue the terrain (no gap), so none is left out.
        for statistic in [M3C2Parameters.Statistic.mean, .robust] {
            let parameters = M3C2Parameters(
                normalRadii: [5.24414], cylinderRadius: 10.4882815, cylinderHalfLength: 2.763006, statistic: statistic)
            let result = try M3C2.compare(
                reference: PointCloud(before.geometry), compared: PointCloud(after.geometry),
                corePoints: PointCloud(cores.geometry), parameters: parameters)
            let expectedDistance = [1.396, 0.670, 1.246]
            let expectedLOD = [0.275, 0.140, 0.226]
            for (index, m) in result.measurements.enumerated() {
                #expect(abs(m.distance - expectedDistance[index]) <= 0.01, "\(statistic), core \(index + 1)")
                #expect(abs(m.levelOfDetection - expectedLOD[index]) <= 0.01, "\(statistic), core \(index + 1)")
                #expect(m.isSignificant)
            }
        }
    }
}

/// The robust statistic on one cylinder: a flat patch at z = 0 in both epochs (1.5 mm noise),
/// and in the compared epoch a share of the patch (the strip x < edge) recessed by 80 mm.
@Suite struct M3C2RobustStatisticTests {
    /// With `ramp`, the part x < edge slopes down (continuously, 0.5 m per m) instead of being
    /// recessed behind a step.
    static func patch(count: Int, recessedBelowX edge: Double, ramp: Bool = false, seed: UInt64) -> PointCloud {
        var random = SplitMix(seed: seed)
        var positions = [Double]()
        for _ in 0..<count {
            let x = random.uniform() * 0.2 - 0.1
            let y = random.uniform() * 0.2 - 0.1
            let depth = x >= edge ? 0 : (ramp ? 0.5 * (x - edge) : -0.08)
            positions += [x, y, depth + random.gaussian() * 0.0015]
        }
        return PointCloud(positions: positions)
    }

    static func measure(
        recessedBelowX edge: Double, ramp: Bool = false, _ statistic: M3C2Parameters.Statistic
    ) throws -> M3C2Measurement {
        let parameters = M3C2Parameters(
            normalRadii: [0.1], cylinderRadius: 0.05, cylinderHalfLength: 0.3, registrationError: 0.001,
            statistic: statistic)
        let result = try M3C2.compare(
            reference: patch(count: 4000, recessedBelowX: -1, seed: 11),
            compared: patch(count: 4000, recessedBelowX: edge, ramp: ramp, seed: 12),
            corePoints: PointCloud(positions: [0, 0, 0]), parameters: parameters)
        return result.measurements[0]
    }

    /// A slope is not a second surface: its points beyond the outlier limit continue the others
    /// without a gap, so all are kept and the result is the mean's.
    @Test func theTailOfASlopeIsKept() throws {
        let mean = try Self.measure(recessedBelowX: -0.02, ramp: true, .mean)
        let robust = try Self.measure(recessedBelowX: -0.02, ramp: true, .robust)
        #expect(mean.comparedSpread > 2 * mean.referenceSpread, "the spreads differ: the robust path is taken")
        #expect(robust.comparedCount == mean.comparedCount)
        #expect(abs(robust.distance - mean.distance) < 1e-6)
    }

    /// About 8 % of the cylinder lies in the recess: the mean moves by about 6 mm and calls the
    /// stable core point changed; the robust statistic leaves the recessed points out.
    @Test func aFewPointsOfASecondSurfaceAreLeftOut() throws {
        let mean = try Self.measure(recessedBelowX: -0.036, .mean)
        let robust = try Self.measure(recessedBelowX: -0.036, .robust)
        #expect(mean.isSignificant && mean.distance < -0.003, "mean \(mean.distance)")
        #expect(!robust.isSignificant && abs(robust.distance) < 0.001, "robust \(robust.distance)")
        #expect(robust.comparedCount < mean.comparedCount && robust.comparedSpread < 0.002)
        #expect(robust.referenceCount == mean.referenceCount)
    }

    /// About 40 % in the recess is a second surface, not outliers: every point is kept, and the
    /// result is the mean's (summed in another order: equal within a micrometre).
    @Test func aLargeShareIsASecondSurfaceAndKept() throws {
        let mean = try Self.measure(recessedBelowX: -0.01, .mean)
        let robust = try Self.measure(recessedBelowX: -0.01, .robust)
        #expect(robust.isSignificant && robust.distance < -0.02)
        #expect(robust.comparedCount == mean.comparedCount)
        #expect(abs(robust.distance - mean.distance) < 1e-6)
    }

    /// Where the epochs' spreads agree, the robust statistic is the mean, to the last bit.
    @Test func unmixedCylindersAreTheMean() throws {
        let mean = try Self.measure(recessedBelowX: -1, .mean)
        let robust = try Self.measure(recessedBelowX: -1, .robust)
        #expect(!robust.isSignificant)
        #expect(robust.distance == mean.distance && robust.levelOfDetection == mean.levelOfDetection)
    }
}
