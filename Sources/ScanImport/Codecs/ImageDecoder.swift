import CImageCodecs

/// Decoded pixels: 8-bit channels (3 for RGB, 4 for RGBA), rows packed.
public struct DecodedImage: Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]
    /// Problems the decoder worked around (damaged data): the pixels may be incomplete.
    public var warnings: [String]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8], warnings: [String] = []) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
        self.warnings = warnings
    }
}

/// The one place that calls libjpeg-turbo and libpng (through the CImageCodecs shim).
public enum ImageDecoder {
    /// Decodes a JPEG or PNG. For JPEG, `scale` (1, 2, 4, 8) decodes at 1/scale size, which is
    /// much faster when only a thumbnail is needed.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer, format: ScanSummary.Format, file: String, scale: Int = 1
    ) throws(ScanImportError) -> DecodedImage {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            throw ScanImportError(.malformedBody, file: file, "the image is empty")
        }
        var image = hc_image()
        let status: Int32
        switch format {
        case .jpeg: status = hc_jpeg_decode(base, bytes.count, Int32(scale), &image)
        case .png: status = hc_png_decode(base, bytes.count, &image)
        default: throw ScanImportError(.unsupported, file: file, "\(format.rawValue) is not an image format")
        }
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        guard status == 0, let pixels = image.pixels else {
            throw ScanImportError(
                .malformedBody, file: file,
                "the \(format.rawValue.uppercased()) image data cannot be decoded: \(message)")
        }
        defer { hc_free(pixels) }
        let count = Int(image.width) * Int(image.height) * Int(image.channels)
        var warnings: [String] = []
        if image.warning_count > 0 {
            warnings.append(
                "the image data is damaged (\(image.warning_count) decoder warning\(image.warning_count == 1 ? "" : "s"): \(message)); part of the picture may be missing"
            )
        }
        return DecodedImage(
            width: Int(image.width), height: Int(image.height), channels: Int(image.channels),
            pixels: Array(UnsafeBufferPointer(start: pixels, count: count)), warnings: warnings)
    }

    /// Encodes grey (1 channel), RGB or RGBA pixels as PNG.
    public static func encodePNG(_ image: DecodedImage) throws(ScanImportError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            hc_png_encode(
                pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.channels), &output, &size,
                &message, message.count)
        }
        guard status == 0, let output else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ScanImportError(.malformedBody, file: "thumbnail", "cannot encode PNG: \(text)")
        }
        defer { hc_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}

extension ImageDecoder {
    /// Encodes 8-bit RGB pixels as a JPEG, with `exif` (an APP1 body from ``ExifWriter``) after
    /// the start-of-image marker, as a camera writes it.
    public static func encodeJPEG(
        _ image: DecodedImage, quality: Int = 90, exif: [UInt8] = []
    ) throws(ScanImportError) -> [UInt8] {
        guard image.channels == 3 else {
            throw ScanImportError(
                .malformedBody, file: "jpeg", "JPEG encoding needs RGB pixels, not \(image.channels) channels")
        }
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            exif.withUnsafeBufferPointer { segment in
                hc_jpeg_encode(
                    pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(quality), segment.baseAddress,
                    segment.count, &output, &size, &message, message.count)
            }
        }
        guard status == 0, let output else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ScanImportError(.malformedBody, file: "jpeg", "cannot encode JPEG: \(text)")
        }
        defer { hc_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}
