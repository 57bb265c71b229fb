import ScanImport

/// Changed pixels grouped into 8-connected regions, largest first.
enum PixelRegions {
    struct Grouping {
        /// Region id per pixel (1 = largest), 0 outside every kept region.
        var labels: [Int32]
        var regions: [DamageRegion]
    }

    /// Regions with fewer than `minimumPixels` pixels or less than `minimumArea` (square map
    /// units with a world file, else pixels) are dropped. Positions are map coordinates with a
    /// world file, else (column, row) with the top-left pixel's centre at (0, 0).
    static func group(
        _ changed: [Bool], difference: [Float], width: Int, height: Int, world: WorldFile?, minimumPixels: Int,
        minimumArea: Double
    ) -> Grouping {
        var labels = [Int32](repeating: 0, count: changed.count)
        var components: [(pixels: [Int], area: Double)] = []
        var stack = [Int]()
        let pixelArea = world?.pixelArea ?? 1
        for seed in 0..<changed.count where changed[seed] && labels[seed] == 0 {
            let label = Int32(components.count + 1)
            var members = [Int]()
            labels[seed] = label
            stack.append(seed)
            while let index = stack.popLast() {
                members.append(index)
                let row = index / width
                let column = index % width
                for dy in -1...1 {
                    let y = row + dy
                    guard y >= 0, y < height else { continue }
                    for dx in -1...1 {
                        let x = column + dx
                        guard x >= 0, x < width else { continue }
                        let neighbour = y * width + x
                        if changed[neighbour] && labels[neighbour] == 0 {
                            labels[neighbour] = label
                            stack.append(neighbour)
                        }
                    }
                }
            }
            components.append((members, Double(members.count) * pixelArea))
        }
        let kept = components.filter { $0.pixels.count >= minimumPixels && $0.area >= minimumArea }
            .sorted { $0.pixels.count > $1.pixels.count }
        labels = [Int32](repeating: 0, count: changed.count)
        var regions = [DamageRegion]()
        for (offset, component) in kept.enumerated() {
            let id = offset + 1
            var sum = 0.0
            var largest = 0.0
            var centre = SIMD2<Double>(0, 0)
            var lower = SIMD2<Double>(repeating: .infinity)
            var upper = SIMD2<Double>(repeating: -.infinity)
            for index in component.pixels {
                labels[index] = Int32(id)
                let value = Double(difference[index])
                sum += value
                largest = max(largest, value)
                let column = Double(index % width)
                let row = Double(index / width)
                let position = world?.world(column: column, row: row) ?? SIMD2(column, row)
                centre += position
                lower = pointwiseMin(lower, position)
                upper = pointwiseMax(upper, position)
            }
            let count = Double(component.pixels.count)
            regions.append(
                DamageRegion(
                    id: id, pixelCount: component.pixels.count, area: component.area,
                    colourDifference: .init(mean: sum / count, max: largest),
                    centroid: [centre.x / count, centre.y / count], lower: [lower.x, lower.y],
                    upper: [upper.x, upper.y]))
        }
        return Grouping(labels: labels, regions: regions)
    }
}
