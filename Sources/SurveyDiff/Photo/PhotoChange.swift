import ScanImport

/// Change between two co-registered photographs: the same view at the same size, or two
/// orthophotos placed on the map by world files.
///
/// 1. The after image is brought onto the before image's pixel grid (identity for the same
///    size; through both world files, with bilinear sampling, for orthophotos). Pixels outside
///    either image, or transparent, are no data.
/// 2. Exposure and white balance are matched: per channel, a least-squares line from after to
///    before, refitted once without the pixels it fits worst (change must not set the match).
/// 3. The colour difference (RMS over R, G, B, 0…255) is averaged over a (2r+1)² window, so
///    JPEG noise and sub-pixel misregistration do not read as change.
/// 4. Pixels above the threshold (given, or the noise's centre plus 5 of its standard
///    deviations, both estimated from the lower 40 % of the smoothed differences, and at least 8),
///    in both the smoothed and their own difference, are changed; an opening (3×3 erosion then
///    dilation) removes lines and specks a pixel or two wide.
/// 5. Changed pixels are grouped into 8-connected regions; regions below the minimum pixels
///    or area are dropped, and only pixels in kept regions count as changed.
public enum PhotoChange {
    public struct Parameters: Sendable {
        /// Colour difference (0…255) counted as change; nil: derived from the images.
        public var threshold: Double?
        /// Half-width of the averaging window, in pixels.
        public var smoothingRadius = 2
        /// Regions with fewer pixels are dropped.
        public var minimumPixels = 64
        /// Regions with less area (square map units with world files, else pixels) are dropped.
        public var minimumArea = 0.0
        /// Match exposure and white balance before differencing.
        public var matchExposure = true

        public init() {}
    }

    /// Per-channel map from after to before values: before ≈ gain × after + offset.
    public struct ChannelMatch: Sendable, Codable, Equatable {
        public var gain: Double
        public var offset: Double
    }

    /// Compares `after` with `before`. With world files for both, the images may differ in
    /// size, extent and resolution; without, they must have the same size.
    public static func compare(
        before: DecodedImage, after: DecodedImage, beforeWorld: WorldFile? = nil, afterWorld: WorldFile? = nil,
        parameters: Parameters = Parameters()
    ) throws(SurveyDiffError) -> PhotoChangeResult {
        for (image, role) in [(before, "before"), (after, "after")] {
            guard image.width > 0, image.height > 0, image.channels == 3 || image.channels == 4,
                image.pixels.count == image.width * image.height * image.channels
            else {
                throw SurveyDiffError(.emptyInput, "the \(role) image has no pixels (or not 3 or 4 channels)")
            }
        }
        guard parameters.smoothingRadius >= 0, parameters.smoothingRadius <= 50 else {
            throw SurveyDiffError(.invalidParameter, "the smoothing radius must be 0…50 pixels")
        }
        if let threshold = parameters.threshold {
            guard threshold.isFinite, threshold > 0, threshold < 255 else {
                throw SurveyDiffError(.invalidParameter, "the photo threshold must be a colour difference in (0, 255)")
            }
        }
        guard parameters.minimumPixels >= 1, parameters.minimumArea >= 0, parameters.minimumArea.isFinite else {
            throw SurveyDiffError(.invalidParameter, "the minimum region size must be at least one pixel")
        }
        let registration: String
        let resampled: RGBPlane
        switch (beforeWorld, afterWorld) {
        case (nil, nil):
            guard before.width == after.width, before.height == after.height else {
                throw SurveyDiffError(
                    .mismatchedInputs,
                    "the images differ in size (\(before.width)×\(before.height) and \(after.width)×\(after.height)) and "
                        + "have no world files: co-register them first (the same view at the same size, or orthophotos "
                        + "with .jgw/.pgw/.wld world files)")
            }
            registration = "pixel grid"
            resampled = RGBPlane(after)
        case (let beforeWorld?, let afterWorld?):
            registration = "world files"
            resampled = RGBPlane(resampling: after, world: afterWorld, onto: before, world: beforeWorld)
        default:
            throw SurveyDiffError(
                .mismatchedInputs,
                "only the \(beforeWorld == nil ? "after" : "before") image has a world file: give both or neither")
        }
        let reference = RGBPlane(before)
        let valid = zip(reference.valid, resampled.valid).map { $0 && $1 }
        let compared = valid.lazy.filter { $0 }.count
        guard compared > 0 else {
            throw SurveyDiffError(.mismatchedInputs, "the images do not overlap: no pixel is in both")
        }
        let matches =
            parameters.matchExposure
            ? (0..<3).map { fitChannel(reference, resampled, valid: valid, channel: $0) }
            : Array(repeating: ChannelMatch(gain: 1, offset: 0), count: 3)
        let raw = colourDifference(reference, resampled, valid: valid, matches: matches)
        let smoothed = boxMean(
            raw, valid: valid, width: before.width, height: before.height, radius: parameters.smoothingRadius)

        // The noise is estimated from the lower 40 % of the smoothed differences, which stay
        // unchanged pixels as long as less than 60 % of the picture changed (a median and its
        // deviation break down at 50 %, and a destroyed building can fill half a photograph):
        // for normally distributed noise, σ = (q40 − q20) / 0.589 and the centre = q20 + 0.842 σ.
        var finite = smoothed.compactMap { $0.isFinite ? Double($0) : nil }
        let q20 = quantile(&finite, 0.2) ?? 0
        let q40 = quantile(&finite, 0.4) ?? 0
        let spread = (q40 - q20) / 0.589
        let centre = q20 + 0.842 * spread
        let threshold = parameters.threshold ?? max(8, centre + 5 * spread)

        // A pixel changed where the smoothed difference says so and its own difference agrees:
        // the smoothing finds the change, and the pixel's own value keeps the mask from spilling
        // a window's half-width past the change's edge.
        var changed = zip(smoothed, raw).map { smooth, own in
            smooth.isFinite && Double(smooth) > threshold && Double(own) > threshold
        }
        changed = open(changed, width: before.width, height: before.height)
        let grouping = PixelRegions.group(
            changed, difference: smoothed, width: before.width, height: before.height, world: beforeWorld,
            minimumPixels: parameters.minimumPixels, minimumArea: parameters.minimumArea)
        return PhotoChangeResult(
            width: before.width, height: before.height, valid: valid, comparedPixels: compared, difference: smoothed,
            labels: grouping.labels,
            regions: grouping.regions, threshold: threshold, thresholdDerived: parameters.threshold == nil,
            noiseCentre: centre, noiseSpread: spread, matches: matches, registration: registration,
            world: beforeWorld, parameters: parameters, after: resampled.pixels)
    }

    /// before ≈ gain × after + offset over the valid pixels (at most ~200,000 of them, evenly
    /// spaced). A consensus search first (lines through 300 pairs of pixels, drawn by a fixed
    /// sequence, each scored by the pixels within 4 grey levels of it) finds the line most pixels
    /// agree on; iteratively reweighted least squares with Tukey's biweight then refines it.
    /// Unchanged pixels agree on one line and changed ones scatter, so the match follows what did
    /// not change even when nearly half the view did.
    ///
    /// A gain outside 0.5…2 (more than a stop either way) is not an exposure change but a fit
    /// the content has spoiled (a flat before image regresses to gain 0 and would erase any
    /// change): the match then stays a pure shift.
    static func fitChannel(_ before: RGBPlane, _ after: RGBPlane, valid: [Bool], channel: Int) -> ChannelMatch {
        let step = max(1, valid.count / 200_000)
        var xs = [Double]()
        var ys = [Double]()
        for index in stride(from: 0, to: valid.count, by: step) where valid[index] {
            xs.append(Double(after.pixels[index * 3 + channel]))
            ys.append(Double(before.pixels[index * 3 + channel]))
        }
        guard !xs.isEmpty else { return ChannelMatch(gain: 1, offset: 0) }
        var differences = zip(xs, ys).map { $1 - $0 }
        let shift = ChannelMatch(gain: 1, offset: quantile(&differences, 0.5) ?? 0)
        // Consensus: the candidate line with the most pixels within 4 grey levels, scored on an
        // even subsample of at most 20,000.
        let scoreStep = max(1, xs.count / 20_000)
        func support(_ line: ChannelMatch) -> Int {
            var count = 0
            for i in stride(from: 0, to: xs.count, by: scoreStep)
            where abs(ys[i] - (line.gain * xs[i] + line.offset)) <= 4 {
                count += 1
            }
            return count
        }
        var match = shift
        var best = support(shift)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(channel + 1)
        func draw() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(xs.count))
        }
        for _ in 0..<300 {
            let i = draw()
            let j = draw()
            guard abs(xs[i] - xs[j]) >= 8 else { continue }
            let gain = (ys[i] - ys[j]) / (xs[i] - xs[j])
            guard (0.5...2.0).contains(gain) else { continue }
            let line = ChannelMatch(gain: gain, offset: ys[i] - gain * xs[i])
            let score = support(line)
            if score > best {
                best = score
                match = line
            }
        }
        var residuals = [Double](repeating: 0, count: xs.count)
        for _ in 0..<10 {
            for i in xs.indices { residuals[i] = abs(ys[i] - (match.gain * xs[i] + match.offset)) }
            var sorted = residuals
            // The scale never drops below half a grey level: 8-bit values are steps of 1.
            let scale = max(1.4826 * (quantile(&sorted, 0.5) ?? 0), 0.5)
            let cut = 4.685 * scale
            var (n, sx, sy, sxx, sxy) = (0.0, 0.0, 0.0, 0.0, 0.0)
            for i in xs.indices where residuals[i] < cut {
                let u = residuals[i] / cut
                let w = (1 - u * u) * (1 - u * u)
                n += w
                sx += w * xs[i]
                sy += w * ys[i]
                sxx += w * xs[i] * xs[i]
                sxy += w * xs[i] * ys[i]
            }
            guard n > 0 else { break }
            let variance = sxx - sx * sx / n
            // Without spread in the after values only a shift can be fitted.
            let gain = variance > 1e-9 * n ? (sxy - sx * sy / n) / variance : 1
            let fitted = ChannelMatch(gain: gain, offset: (sy - gain * sx) / n)
            let converged = abs(fitted.gain - match.gain) < 1e-4 && abs(fitted.offset - match.offset) < 1e-2
            match = fitted
            if converged { break }
        }
        return (0.5...2.0).contains(match.gain) ? match : shift
    }

    /// RMS over the channels of before − matched after, NaN where either has no data.
    static func colourDifference(_ before: RGBPlane, _ after: RGBPlane, valid: [Bool], matches: [ChannelMatch])
        -> [Float]
    {
        parallelArray(count: valid.count, repeating: Float.nan, minimumChunk: 65536) { range, out in
            for index in range where valid[index] {
                var sum = 0.0
                for channel in 0..<3 {
                    let x = Double(after.pixels[index * 3 + channel])
                    let y = Double(before.pixels[index * 3 + channel])
                    let d = y - (matches[channel].gain * x + matches[channel].offset)
                    sum += d * d
                }
                out[index] = Float((sum / 3).squareRoot())
            }
        }
    }

    /// The mean over the valid pixels of each (2r+1)² window (NaN where the centre has no
    /// data), by running sums along rows, then along columns.
    static func boxMean(_ values: [Float], valid: [Bool], width: Int, height: Int, radius: Int) -> [Float] {
        guard radius > 0 else { return values }
        var rowSums = [Float](repeating: 0, count: values.count)
        var rowCounts = [Float](repeating: 0, count: values.count)
        rowSums.withUnsafeMutableBufferPointer { sums in
            rowCounts.withUnsafeMutableBufferPointer { counts in
                let out = UncheckedSendable((sums, counts))
                parallelChunks(height, minimumChunk: 16) { rows in
                    for row in rows {
                        let base = row * width
                        var sum = 0.0
                        var count = 0.0
                        for column in 0..<min(radius, width) where valid[base + column] {
                            sum += Double(values[base + column])
                            count += 1
                        }
                        for column in 0..<width {
                            let entering = column + radius
                            if entering < width, valid[base + entering] {
                                sum += Double(values[base + entering])
                                count += 1
                            }
                            let leaving = column - radius - 1
                            if leaving >= 0, valid[base + leaving] {
                                sum -= Double(values[base + leaving])
                                count -= 1
                            }
                            out.value.0[base + column] = Float(sum)
                            out.value.1[base + column] = Float(count)
                        }
                    }
                }
            }
        }
        return columnMeans(rowSums, rowCounts, valid: valid, width: width, height: height, radius: radius)
    }

    private static func columnMeans(
        _ rowSums: [Float], _ rowCounts: [Float], valid: [Bool], width: Int, height: Int, radius: Int
    ) -> [Float] {
        var result = [Float](repeating: .nan, count: rowSums.count)
        result.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            parallelChunks(width, minimumChunk: 16) { columns in
                var sums = [Double](repeating: 0, count: columns.count)
                var counts = [Double](repeating: 0, count: columns.count)
                for row in 0..<(height + radius) {
                    let entering = row
                    if entering < height {
                        for (slot, column) in columns.enumerated() {
                            sums[slot] += Double(rowSums[entering * width + column])
                            counts[slot] += Double(rowCounts[entering * width + column])
                        }
                    }
                    let leaving = row - 2 * radius - 1
                    if leaving >= 0 {
                        for (slot, column) in columns.enumerated() {
                            sums[slot] -= Double(rowSums[leaving * width + column])
                            counts[slot] -= Double(rowCounts[leaving * width + column])
                        }
                    }
                    let centre = row - radius
                    guard centre >= 0 else { continue }
                    for (slot, column) in columns.enumerated() where valid[centre * width + column] {
                        out.value[centre * width + column] = Float(sums[slot] / max(counts[slot], 1))
                    }
                }
            }
        }
        return result
    }

    /// A 3×3 erosion followed by a 3×3 dilation.
    static func open(_ mask: [Bool], width: Int, height: Int) -> [Bool] {
        func filter(_ input: [Bool], keep: Bool) -> [Bool] {
            // keep == true: erosion (all 3×3 neighbours set); false: dilation (any set).
            parallelArray(count: input.count, repeating: false, minimumChunk: 65536) { range, out in
                for index in range {
                    let row = index / width
                    let column = index % width
                    var all = true
                    var any = false
                    for dy in -1...1 {
                        let y = row + dy
                        for dx in -1...1 {
                            let x = column + dx
                            let set = y >= 0 && y < height && x >= 0 && x < width && input[y * width + x]
                            all = all && set
                            any = any || set
                        }
                    }
                    out[index] = keep ? all : any
                }
            }
        }
        return filter(filter(mask, keep: true), keep: false)
    }
}

/// An image as packed RGB with a validity flag per pixel (alpha > 0, and inside the image).
struct RGBPlane {
    var pixels: [UInt8]
    var valid: [Bool]

    init(_ image: DecodedImage) {
        let count = image.width * image.height
        if image.channels == 3 {
            pixels = image.pixels
            valid = [Bool](repeating: true, count: count)
        } else {
            pixels = [UInt8](repeating: 0, count: count * 3)
            valid = [Bool](repeating: false, count: count)
            for index in 0..<count {
                pixels[index * 3] = image.pixels[index * 4]
                pixels[index * 3 + 1] = image.pixels[index * 4 + 1]
                pixels[index * 3 + 2] = image.pixels[index * 4 + 2]
                valid[index] = image.pixels[index * 4 + 3] > 0
            }
        }
    }

    /// `image` sampled bilinearly at the map position of each pixel of `target`.
    init(resampling image: DecodedImage, world source: WorldFile, onto target: DecodedImage, world: WorldFile) {
        let count = target.width * target.height
        let channels = image.channels
        var pixels = [UInt8](repeating: 0, count: count * 3)
        var valid = [Bool](repeating: false, count: count)
        pixels.withUnsafeMutableBufferPointer { pixelBuffer in
            valid.withUnsafeMutableBufferPointer { validBuffer in
                let out = UncheckedSendable((pixelBuffer, validBuffer))
                parallelChunks(target.height, minimumChunk: 8) { rows in
                    for row in rows {
                        for column in 0..<target.width {
                            let index = row * target.width + column
                            let place = world.world(column: Double(column), row: Double(row))
                            guard let p = source.pixel(place), p.x > -0.5, p.y > -0.5,
                                p.x < Double(image.width) - 0.5, p.y < Double(image.height) - 0.5
                            else { continue }
                            let x = min(max(p.x, 0), Double(image.width - 1))
                            let y = min(max(p.y, 0), Double(image.height - 1))
                            let x0 = Int(x)
                            let y0 = Int(y)
                            let x1 = min(x0 + 1, image.width - 1)
                            let y1 = min(y0 + 1, image.height - 1)
                            let fx = x - Double(x0)
                            let fy = y - Double(y0)
                            func at(_ px: Int, _ py: Int, _ channel: Int) -> Double {
                                Double(image.pixels[(py * image.width + px) * channels + channel])
                            }
                            if channels == 4 {
                                // Any transparent source pixel under the sample makes it no data.
                                guard at(x0, y0, 3) > 0, at(x1, y0, 3) > 0, at(x0, y1, 3) > 0, at(x1, y1, 3) > 0
                                else { continue }
                            }
                            for channel in 0..<3 {
                                let top = at(x0, y0, channel) * (1 - fx) + at(x1, y0, channel) * fx
                                let bottom = at(x0, y1, channel) * (1 - fx) + at(x1, y1, channel) * fx
                                out.value.0[index * 3 + channel] = UInt8(
                                    min(255, max(0, (top * (1 - fy) + bottom * fy).rounded())))
                            }
                            out.value.1[index] = true
                        }
                    }
                }
            }
        }
        self.pixels = pixels
        self.valid = valid
    }
}
