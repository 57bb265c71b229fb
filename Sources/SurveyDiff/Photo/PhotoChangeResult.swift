import ScanImport

/// What a photo comparison found, on the before image's pixel grid.
public struct PhotoChangeResult: Sendable {
    public let width: Int
    public let height: Int
    /// Pixels where both images have data.
    public let valid: [Bool]
    /// How many pixels are valid.
    public let comparedPixels: Int
    /// The smoothed colour difference (0…255) per pixel, NaN where there is no data.
    public let difference: [Float]
    /// Region id per pixel (1 = largest); 0 unchanged or no data.
    public let labels: [Int32]
    public let regions: [DamageRegion]
    public let threshold: Double
    public let thresholdDerived: Bool
    /// The noise in the smoothed difference where nothing changed: centre and standard
    /// deviation, estimated from its lower 40 %.
    public let noiseCentre: Double
    public let noiseSpread: Double
    /// Exposure match per channel (R, G, B).
    public let matches: [PhotoChange.ChannelMatch]
    /// `pixel grid` or `world files`.
    public let registration: String
    public let world: WorldFile?
    public let parameters: PhotoChange.Parameters
    /// The after image on the before grid (RGB), for the overlay.
    let after: [UInt8]

    /// Pixels in a kept region.
    public var changedPixels: Int { regions.reduce(0) { $0 + $1.pointCount } }
    public var noDataPixels: Int { valid.count - comparedPixels }
    /// Changed pixels as a share of the pixels both images cover (0…1).
    public var changedShare: Double { Double(changedPixels) / Double(max(comparedPixels, 1)) }

    /// The mask as an 8-bit grey PNG: 255 changed, 0 unchanged, 128 no data.
    public func maskPNG() throws(ScanImportError) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height)
        for index in 0..<pixels.count {
            pixels[index] = !valid[index] ? 128 : labels[index] > 0 ? 255 : 0
        }
        return try ImageDecoder.encodePNG(DecodedImage(width: width, height: height, channels: 1, pixels: pixels))
    }

    /// The after image dimmed to grey, changed pixels tinted red, each region boxed and
    /// numbered in yellow, no data hatched; a caption states the share and the threshold.
    public func overlayPNG() throws(ScanImportError) -> [UInt8] {
        let scale = max(1, min(width, height) / 400)
        let band = (BitmapFont.height + 4) * scale
        var image = RGBImage(width: width, height: height + band, background: SIMD3(255, 255, 255))
        for row in 0..<height {
            for column in 0..<width {
                let index = row * width + column
                let out = ((row + band) * width + column) * 3
                var colour: SIMD3<Double>
                if !valid[index] {
                    colour = (row + column) / 4 % 2 == 0 ? SIMD3(150, 150, 150) : SIMD3(190, 190, 190)
                } else {
                    let grey =
                        0.299 * Double(after[index * 3]) + 0.587 * Double(after[index * 3 + 1]) + 0.114
                        * Double(after[index * 3 + 2])
                    colour = SIMD3(repeating: 40 + 0.6 * grey)
                    if labels[index] > 0 { colour = 0.4 * colour + 0.6 * SIMD3(230, 25, 25) }
                }
                image.pixels[out] = UInt8(colour.x)
                image.pixels[out + 1] = UInt8(colour.y)
                image.pixels[out + 2] = UInt8(colour.z)
            }
        }
        let yellow = SIMD3<UInt8>(255, 210, 0)
        let boxes = pixelBoxes()
        for region in regions.prefix(99) {
            guard let box = boxes[region.id] else { continue }
            let line = max(1, scale)
            let x0 = box.lowerColumn - line
            let y0 = box.lowerRow - line + band
            let w = box.upperColumn - box.lowerColumn + 1 + 2 * line
            let h = box.upperRow - box.lowerRow + 1 + 2 * line
            image.fill(x: x0, y: y0, width: w, height: line, yellow)
            image.fill(x: x0, y: y0 + h - line, width: w, height: line, yellow)
            image.fill(x: x0, y: y0, width: line, height: h, yellow)
            image.fill(x: x0 + w - line, y: y0, width: line, height: h, yellow)
            let label = "\(region.id)"
            let labelY = max(band, y0 - (BitmapFont.height + 2) * scale)
            image.fill(
                x: x0, y: labelY, width: BitmapFont.width(of: label, scale: scale) + 2 * scale,
                height: (BitmapFont.height + 2) * scale, yellow)
            BitmapFont.draw(label, x: x0 + scale, y: labelY + scale, scale: scale, color: HeatMap.ink, on: &image)
        }
        let caption = String(
            format: "changed %.2f%% of compared pixels, %d region%@, threshold %.1f", changedShare * 100,
            regions.count, regions.count == 1 ? "" : "s", threshold)
        BitmapFont.draw(caption, x: 2 * scale, y: 2 * scale, scale: scale, color: HeatMap.ink, on: &image)
        return try ImageDecoder.encodePNG(
            DecodedImage(width: image.width, height: image.height, channels: 3, pixels: image.pixels))
    }

    /// Each region's bounding box in pixels, by id (one pass over the labels).
    private func pixelBoxes() -> [(lowerColumn: Int, lowerRow: Int, upperColumn: Int, upperRow: Int)?] {
        var boxes = [(lowerColumn: Int, lowerRow: Int, upperColumn: Int, upperRow: Int)?](
            repeating: nil, count: regions.count + 1)
        for index in 0..<labels.count where labels[index] > 0 {
            let id = Int(labels[index])
            let column = index % width
            let row = index / width
            if let b = boxes[id] {
                boxes[id] = (min(b.0, column), min(b.1, row), max(b.2, column), max(b.3, row))
            } else {
                boxes[id] = (column, row, column, row)
            }
        }
        return boxes
    }

    /// The JSON summary, in the same shape as a scan comparison's: pixels stand for points,
    /// the colour difference (0…255) for the distance, and regions have area but no volume.
    public func summary(inputs: [ComparisonInput], software: String, units: String) -> ComparisonSummary {
        let pixelSize = world.map { $0.pixelArea.squareRoot() } ?? 1
        let parameters = ComparisonParameters(
            normalRadii: nil, cylinderRadius: nil, cylinderHalfLength: nil, coreSelection: "every pixel",
            registrationError: nil, minimumPoints: nil, orientation: nil, orientationBasis: nil, statistic: nil,
            c2cModel: nil,
            changeThreshold: threshold,
            alignment: registration, maximumCorrespondenceDistance: nil,
            regionLinkDistance: pixelSize * 2.0.squareRoot(),
            regionMinimumPoints: self.parameters.minimumPixels, regionMinimumArea: self.parameters.minimumArea,
            derived: thresholdDerived ? ["changeThreshold"] : [], referenceSpacing: pixelSize)
        let distance = DistanceStatistics(distance: difference.map { Double($0) }, significant: labels.map { $0 > 0 })
        var caveats = [
            "Photographs show that the appearance changed, not whether material was lost or added, nor how deep: "
                + "regions have an area but no volume, and 'depth' is the colour difference (0-255).",
            "Exposure and white balance were matched per channel; changes of light and shadow between the "
                + "photographs (sun angle, wet surfaces, vegetation) can still read as change.",
        ]
        if registration == "pixel grid" {
            caveats.append(
                "The images were compared pixel by pixel as given: they must show the same view from the same "
                    + "position; a camera moved between them shows as change along every edge.")
        } else {
            caveats.append(
                "The orthophotos were placed by their world files; an error in either placement shows as change "
                    + "along edges. Areas are in square map units of the world files.")
        }
        if noDataPixels > 0 {
            caveats.append(
                "\(noDataPixels) pixels lie outside one of the images or are transparent: no data is not evidence of "
                    + "no change.")
        }
        var summary = ComparisonSummary(
            method: "photo", software: software, units: units, inputs: inputs, parameters: parameters,
            registration: nil, coreCount: width * height, significantCount: changedPixels, noDataCount: noDataPixels,
            distance: distance, regions: regions, caveats: caveats)
        summary.photo = PhotoComparisonFacts(
            width: width, height: height, comparedPixels: comparedPixels, changedPixels: changedPixels,
            changedShare: changedShare, pixelArea: world?.pixelArea ?? 1,
            smoothingRadius: self.parameters.smoothingRadius, exposureMatch: matches,
            noiseCentre: noiseCentre, noiseSpread: noiseSpread)
        return summary
    }
}

/// The parts of a photo comparison's summary that scans do not have.
public struct PhotoComparisonFacts: Sendable, Codable, Equatable {
    /// The before image's size, which the mask has.
    public var width: Int
    public var height: Int
    public var comparedPixels: Int
    public var changedPixels: Int
    /// changedPixels / comparedPixels.
    public var changedShare: Double
    /// Square map units per pixel (1 without world files).
    public var pixelArea: Double
    public var smoothingRadius: Int
    /// before ≈ gain × after + offset, for R, G and B.
    public var exposureMatch: [PhotoChange.ChannelMatch]
    /// The estimated noise of the smoothed colour difference: centre and standard deviation.
    public var noiseCentre: Double
    public var noiseSpread: Double
}
