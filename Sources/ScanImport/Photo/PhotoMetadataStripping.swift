import Foundation

/// A photograph without the metadata that can place it: for JPEG the APP1 (Exif, XMP), APP13
/// (IPTC) and COM segments, for PNG the eXIf, tEXt, zTXt and iTXt chunks. The pixels are
/// untouched (no re-encoding): the image data is copied byte for byte.
public enum PhotoMetadataStripping {
    /// The photograph without its metadata, or an error naming the offset where its structure
    /// breaks.
    public static func stripped(_ bytes: [UInt8], format: String, file: String) throws(ScanImportError) -> [UInt8] {
        switch format {
        case "jpeg": try strippedJPEG(bytes, file: file)
        case "png": try strippedPNG(bytes, file: file)
        default: throw ScanImportError(.unsupported, file: file, "only JPEG and PNG metadata can be stripped")
        }
    }

    static func strippedJPEG(_ bytes: [UInt8], file: String) throws(ScanImportError) -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw ScanImportError(.malformedHeader, file: file, at: .byteOffset(0), "not a JPEG (no SOI marker)")
        }
        var output: [UInt8] = [0xFF, 0xD8]
        output.reserveCapacity(bytes.count)
        var offset = 2
        while offset < bytes.count {
            guard bytes[offset] == 0xFF, offset + 1 < bytes.count else {
                throw ScanImportError(.malformedBody, file: file, at: .byteOffset(offset), "expected a JPEG marker")
            }
            let marker = bytes[offset + 1]
            if marker == 0xFF {  // fill byte
                offset += 1
                continue
            }
            // Markers without a length: TEM, RSTn, SOI, EOI.
            if marker == 0x01 || (0xD0...0xD9).contains(marker) {
                output += bytes[offset..<offset + 2]
                offset += 2
                if marker == 0xD9 { break }
                continue
            }
            guard offset + 4 <= bytes.count else {
                throw ScanImportError(.truncated, file: file, at: .byteOffset(offset), "a JPEG segment is cut short")
            }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let end = offset + 2 + length
            guard length >= 2, end <= bytes.count else {
                throw ScanImportError(
                    .truncated, file: file, at: .byteOffset(offset), "a JPEG segment runs past the end of the file")
            }
            let dropped = marker == 0xE1 || marker == 0xED || marker == 0xFE
            if !dropped { output += bytes[offset..<end] }
            offset = end
            if marker == 0xDA {
                // Start of scan: the entropy-coded data and everything after it is the image.
                output += bytes[offset...]
                break
            }
        }
        return output
    }

    static func strippedPNG(_ bytes: [UInt8], file: String) throws(ScanImportError) -> [UInt8] {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            throw ScanImportError(.malformedHeader, file: file, at: .byteOffset(0), "not a PNG (no signature)")
        }
        let droppedTypes: Set<String> = ["eXIf", "tEXt", "zTXt", "iTXt"]
        var output = signature
        output.reserveCapacity(bytes.count)
        var offset = 8
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else {
                throw ScanImportError(.truncated, file: file, at: .byteOffset(offset), "a PNG chunk is cut short")
            }
            let length =
                Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
                | Int(bytes[offset + 3])
            let end = offset + 12 + length
            guard length <= Int(Int32.max), end <= bytes.count else {
                throw ScanImportError(
                    .truncated, file: file, at: .byteOffset(offset), "a PNG chunk runs past the end of the file")
            }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            if !droppedTypes.contains(type) { output += bytes[offset..<end] }
            offset = end
            if type == "IEND" { break }
        }
        return output
    }
}
