import Foundation
import ScanImport

/// Orthographic heat maps of signed distances: one view along each principal axis of the
/// points, a diverging colour scale centred on zero (loss red, gain blue), points without data
/// in grey, and a legend with the scale's values and units.
public enum HeatMap {
    public struct View: Sendable {
        /// `front` (along the axis of least spread: the surface seen face on), `side`, `top`.
        public var name: String
        public var png: [UInt8]
    }

    public static let lossColor = SIMD3<Double>(178, 24, 43)
    public static let zeroColor = SIMD3<Double>(247, 247, 247)
    public static let gainColor = SIMD3<Double>(33, 102, 172)
    public static let noDataColor = SIMD3<UInt8>(140, 140, 140)
    static let background = SIMD3<UInt8>(255, 255, 255)
    static let ink = SIMD3<UInt8>(20, 20, 20)

    /// Renders the three views. `spacing` is the typical distance between neighbouring points
    /// (each point is drawn as a square that wide, so the surface has no holes).
    public static func render(
        points: PointCloud, distance: [Double], spacing: Double, units: String, title: String, size: Int = 900
    ) throws(ScanImportError) -> [View] {
        guard points.count > 0, let axes = principalAxes(points) else { return [] }
        let range = scaleRange(distance)
        let views = [
            ("front", axes.0, axes.2, axes.1), ("side", axes.1, axes.2, axes.0), ("top", axes.2, axes.1, axes.0),
        ]
        var images = [RGBImage?](repeating: nil, count: views.count)
        images.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            DispatchQueue.concurrentPerform(iterations: views.count) { which in
                let (name, viewAxis, horizontal, vertical) = views[which]
                out.value[which] = draw(
                    points, distance, range: range, spacing: spacing, view: viewAxis, u: horizontal, v: vertical,
                    size: size, units: units, title: "\(title) - \(name) view")
            }
        }
        var rendered = [View]()
        for (which, image) in images.enumerated() {
            guard let image else { continue }
            rendered.append(
                View(
                    name: views[which].0,
                    png: try ImageDecoder.encodePNG(
                        DecodedImage(width: image.width, height: image.height, channels: 3, pixels: image.pixels))))
        }
        return rendered
    }

    /// Unit axes of least, middle and most spread, each turned so its largest component is positive.
    static func principalAxes(_ points: PointCloud) -> (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)? {
        let step = max(1, points.count / 200_000)
        var accumulator = CovarianceAccumulator(origin: points.point(0))
        for index in stride(from: 0, to: points.count, by: step) {
            let p = points.point(index)
            if p.x.isFinite && p.y.isFinite && p.z.isFinite { accumulator.add(p.x, p.y, p.z) }
        }
        guard accumulator.count >= 3 else { return nil }
        let n = Double(accumulator.count)
        let mean = accumulator.sum / n
        let products = accumulator.products
        let covariance = [
            products.xx / n - mean.x * mean.x, products.xy / n - mean.x * mean.y, products.xz / n - mean.x * mean.z,
            products.xy / n - mean.x * mean.y, products.yy / n - mean.y * mean.y, products.yz / n - mean.y * mean.z,
            products.xz / n - mean.x * mean.z, products.yz / n - mean.y * mean.z, products.zz / n - mean.z * mean.z,
        ]
        let (_, vectors) = jacobiEigen(covariance, size: 3)
        func turned(_ v: [Double]) -> SIMD3<Double> {
            let axis = SIMD3(v[0], v[1], v[2])
            let largest =
                [abs(axis.x), abs(axis.y), abs(axis.z)].enumerated().max { $0.element < $1.element }?.offset ?? 0
            return axis[largest] < 0 ? -axis : axis
        }
        return (turned(vectors[0]), turned(vectors[1]), turned(vectors[2]))
    }

    /// Where the colour scale ends (±): the 99.5th percentile of |d|, so that damage (usually a
    /// small share of the surface) spans the colours and measurement noise stays near white.
    public static func scaleRange<Values: Collection>(_ distance: Values) -> Double
    where Values.Element: BinaryFloatingPoint {
        var magnitudes = [Double]()  // one array (filter then map would make two of 8 MB a million)
        magnitudes.reserveCapacity(distance.count)
        for value in distance where value.isFinite { magnitudes.append(abs(Double(value))) }
        return max(quantile(&magnitudes, 0.995) ?? 0, 1e-12)
    }

    /// The same for single-precision distances (a stored cloud's scalar field), in one pass
    /// over the buffer.
    public static func scaleRange(_ distance: [Float]) -> Double {
        var magnitudes = [Double]()
        magnitudes.reserveCapacity(distance.count)
        distance.withUnsafeBufferPointer { values in
            for value in values where value.isFinite { magnitudes.append(Double(abs(value))) }
        }
        return max(quantile(&magnitudes, 0.995) ?? 0, 1e-12)
    }

    /// The colour of a signed distance on the scale ending at ±`range` (loss red, gain blue).
    public static func color(_ value: Double, range: Double) -> SIMD3<UInt8> {
        let t = max(-1, min(1, value / range))
        let mixed = t < 0 ? zeroColor + (lossColor - zeroColor) * -t : zeroColor + (gainColor - zeroColor) * t
        return SIMD3(UInt8(mixed.x.rounded()), UInt8(mixed.y.rounded()), UInt8(mixed.z.rounded()))
    }

    static func label(_ value: Double) -> String { String(format: "%.3g", value) }

    static func draw(
        _ points: PointCloud, _ distance: [Double], range: Double, spacing: Double, view: SIMD3<Double>,
        u: SIMD3<Double>, v: SIMD3<Double>, size: Int, units: String, title: String
    ) -> RGBImage {
        var lowU = Double.infinity
        var highU = -Double.infinity
        var lowV = Double.infinity
        var highV = -Double.infinity
        for index in 0..<points.count {
            let p = points.point(index)
            guard p.x.isFinite && p.y.isFinite && p.z.isFinite else { continue }
            let a = dot(p, u)
            let b = dot(p, v)
            lowU = min(lowU, a)
            highU = max(highU, a)
            lowV = min(lowV, b)
            highV = max(highV, b)
        }
        let extent = max(highU - lowU, highV - lowV, 1e-12)
        let pixel = extent / Double(size)
        let plotWidth = max(1, Int(((highU - lowU) / pixel).rounded(.up)) + 1)
        let plotHeight = max(1, Int(((highV - lowV) / pixel).rounded(.up)) + 1)
        let margin = 20
        let header = 30
        let legend = 80
        let width = max(plotWidth + 2 * margin, 520)
        var image = RGBImage(width: width, height: plotHeight + header + legend + margin, background: background)
        BitmapFont.draw(title, x: margin, y: 8, scale: 2, color: ink, on: &image)
        let left = (width - plotWidth) / 2
        // Depth buffer: the point nearest the viewer (largest coordinate along `view`) wins.
        var depth = [Double](repeating: -.infinity, count: plotWidth * plotHeight)
        let half = max(0, Int((spacing / pixel / 2).rounded()))
        for index in 0..<points.count {
            let p = points.point(index)
            guard p.x.isFinite && p.y.isFinite && p.z.isFinite else { continue }
            let column = min(plotWidth - 1, max(0, Int(((dot(p, u) - lowU) / pixel).rounded())))
            let row = min(plotHeight - 1, max(0, Int(((highV - dot(p, v)) / pixel).rounded())))
            let d = dot(p, view)
            let value = distance[index]
            let shade = value.isFinite ? color(value, range: range) : noDataColor
            for y in max(0, row - half)...min(plotHeight - 1, row + half) {
                for x in max(0, column - half)...min(plotWidth - 1, column + half) where d > depth[y * plotWidth + x] {
                    depth[y * plotWidth + x] = d
                    image.fill(x: left + x, y: header + y, width: 1, height: 1, shade)
                }
            }
        }
        // Legend: the colour bar from −range to +range, its values, and the no-data swatch.
        let barTop = header + plotHeight + 16
        let barLeft = margin
        let barWidth = min(width - 2 * margin - 140, 600)
        for x in 0..<barWidth {
            let value = (Double(x) / Double(barWidth - 1) * 2 - 1) * range
            image.fill(x: barLeft + x, y: barTop, width: 1, height: 18, color(value, range: range))
        }
        let labels = [(0, "-" + label(range)), (barWidth / 2, "0"), (barWidth - 1, "+" + label(range))]
        for (x, text) in labels {
            image.fill(x: barLeft + x, y: barTop + 18, width: 1, height: 5, ink)
            let textWidth = BitmapFont.width(of: text, scale: 2)
            BitmapFont.draw(
                text, x: min(max(barLeft, barLeft + x - textWidth / 2), width - textWidth), y: barTop + 26, scale: 2,
                color: ink, on: &image)
        }
        BitmapFont.draw(
            "distance (\(units)): loss red, gain blue", x: barLeft, y: barTop + 46, scale: 2, color: ink, on: &image)
        let swatch = barLeft + barWidth + 20
        image.fill(x: swatch, y: barTop, width: 18, height: 18, noDataColor)
        BitmapFont.draw("no data", x: swatch + 24, y: barTop + 2, scale: 2, color: ink, on: &image)
        return image
    }
}
