/// Thumbnails of photographs: upright (EXIF orientation applied), longest side at most 512.
public enum Thumbnail {
    public static let longestSide = 512

    /// A PNG thumbnail of the JPEG or PNG in `bytes`.
    public static func png(
        of bytes: UnsafeRawBufferPointer, photo: PhotoMetadata, file: String
    ) throws(ScanImportError) -> [UInt8] {
        // Let libjpeg-turbo scale while decoding, down to no less than the thumbnail size.
        var scale = 1
        if photo.format == .jpeg {
            for candidate in [8, 4, 2] where max(photo.width, photo.height) / candidate >= longestSide {
                scale = candidate
                break
            }
        }
        let decoded = try ImageDecoder.decode(bytes, format: photo.format, file: file, scale: scale)
        let small = resized(decoded, longestSide: longestSide)
        return try ImageDecoder.encodePNG(oriented(small, orientation: photo.exif?.orientation ?? 1))
    }

    /// Area-averaged downscale so the longest side is at most `longestSide`.
    static func resized(_ image: DecodedImage, longestSide: Int) -> DecodedImage {
        let longest = max(image.width, image.height)
        guard longest > longestSide else { return image }
        let width = max(1, image.width * longestSide / longest)
        let height = max(1, image.height * longestSide / longest)
        let channels = image.channels
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        image.pixels.withUnsafeBufferPointer { source in
            for y in 0..<height {
                let y0 = y * image.height / height
                let y1 = max(y0 + 1, (y + 1) * image.height / height)
                for x in 0..<width {
                    let x0 = x * image.width / width
                    let x1 = max(x0 + 1, (x + 1) * image.width / width)
                    var sums = [Int](repeating: 0, count: channels)
                    for sy in y0..<y1 {
                        var index = (sy * image.width + x0) * channels
                        for _ in x0..<x1 {
                            for channel in 0..<channels { sums[channel] += Int(source[index + channel]) }
                            index += channels
                        }
                    }
                    let area = (y1 - y0) * (x1 - x0)
                    let target = (y * width + x) * channels
                    for channel in 0..<channels { pixels[target + channel] = UInt8((sums[channel] + area / 2) / area) }
                }
            }
        }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels, warnings: image.warnings)
    }

    /// Applies an EXIF orientation (1-8) so the image displays upright.
    static func oriented(_ image: DecodedImage, orientation: Int) -> DecodedImage {
        guard (2...8).contains(orientation) else { return image }
        let (w, h, channels) = (image.width, image.height, image.channels)
        let swaps = orientation >= 5
        let outWidth = swaps ? h : w
        let outHeight = swaps ? w : h
        var pixels = [UInt8](repeating: 0, count: image.pixels.count)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                let (sx, sy): (Int, Int)
                switch orientation {
                case 2: (sx, sy) = (w - 1 - x, y)
                case 3: (sx, sy) = (w - 1 - x, h - 1 - y)
                case 4: (sx, sy) = (x, h - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, h - 1 - x)
                case 7: (sx, sy) = (w - 1 - y, h - 1 - x)
                default: (sx, sy) = (w - 1 - y, x)
                }
                let source = (sy * w + sx) * channels
                let target = (y * outWidth + x) * channels
                for channel in 0..<channels { pixels[target + channel] = image.pixels[source + channel] }
            }
        }
        return DecodedImage(
            width: outWidth, height: outHeight, channels: channels, pixels: pixels, warnings: image.warnings)
    }
}
