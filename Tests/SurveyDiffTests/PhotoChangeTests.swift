import Foundation
import ScanImport
import Testing

@testable import SurveyDiff

/// Photo change masks on a real camera photograph (a Nikon COOLPIX JPEG from ../shared/data),
/// made into an "after" image by changing exposure and white balance, painting a patch of
/// rubble of known extent and encoding it as JPEG again.
@Suite struct PhotoChangeTests {
    /// The real photo at half size (320×240): small enough for a debug build.
    static func realPhoto() throws -> DecodedImage {
        let path = SharedData.path("photos/gps/DSCN0010.jpg")
        let bytes = try [UInt8](Data(contentsOf: URL(filePath: path)))
        return try bytes.withUnsafeBytes { try ImageDecoder.decode($0, format: .jpeg, file: path, scale: 2) }
    }

    /// `image` with exposure changed per channel, a rubble patch over `patch` (columns, rows),
    /// through a JPEG round trip at `quality`.
    static func after(
        _ image: DecodedImage, patch: (columns: Range<Int>, rows: Range<Int>)?, quality: Int = 85,
        base: SIMD3<Double> = SIMD3(120, 105, 85)
    ) throws -> DecodedImage {
        var pixels = image.pixels
        let gains = [0.82, 0.86, 0.9]
        let offsets = [14.0, 10.0, 6.0]
        for index in 0..<(image.width * image.height) {
            for channel in 0..<3 {
                let value = Double(pixels[index * 3 + channel]) * gains[channel] + offsets[channel]
                pixels[index * 3 + channel] = UInt8(min(255, max(0, value.rounded())))
            }
        }
        if let patch {
            var random = SplitMix(seed: 7)
            for row in patch.rows {
                for column in patch.columns {
                    // Grey-brown rubble with its own texture, unlike anything in the photo's place.
                    let grain = Double(random.next() % 60)
                    let index = (row * image.width + column) * 3
                    pixels[index] = UInt8(base.x + grain)
                    pixels[index + 1] = UInt8(base.y + grain)
                    pixels[index + 2] = UInt8(base.z + grain * 0.8)
                }
            }
        }
        let jpeg = try ImageDecoder.encodeJPEG(
            DecodedImage(width: image.width, height: image.height, channels: 3, pixels: pixels), quality: quality)
        return try jpeg.withUnsafeBytes { try ImageDecoder.decode($0, format: .jpeg, file: "after.jpg") }
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func aPaintedPatchIsFoundWhereItIsAndNothingElse() throws {
        let before = try Self.realPhoto()
        let patch = (columns: 150..<210, rows: 60..<110)
        let result = try PhotoChange.compare(before: before, after: try Self.after(before, patch: patch))
        #expect(result.regions.count == 1, "regions: \(result.regions)")
        let region = try #require(result.regions.first)
        // The patch is 60×50 = 3000 pixels; the mask follows its edges to within a few per cent.
        #expect(abs(Double(region.pointCount) - 3000) / 3000 < 0.04, "region pixels \(region.pointCount)")
        #expect(abs(region.centroid[0] - 179.5) < 2 && abs(region.centroid[1] - 84.5) < 2, "\(region.centroid)")
        #expect(region.lower[0] >= 146 && region.upper[0] <= 213 && region.lower[1] >= 56 && region.upper[1] <= 113)
        #expect(region.kind == .change && region.volume == 0)
        let truthShare = 3000.0 / Double(before.width * before.height)
        #expect(abs(result.changedShare - truthShare) / truthShare < 0.04, "share \(result.changedShare)")
        // The exposure match undid the change of exposure (before ≈ gain × after + offset).
        #expect(abs(result.matches[0].gain - 1 / 0.82) < 0.05, "\(result.matches)")
        // Inside the patch, hardly a pixel is missed; outside, none is flagged.
        var missed = 0
        var falseAlarms = 0
        for row in 0..<before.height {
            for column in 0..<before.width {
                let inside = patch.columns.contains(column) && patch.rows.contains(row)
                let flagged = result.labels[row * before.width + column] > 0
                if inside && !flagged { missed += 1 }
                if !inside && flagged && !(146..<214).contains(column) { falseAlarms += 1 }
            }
        }
        #expect(missed < 150, "missed \(missed) of 3000")
        #expect(falseAlarms == 0)
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func exposureAndRecompressionAloneAreNoChange() throws {
        let before = try Self.realPhoto()
        let result = try PhotoChange.compare(before: before, after: try Self.after(before, patch: nil, quality: 70))
        #expect(result.regions.isEmpty, "\(result.regions)")
        #expect(result.changedShare == 0)
        #expect(result.thresholdDerived && result.threshold >= 8)
        // Without the exposure match the same pair is mostly "changed": the match is what keeps it quiet.
        var raw = PhotoChange.Parameters()
        raw.matchExposure = false
        raw.threshold = 8
        let unmatched = try PhotoChange.compare(
            before: before, after: try Self.after(before, patch: nil, quality: 70), parameters: raw)
        #expect(unmatched.changedShare > 0.2, "unmatched share \(unmatched.changedShare)")
    }

    /// A destroyed building can fill much of a photograph: with 45 % of the view changed (a
    /// median of the differences would already sit at the change's edge), the noise is estimated
    /// from the unchanged rest and the change is found whole. Beyond half the view the exposure
    /// match would take the change for the picture; docs/limits.md says so.
    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func aChangeFillingMostOfTheViewIsFound() throws {
        let before = try Self.realPhoto()
        let patch = (columns: 0..<before.width, rows: 0..<Int(Double(before.height) * 0.45))
        // Magenta rubble: grey-brown would match parts of this scene's own colours.
        let result = try PhotoChange.compare(
            before: before, after: try Self.after(before, patch: patch, base: SIMD3(190, 10, 170)))
        let truth = Double(patch.columns.count * patch.rows.count) / Double(before.width * before.height)
        #expect(abs(result.changedShare - truth) < 0.02, "share \(result.changedShare), truth \(truth)")
        #expect(result.regions.count == 1)
    }

    /// A flat before image gives a least-squares exposure gain of 0, which would erase any
    /// change; the match falls back to a shift and the change is found.
    /// A flat grey 40×40 image, and the same with a bright 30×20 patch.
    static func flatAndPatched() -> (DecodedImage, DecodedImage) {
        let flat = DecodedImage(
            width: 40, height: 40, channels: 3, pixels: [UInt8](repeating: 120, count: 40 * 40 * 3))
        var changed = flat
        for row in 10..<30 {
            for column in 5..<35 {
                changed.pixels.replaceSubrange(
                    (row * 40 + column) * 3..<(row * 40 + column) * 3 + 3, with: [250, 240, 230])
            }
        }
        return (flat, changed)
    }

    @Test func aFlatBeforeImageDoesNotHideTheChange() throws {
        let (flat, changed) = Self.flatAndPatched()
        var parameters = PhotoChange.Parameters()
        parameters.minimumPixels = 10
        let result = try PhotoChange.compare(before: flat, after: changed, parameters: parameters)
        #expect(result.matches.allSatisfy { $0.gain == 1 }, "\(result.matches)")
        #expect(result.changedPixels == 20 * 30, "\(result.changedPixels)")
    }

    /// A photo region is written with its colour difference, never as a depth or a volume; a
    /// summary written before schema v9 (colour difference in meanDepth and maxDepth) still
    /// reads, as a colour difference.
    @Test func photoRegionsWriteAColourDifferenceNotADepth() throws {
        let (flat, changed) = Self.flatAndPatched()
        var parameters = PhotoChange.Parameters()
        parameters.minimumPixels = 10
        let region = try #require(
            PhotoChange.compare(before: flat, after: changed, parameters: parameters).regions.first)
        let difference = try #require(region.colourDifference)
        #expect(difference.mean > 100 && difference.max >= difference.mean)
        let written = try #require(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(region)) as? [String: Any])
        #expect(written["meanDepth"] == nil && written["maxDepth"] == nil && written["volume"] == nil)
        #expect((written["colourDifference"] as? [String: Double])?["mean"] == difference.mean)
        #expect(try JSONDecoder().decode(DamageRegion.self, from: JSONEncoder().encode(region)) == region)

        let legacy =
            #"{"id":1,"kind":"change","pointCount":600,"area":600,"volume":0,"meanDepth":70.5,"#
            + #""maxDepth":93.5,"centroid":[19.5,19.5],"lower":[5,10],"upper":[34,29]}"#
        let read = try JSONDecoder().decode(DamageRegion.self, from: Data(legacy.utf8))
        #expect(read.colourDifference == .init(mean: 70.5, max: 93.5))
        #expect(read.meanDepth == 0 && read.maxDepth == 0 && read.volume == 0)
        let loss =
            #"{"id":1,"kind":"loss","pointCount":6,"area":2,"volume":0.5,"meanDepth":0.2,"#
            + #""maxDepth":0.3,"centroid":[0,0,0],"lower":[0,0,0],"upper":[1,1,1]}"#
        let geometric = try JSONDecoder().decode(DamageRegion.self, from: Data(loss.utf8))
        #expect(geometric.colourDifference == nil && geometric.maxDepth == 0.3 && geometric.volume == 0.5)
    }

    @Test func imagesOfDifferentSizesNeedWorldFiles() throws {
        let small = DecodedImage(width: 4, height: 4, channels: 3, pixels: [UInt8](repeating: 90, count: 48))
        let large = DecodedImage(width: 5, height: 4, channels: 3, pixels: [UInt8](repeating: 90, count: 60))
        #expect(throws: SurveyDiffError.self) { try PhotoChange.compare(before: small, after: large) }
        do {
            _ = try PhotoChange.compare(before: small, after: large)
        } catch {
            #expect(error.code == .mismatchedInputs)
            #expect(error.message.contains("4×4 and 5×4"))
        }
        let world = WorldFile(a: 1, d: 0, b: 0, e: -1, c: 0, f: 0)
        #expect(throws: SurveyDiffError.self) {
            try PhotoChange.compare(before: small, after: small, beforeWorld: world)
        }
        let far = WorldFile(a: 1, d: 0, b: 0, e: -1, c: 1000, f: 0)
        #expect(throws: SurveyDiffError.self) {
            try PhotoChange.compare(before: small, after: small, beforeWorld: world, afterWorld: far)
        }
        // A uniform, unchanged pair is no change, not a division by zero.
        let same = try PhotoChange.compare(before: small, after: small)
        #expect(same.regions.isEmpty && same.changedShare == 0)
    }

    /// Two orthophotos of one place: the after image is a shifted crop of a 0.05 m-pixel
    /// mosaic, placed by its own world file; the patch must be found at its map position.
    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func orthophotosAreComparedThroughTheirWorldFiles() throws {
        let mosaic = try Self.realPhoto()
        let patch = (columns: 150..<210, rows: 60..<110)
        let changed = try Self.after(mosaic, patch: patch)
        // before: columns 0..<300, rows 0..<220; after: columns 20..<320, rows 15..<240 of the mosaic.
        func crop(_ image: DecodedImage, x: Int, y: Int, width: Int, height: Int) -> DecodedImage {
            var pixels = [UInt8]()
            for row in y..<(y + height) {
                pixels += image.pixels[((row * image.width + x) * 3)..<((row * image.width + x + width) * 3)]
            }
            return DecodedImage(width: width, height: height, channels: 3, pixels: pixels)
        }
        let before = crop(mosaic, x: 0, y: 0, width: 300, height: 220)
        let after = crop(changed, x: 20, y: 15, width: 300, height: 225)
        let pixel = 0.05
        let beforeWorld = WorldFile(a: pixel, d: 0, b: 0, e: -pixel, c: 500_000, f: 4_000_000)
        let afterWorld = WorldFile(
            a: pixel, d: 0, b: 0, e: -pixel, c: 500_000 + 20 * pixel, f: 4_000_000 - 15 * pixel)
        let result = try PhotoChange.compare(
            before: before, after: after, beforeWorld: beforeWorld, afterWorld: afterWorld)
        #expect(result.registration == "world files")
        // The first 20 columns and 15 rows of the before image are not in the after image.
        #expect(result.noDataPixels == 300 * 220 - 280 * 205)
        #expect(result.regions.count == 1, "\(result.regions)")
        let region = try #require(result.regions.first)
        let area = 3000 * pixel * pixel
        #expect(abs(region.area - area) / area < 0.04, "area \(region.area) m²")
        #expect(abs(region.centroid[0] - (500_000 + 179.5 * pixel)) < 2 * pixel, "\(region.centroid)")
        #expect(abs(region.centroid[1] - (4_000_000 - 84.5 * pixel)) < 2 * pixel, "\(region.centroid)")
        let summary = result.summary(inputs: [], software: "test", units: "m")
        #expect(summary.method == "photo" && summary.photo?.changedPixels == region.pointCount)
        #expect(summary.parameters.alignment == "world files")
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func theMaskAndOverlayAreImagesOfTheResult() throws {
        let before = try Self.realPhoto()
        let result = try PhotoChange.compare(
            before: before, after: try Self.after(before, patch: (columns: 20..<60, rows: 20..<70)))
        let mask = try result.maskPNG()
        let decoded = try mask.withUnsafeBytes { try ImageDecoder.decode($0, format: .png, file: "mask.png") }
        #expect(decoded.width == before.width && decoded.height == before.height)
        let white = stride(from: 0, to: decoded.pixels.count, by: decoded.channels).filter {
            decoded.pixels[$0] == 255
        }.count
        #expect(white == result.changedPixels && white > 1500)
        let overlay = try result.overlayPNG()
        let shown = try overlay.withUnsafeBytes { try ImageDecoder.decode($0, format: .png, file: "overlay.png") }
        #expect(shown.width == before.width && shown.height > before.height)
    }

    @Test func worldFilesAreReadOrRefusedWithTheLine() throws {
        func read(_ text: String) throws -> WorldFile {
            try Array(text.utf8).withUnsafeBytes { try WorldFile.read($0, file: "ortho.jgw") }
        }
        let world = try read("0.05\n0.0\n0.0\n-0.05\n500000.025\n4000000.975\n\n")
        #expect(world.pixelArea == 0.05 * 0.05)
        #expect(world.world(column: 0, row: 0) == SIMD2(500000.025, 4000000.975))
        let back = try #require(world.pixel(world.world(column: 12, row: 7)))
        #expect(abs(back.x - 12) < 1e-6 && abs(back.y - 7) < 1e-6)
        #expect(try read(world.text) == world)
        do {
            _ = try read("0.05\n0\nzero\n-0.05\n1\n2\n")
            Issue.record("a word where a number belongs was accepted")
        } catch let error as ScanImportError {
            #expect(error.description == "ortho.jgw, line 3: expected a number (the column rotation), found 'zero'")
        }
        #expect(throws: ScanImportError.self) { try read("0.05\n0\n0\n-0.05\n1\n") }
        #expect(throws: ScanImportError.self) { try read("0.05\n0\n0\n-0.05\n1\n2\n3\n") }
        #expect(throws: ScanImportError.self) { try read("0\n0\n0\n0\n1\n2\n") }
    }
}
