import Testing

@testable import SurveyDiff

/// The façade at a tenth of the benchmark's density (100,000 points per epoch).
@Suite struct FacadeTests {
    static let before = SyntheticFacade.epoch(count: 100_000, after: false, seed: 1)
    static let after = SyntheticFacade.epoch(count: 100_000, after: true, seed: 2)

    /// The benchmark's criteria (Tools/bench-diff.sh checks them at full density with the
    /// benchmark's radii); here the cylinder is wider to hold as many points at a tenth of the density.
    /// Next to the block's edge, where a cylinder straddles the change, the mean reads part of the
    /// 80 mm step; the robust statistic leaves those points out where they are a minority, the
    /// median follows the majority. Fewer stable points flagged there, and the block itself is
    /// still found: its depth unchanged, its core points flagged.
    @Test func m3c2RobustStatisticFlagsFewerPointsBesideAnEdge() throws {
        let cores = try CorePointSelection.spacing(0.05).corePoints(of: Self.before.cloud)
        func besideTheBlock(_ statistic: M3C2Parameters.Statistic) throws -> (
            flagged: Int, recall: Double, block: Double
        ) {
            let parameters = M3C2Parameters(
                normalRadii: [0.15], cylinderRadius: 0.08, cylinderHalfLength: 0.30, registrationError: 0.001,
                statistic: statistic)
            let result = try M3C2.compare(
                reference: Self.before.cloud, compared: Self.after.cloud, corePoints: cores, parameters: parameters)
            var flagged = 0
            var inBlock = 0
            var inBlockFlagged = 0
            var block = [Double]()
            for (index, m) in result.measurements.enumerated() where m.hasData {
                let p = cores.point(index)
                let truth = SyntheticFacade.change(p.x, p.y)
                let besideBlock = p.x > 6.5 - 0.08 && p.x < 7.1 + 0.08 && p.y > 1.0 - 0.08 && p.y < 1.4 + 0.08
                if abs(truth) < 1e-4 && besideBlock && m.isSignificant { flagged += 1 }
                if truth < -0.07 {
                    inBlock += 1
                    if m.isSignificant { inBlockFlagged += 1 }
                }
                if truth < -0.07 && p.x > 6.6 && p.x < 7.0 && p.y > 1.1 && p.y < 1.3 { block.append(m.distance) }
            }
            block.sort()
            return (flagged, Double(inBlockFlagged) / Double(inBlock), block[block.count / 2])
        }
        let mean = try besideTheBlock(.mean)
        let robust = try besideTheBlock(.robust)
        let median = try besideTheBlock(.median)
        #expect(mean.flagged > 0, "the mean flags stable points whose cylinder reaches into the block")
        // The robust statistic keeps a group of more than a quarter of a cylinder's points as a
        // second surface, so stable points very near the edge stay flagged: a third fewer or better.
        #expect(robust.flagged * 3 <= mean.flagged * 2, "robust \(robust.flagged), mean \(mean.flagged)")
        #expect(median.flagged * 2 <= mean.flagged, "median \(median.flagged), mean \(mean.flagged)")
        #expect(mean.recall == 1 && robust.recall >= 0.99, "block recall: robust \(robust.recall)")
        for statistic in [mean, robust, median] { #expect(abs(statistic.block + 0.079) <= 0.002) }
    }

    /// The level of detection is the paper's 1.96·(sqrt(σ1²/n1 + σ2²/n2) + registration error),
    /// recomputed here from each measurement's own counts and spreads.
    @Test func levelOfDetectionFollowsThePaper() throws {
        let cores = try CorePointSelection.spacing(0.5).corePoints(of: Self.before.cloud)
        let parameters = M3C2Parameters(
            normalRadii: [0.15], cylinderRadius: 0.08, cylinderHalfLength: 0.30, registrationError: 0.004,
            statistic: .mean)
        let result = try M3C2.compare(
            reference: Self.before.cloud, compared: Self.after.cloud, corePoints: cores, parameters: parameters)
        var checked = 0
        for m in result.measurements where m.hasData {
            let n1 = Double(m.referenceCount)
            let n2 = Double(m.comparedCount)
            let spread = (m.referenceSpread * m.referenceSpread / n1 + m.comparedSpread * m.comparedSpread / n2)
            // The spreads are kept as Float: equal to a few parts in ten million.
            #expect(abs(m.levelOfDetection - 1.96 * (spread.squareRoot() + 0.004)) < 1e-6 * m.levelOfDetection)
            #expect(m.levelOfDetection > 1.96 * 0.004)
            checked += 1
        }
        #expect(checked > 50)
    }

    @Test func m3c2FlagsTheDamageAndNotTheStableWall() throws {
        let cores = try CorePointSelection.spacing(0.05).corePoints(of: Self.before.cloud)
        let parameters = M3C2Parameters(
            normalRadii: [0.15], cylinderRadius: 0.08, cylinderHalfLength: 0.30, registrationError: 0.001)
        let result = try M3C2.compare(
            reference: Self.before.cloud, compared: Self.after.cloud, corePoints: cores, parameters: parameters)
        var stable = 0
        var stableFlagged = 0
        var moved = 0
        var movedFlagged = 0
        var block = [Double]()
        var noData = 0
        for (index, m) in result.measurements.enumerated() {
            let p = cores.point(index)
            let truth = SyntheticFacade.change(p.x, p.y)
            guard m.hasData else {
                noData += 1
                continue
            }
            // Every stable point counts, those beside the block too.
            if abs(truth) < 1e-4 {
                stable += 1
                if m.isSignificant { stableFlagged += 1 }
            }
            if abs(truth) > 0.005 {
                moved += 1
                if m.isSignificant { movedFlagged += 1 }
            }
            if truth < -0.07 && p.x > 6.6 && p.x < 7.0 && p.y > 1.1 && p.y < 1.3 { block.append(m.distance) }
        }
        block.sort()
        #expect(Double(noData) / Double(cores.count) < 0.001, "only cylinders at the façade's edge may lack points")
        #expect(Double(stableFlagged) / Double(stable) <= 0.0015)
        #expect(Double(movedFlagged) / Double(moved) >= 0.99)
        #expect(abs(block[block.count / 2] + 0.079) <= 0.002)

        let regions = try DamageRegions.find(
            corePoints: cores, distance: result.measurements.map(\.distance),
            significant: result.measurements.map(\.isSignificant))
        let losses = regions.regions.filter { $0.kind == .loss }
        #expect(losses.count == 2, "the block and the dent, got \(regions.regions.count) regions")
        // The block is the larger volume: 0.6 × 0.4 × 0.08 = 0.0192 m³.
        let blockRegion = try #require(losses.first)
        #expect(abs(blockRegion.volume - SyntheticFacade.blockVolume) <= 0.1 * SyntheticFacade.blockVolume)
        #expect(abs(blockRegion.centroid[0] - 6.8) < 0.05 && abs(blockRegion.centroid[1] - 1.2) < 0.05)
    }

    @Test func noChangeGivesNoRegion() throws {
        let again = SyntheticFacade.epoch(count: 100_000, after: false, seed: 3)
        let cores = try CorePointSelection.spacing(0.1).corePoints(of: Self.before.cloud)
        let result = try M3C2.compare(
            reference: Self.before.cloud, compared: again.cloud, corePoints: cores,
            parameters: M3C2Parameters(normalRadii: [0.10], cylinderRadius: 0.05, cylinderHalfLength: 0.30))
        let regions = try DamageRegions.find(
            corePoints: cores, distance: result.measurements.map(\.distance),
            significant: result.measurements.map(\.isSignificant))
        #expect(regions.regions.isEmpty)
    }

    @Test func icpRecoversAKnownMotionDespiteTheDamage() throws {
        let truth = RigidTransform(
            axis: SIMD3(0.3, 0.5, 0.8), angle: 0.5 * .pi / 180, translation: SIMD3(0.02, -0.015, 0.01))
        let moved = Self.after.cloud.transformed(by: truth)
        let tree = KDTree(positions: Self.before.cloud.positions)
        let (found, report) = try ICP.align(
            source: moved, target: Self.before.cloud, targetTree: tree,
            parameters: ICPParameters(metric: .pointToPlane, maximumCorrespondenceDistance: 0.2, sampleCount: 10_000))
        let error = found.after(truth)
        #expect(error.angleDegrees < 0.03, "rotation error \(error.angleDegrees)°")
        #expect(length(error.translation) < 0.002, "translation error \(length(error.translation))")
        #expect(report.rms < report.rmsBefore)
        #expect(report.excludedAsChange > 0, "the dent and the block are left out")

        // Point-to-point converges slowly on independently sampled, noisy epochs (the peers'
        // figures are 0.23-0.39°); it must still improve on the start.
        let (coarse, _) = try ICP.align(
            source: moved, target: Self.before.cloud, targetTree: tree,
            parameters: ICPParameters(
                metric: .pointToPoint, maximumCorrespondenceDistance: 0.2, maximumIterations: 20, sampleCount: 5_000))
        #expect(coarse.after(truth).angleDegrees < 0.5 && length(coarse.after(truth).translation) < 0.02)
    }

    /// The target's own normals are read by input index from a tree that took its positions
    /// over, with a non-finite point left out of the tree and normals that are NaN (fitted
    /// instead) or zero (used as given, so that pair adds nothing): the motion is still found.
    @Test func icpReadsGivenNormalsByInputIndex() throws {
        let truth = RigidTransform(
            axis: SIMD3(0.3, 0.5, 0.8), angle: 0.5 * .pi / 180, translation: SIMD3(0.02, -0.015, 0.01))
        let moved = Self.after.cloud.transformed(by: truth)
        // The wall's own normals, in input order, as a file would give them.
        var normals = NormalEstimation.normals(
            of: Self.before.cloud, in: KDTree(positions: Self.before.cloud.positions), neighbourhood: .nearest(16),
            orientation: .axis(SIMD3(0, 0, 1)))
        for index in stride(from: 0, to: normals.count / 3, by: 7) { normals[3 * index] = .nan }
        (normals[3 * 20], normals[3 * 20 + 1], normals[3 * 20 + 2]) = (0, 0, 0)
        var target = Self.before.cloud.positions
        target[3 * 10] = .nan
        let tree = KDTree(positions: consume target, keeping: [.points, .indices])
        #expect(tree.count == Self.before.cloud.count - 1)
        let (found, report) = try ICP.align(
            source: moved, targetNormals: normals, targetTree: tree,
            parameters: ICPParameters(metric: .pointToPlane, maximumCorrespondenceDistance: 0.2, sampleCount: 10_000))
        let error = found.after(truth)
        #expect(error.angleDegrees < 0.03 && length(error.translation) < 0.002, "\(error.angleDegrees)°")
        #expect(report.rms < report.rmsBefore)
    }

    @Test func c2cNearestNeighbourAndLocalPlane() throws {
        let tree = KDTree(positions: Self.before.cloud.positions)
        let nearest = try C2C.distances(
            from: Self.after.cloud, to: tree, model: .nearestNeighbour, orientation: .axis(SIMD3(0, 0, 1)))
        let plane = try C2C.distances(
            from: Self.after.cloud, to: tree, model: .localPlane(neighbours: 6), orientation: .axis(SIMD3(0, 0, 1)))
        var blockPlane = [Double]()
        for index in 0..<Self.after.cloud.count where Self.after.truth[index] < -0.07 {
            let p = Self.after.cloud.point(index)
            if p.x > 6.6 && p.x < 7.0 && p.y > 1.1 && p.y < 1.3 {
                blockPlane.append(plane[index])
                #expect(nearest[index] > 0.05)
            }
        }
        blockPlane.sort()
        // Signed: the block lies behind the reference surface.
        #expect(abs(blockPlane[blockPlane.count / 2] + 0.079) < 0.004)
    }

    /// A whole C2C comparison measures in the compared points' tree order and puts everything
    /// back: the result is in input order, point for point, as if measured in place; with a
    /// non-finite point (no tree order then), that point is kept and reads no data.
    @Test(arguments: [false, true])
    func c2cComparisonKeepsTheInputOrder(withNaN: Bool) throws {
        var after = Self.after.cloud
        if withNaN { after.positions[3 * 500] = .nan }
        var options = ComparisonOptions()
        options.method = .c2c
        let result = try SurveyComparison.run(before: Self.before.cloud, after: after, options: options)
        #expect(result.points.positions.elementsEqual(after.positions) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        let direct = try C2C.distances(
            from: after, to: KDTree(positions: Self.before.cloud.positions), model: .nearestNeighbour,
            orientation: .axis(SIMD3(0, 0, 1)))
        #expect(result.distance.elementsEqual(direct) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(result.distance[500].isNaN == withNaN && result.statistics.noData == (withNaN ? 1 : 0))
        let threshold = try #require(result.parameters.changeThreshold)
        #expect(result.significant == direct.map { $0.isFinite && abs($0) > threshold })
        // Labels sit on significant points, and the block's points carry the largest region's.
        #expect(result.regions.labels.indices.allSatisfy { result.regions.labels[$0] == 0 || result.significant[$0] })
        var blockLabels = [Int32: Int]()
        for index in 0..<after.count where Self.after.truth[index] < -0.07 && index != 500 {
            blockLabels[result.regions.labels[index], default: 0] += 1
        }
        #expect(blockLabels.max { $0.value < $1.value }?.key == 1)
    }
}

@Suite struct C2MTests {
    /// A grid mesh of the "before" surface; the "after" points' signed distances follow the truth.
    @Test func signedDistanceToTheFacadeMesh() throws {
        let columns = 101
        let rows = 51
        var positions = [Double]()
        for row in 0..<rows {
            for column in 0..<columns {
                let x = 10 * Double(column) / Double(columns - 1)
                let y = 5 * Double(row) / Double(rows - 1)
                positions += [x, y, SyntheticFacade.heightBefore(x, y)]
            }
        }
        var triangles = [UInt32]()
        for row in 0..<(rows - 1) {
            for column in 0..<(columns - 1) {
                let a = UInt32(row * columns + column)
                let b = a + 1
                let c = a + UInt32(columns)
                let d = c + 1
                triangles += [a, b, d, a, d, c]  // counter-clockwise seen from +z
            }
        }
        let mesh = TriangleBVH(positions: positions, triangles: triangles)
        #expect(mesh.triangleCount == 2 * 100 * 50)
        let after = SyntheticFacade.epoch(count: 20_000, after: true, seed: 9)
        let distances = try C2M.distances(from: after.cloud, to: mesh)
        var block = [Double]()
        for index in 0..<after.cloud.count {
            let p = after.cloud.point(index)
            if p.x > 6.6 && p.x < 7.0 && p.y > 1.1 && p.y < 1.3 { block.append(distances[index]) }
        }
        block.sort()
        // A 10 cm grid flattens the carving a little: a few millimetres.
        #expect(abs(block[block.count / 2] + 0.080) < 0.006)

        // Exact against brute force on a sample of points.
        for index in stride(from: 0, to: 2_000, by: 97) {
            let p = after.cloud.point(index)
            var best = Double.infinity
            for t in 0..<(triangles.count / 3) {
                func v(_ i: UInt32) -> SIMD3<Double> {
                    SIMD3(positions[3 * Int(i)], positions[3 * Int(i) + 1], positions[3 * Int(i) + 2])
                }
                let q = closestPointOnTriangle(p, v(triangles[3 * t]), v(triangles[3 * t + 1]), v(triangles[3 * t + 2]))
                best = min(best, length(p - q))
            }
            #expect(abs(abs(distances[index]) - best) < 1e-12)
        }
    }
}
