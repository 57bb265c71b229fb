import Foundation
import Testing

@testable import SurveyDiff

/// The k-d tree against brute force, on clouds that stress its construction: scanner-like
/// planes where one coordinate never changes, heavy duplication, and sorted input.
@Suite struct KDTreeTests {
    static func clouds() -> [(name: String, positions: [Double])] {
        var random = SplitMix(seed: 11)
        var scattered = [Double]()
        var planar = [Double]()
        var duplicated = [Double]()
        var sorted = [Double]()
        for index in 0..<20_000 {
            scattered += [random.uniform() * 10, random.uniform() * 3, random.uniform()]
            // A flat floor: z is the same everywhere (every split on z sees only equal keys).
            planar += [random.uniform() * 5, random.uniform() * 5, 1.25]
            // Forty distinct points, each five hundred times.
            let cell = Double(index % 40)
            duplicated += [cell, cell * 0.5, 2]
            // A scan line: x increasing.
            sorted += [Double(index) * 0.001, 0.5 * sin(Double(index) * 0.01), 0]
        }
        return [("scattered", scattered), ("planar", planar), ("duplicated", duplicated), ("sorted", sorted)]
    }

    @Test(arguments: clouds())
    func nearestAndRadiusMatchBruteForce(_ cloud: (name: String, positions: [Double])) {
        let tree = KDTree(positions: cloud.positions)
        #expect(tree.count == cloud.positions.count / 3)
        #expect(Set(tree.indices).count == tree.count, "\(cloud.name): every point once")
        var random = SplitMix(seed: 5)
        for _ in 0..<200 {
            let pick = Int(random.next() % UInt64(tree.count))
            let query =
                SIMD3(cloud.positions[3 * pick], cloud.positions[3 * pick + 1], cloud.positions[3 * pick + 2])
                + SIMD3(random.uniform() - 0.5, random.uniform() - 0.5, random.uniform() - 0.5) * 0.05
            var best = Double.infinity
            var within = 0
            for index in 0..<tree.count {
                let p = SIMD3(
                    cloud.positions[3 * index], cloud.positions[3 * index + 1], cloud.positions[3 * index + 2])
                let d = ((p - query) * (p - query)).sum()
                best = min(best, d)
                if d <= 0.01 { within += 1 }
            }
            let found = tree.nearest(to: query)
            #expect(found?.distanceSquared == best, "\(cloud.name)")
            var counted = 0
            tree.forEach(within: 0.1, of: query) { _, _ in counted += 1 }
            #expect(counted == within, "\(cloud.name): points within 0.1")
        }
    }

    @Test func selectPlacesTheMedianOnEveryAxis() {
        var random = SplitMix(seed: 3)
        for count in [2, 17, 500, 5_000, 40_000] {
            for axis in 0..<3 {
                // Few distinct values: equal keys are the hard case for a partition.
                let original = (0..<count).flatMap { _ in
                    [Double(random.next() % 7), random.uniform(), Double(random.next() % 2)]
                }
                var points = original
                var indices = (0..<count).map { Int32($0) }
                let k = count / 2
                points.withUnsafeMutableBufferPointer { points in
                    indices.withUnsafeMutableBufferPointer { indices in
                        KDTree.select(KDTree.BuildRecords(points: points, indices: indices), 0, count, k, axis)
                    }
                }
                let pivot = points[3 * k + axis]
                #expect((0..<k).allSatisfy { points[3 * $0 + axis] <= pivot }, "count \(count), axis \(axis)")
                #expect((k..<count).allSatisfy { points[3 * $0 + axis] >= pivot }, "count \(count), axis \(axis)")
                #expect(Set(indices).count == count)
                // Each point moved with its index.
                #expect(
                    (0..<count).allSatisfy { position in
                        let index = Int(indices[position])
                        return (0..<3).allSatisfy { points[3 * position + $0] == original[3 * index + $0] }
                    })
            }
        }
    }

    /// A tree keeping only some of its contents answers its queries exactly as a full one does,
    /// and reorders the array it is handed in place (it keeps the same storage).
    @Test func partialTreesAnswerLikeFullOnes() {
        let cloud = Self.clouds()[0].positions
        let full = KDTree(positions: cloud)
        let surface = KDTree(positions: cloud, keeping: .surface)
        let nearest = KDTree(positions: cloud, keeping: .points)
        let dropped = KDTree(positions: cloud).keeping(.surface)
        #expect(surface.answersSurfaceQueries && !nearest.answersSurfaceQueries)
        #expect(surface.points.isEmpty && surface.indices.isEmpty && nearest.indices.isEmpty)
        var random = SplitMix(seed: 8)
        for _ in 0..<100 {
            let query = SIMD3(random.uniform() * 10, random.uniform() * 3, random.uniform())
            let direction = SIMD3(random.uniform() - 0.5, random.uniform() - 0.5, random.uniform() - 0.5)
            let axis = direction / length(direction)
            for tree in [surface, dropped] {
                let a = full.cylinderMoments(center: query, axis: axis, radius: 0.2, halfLength: 0.3)
                let b = tree.cylinderMoments(center: query, axis: axis, radius: 0.2, halfLength: 0.3)
                #expect(a.count == b.count && a.count > 0)
                #expect(a.sum == b.sum)
                #expect(a.sumSquares == b.sumSquares)
                let plane = full.plane(at: query, radius: 0.3)
                #expect(plane != nil && plane?.normal == tree.plane(at: query, radius: 0.3)?.normal)
            }
            #expect(full.nearest(to: query)?.distanceSquared == nearest.nearest(to: query)?.distanceSquared)
        }
        let handed = cloud.map { $0 }
        let before = handed.withUnsafeBufferPointer { $0.baseAddress }
        let tree = KDTree(positions: consume handed, keeping: .points)
        #expect(tree.points.withUnsafeBufferPointer { $0.baseAddress } == before, "no copy was made")
    }

    /// A tree keeping node moments and points but no Float leaf offsets answers sphere-plane
    /// queries from its points: the same neighbours, the same plane to within Float rounding.
    @Test func momentsWithoutOffsetsGiveTheSamePlanes() {
        let cloud = Self.clouds()[1].positions  // the flat floor, with noise added below
        var random = SplitMix(seed: 21)
        let noisy = cloud.enumerated().map {
            $0.offset % 3 == 2 ? $0.element + (random.uniform() - 0.5) * 0.01 : $0.element
        }
        let full = KDTree(positions: noisy)
        let lean = KDTree(positions: noisy, keeping: [.points, .moments])
        let dropped = KDTree(positions: noisy).keeping([.points, .moments])
        #expect(lean.answersSpherePlaneQueries && !lean.answersSurfaceQueries && lean.moments.count > 0)
        #expect(dropped.answersSpherePlaneQueries && !dropped.answersSurfaceQueries && dropped.leafOffsets.isEmpty)
        #expect(!KDTree(positions: noisy, keeping: .points).answersSpherePlaneQueries)
        for _ in 0..<200 {
            let query = SIMD3(random.uniform() * 5, random.uniform() * 5, 1.25)
            let a = full.plane(at: query, radius: 0.2)
            for tree in [lean, dropped] {
                let b = tree.plane(at: query, radius: 0.2)
                #expect(a?.neighbourCount == b?.neighbourCount && (a?.neighbourCount ?? 0) > 3)
                if let a, let b { #expect(abs(abs(dot(a.normal, b.normal)) - 1) < 1e-9) }
            }
        }
    }

    /// Normals asked in input order, a block at a time, are the cloud's normals; positions come
    /// back through the map (inverted in place when every point is in the tree), and a
    /// non-finite point reads NaN for both.
    @Test(arguments: [false, true])
    func normalsInInputOrderMatchTheWholeComputation(withNaN: Bool) {
        // A wavy surface with noise: 20,000 points over 5 m × 5 m.
        var random = SplitMix(seed: 5)
        var cloud = [Double]()
        for _ in 0..<20_000 {
            let (x, y) = (random.uniform() * 5, random.uniform() * 5)
            cloud += [x, y, 0.2 * sin(x) + (random.uniform() - 0.5) * 0.002]
        }
        if withNaN { cloud[3 * 17_000 + 1] = .nan }
        let count = cloud.count / 3
        let whole = NormalEstimation.normals(
            of: PointCloud(positions: cloud), in: KDTree(positions: cloud), neighbourhood: .radius(0.3),
            orientation: .axis(SIMD3(0, 0, 1)))
        var streamed = NormalsInInputOrder(
            tree: KDTree(positions: cloud, keeping: [.points, .indices, .moments], leafSize: 128), count: count,
            neighbourhood: .radius(0.3), orientation: .axis(SIMD3(0, 0, 1)))
        var largest: Float = 0
        for index in 0..<count where !withNaN || index != 17_000 {
            #expect(streamed.position(index) == SIMD3(cloud[3 * index], cloud[3 * index + 1], cloud[3 * index + 2]))
            let n = streamed.normal(index)
            let m = SIMD3(whole[3 * index], whole[3 * index + 1], whole[3 * index + 2])
            if n.x.isNaN && m.x.isNaN { continue }
            largest = max(largest, Swift.abs(n.x - m.x), Swift.abs(n.y - m.y), Swift.abs(n.z - m.z))
        }
        #expect(largest < 1e-4)
        #expect(streamed.position(17_000).x.isNaN == withNaN && streamed.normal(17_000).x.isNaN == withNaN)
        #expect(count > 16_384)  // more than one block
    }

    @Test func permutationsInvertInPlace() {
        var random = SplitMix(seed: 3)
        for count in [0, 1, 2, 7, 1000] {
            var permutation = (0..<count).map { Int32($0) }
            for index in stride(from: count - 1, to: 0, by: -1) {
                permutation.swapAt(index, Int(random.uniform() * Double(index + 1)) % (index + 1))
            }
            var inverse = permutation
            invertPermutationInPlace(&inverse)
            #expect((0..<count).allSatisfy { inverse[Int(permutation[$0])] == Int32($0) })
        }
    }

    /// Tree-ordered values go back to input order, for values and x, y, z triples.
    @Test func scatteringByTheTreesIndicesRestoresInputOrder() {
        let (_, cloud) = Self.clouds()[0]
        let tree = KDTree(positions: cloud, keeping: [.points, .indices])
        #expect(tree.points != cloud)
        #expect(scattered(tree.points, by: tree.indices, width: 3) == cloud)
        let inputIndices = (0..<tree.count).map { tree.inputIndex($0) }
        #expect(scattered(inputIndices, by: tree.indices) == Array(0..<tree.count))
        #expect(scattered([7.5], by: [0]) == [7.5])
    }

    /// The Morton order M3C2 visits core points in: every finite point once, flat clouds and
    /// non-finite points included, neighbours near each other.
    @Test func mortonOrderIsAPermutationOfTheFinitePoints() {
        for (name, cloud) in Self.clouds() {
            let order = mortonOrder(PointCloud(positions: cloud))
            #expect(order.count == cloud.count / 3 && Set(order).count == order.count, "\(name)")
        }
        let withHoles = PointCloud(positions: [0, 0, 0, .nan, 1, 1, 2, 2, 2, 5, 5, 5])
        #expect(Set(mortonOrder(withHoles)) == [0, 2, 3])
        #expect(mortonOrder(PointCloud(positions: [1, 2, 3])) == [0])
        // A 100 × 100 grid: consecutive points in the order are mostly neighbours.
        var grid = [Double]()
        for y in 0..<100 { for x in 0..<100 { grid += [Double(x), Double(y), 0] } }
        let order = mortonOrder(PointCloud(positions: grid))
        var near = 0
        for slot in 1..<order.count {
            let a = Int(order[slot - 1])
            let b = Int(order[slot])
            let step: Int = abs(a % 100 - b % 100) + abs(a / 100 - b / 100)
            if step <= 2 { near += 1 }
        }
        #expect(Double(near) / Double(order.count - 1) > 0.7)
    }
}

/// Core points by spacing: the packed table chooses exactly what a dictionary of cells does.
@Suite struct CorePointSpacingTests {
    @Test func packedCellsChooseAsADictionaryDoes() {
        var random = SplitMix(seed: 21)
        var positions = [Double]()
        for index in 0..<60_000 {
            // Repeated points too: ties keep the first.
            if index % 50 == 0 && index > 0 {
                positions += positions[(positions.count - 3)...]
                continue
            }
            positions += [random.uniform() * 4, random.uniform() * 2, random.uniform() * 0.3]
        }
        positions += [.nan, 1, 1]
        let cloud = PointCloud(positions: positions)
        for spacing in [0.01, 0.05, 0.3] {
            let packed = CorePointSelection.subsample(cloud, spacing: spacing)
            let dictionary = CorePointSelection.subsample(cloud, spacing: spacing, packed: false)
            #expect(packed.positions == dictionary.positions, "spacing \(spacing)")
            #expect(packed.count > 0)
        }
    }
}
