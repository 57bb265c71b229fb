/// Dimensions and camera metadata of a JPEG or PNG photograph, read from its structure
/// (markers or chunks) without decoding pixels.
public struct PhotoMetadata: Sendable, Equatable {
    public var format: ScanSummary.Format
    public var width: Int
    public var height: Int
    public var exif: ExifMetadata?
    public var warnings: [String]
}

public enum PhotoReader {
    /// Reads a JPEG's or PNG's structure. A file that is not a well-formed image up to its
    /// frame header is an error with the byte offset; damaged metadata only adds warnings.
    public static func read(_ bytes: UnsafeRawBufferPointer, file: String) throws(ScanImportError) -> PhotoMetadata {
        if bytes.count >= 8, bytes[0] == 0x89, bytes[1] == 0x50, bytes[2] == 0x4E, bytes[3] == 0x47 {
            return try readPNG(bytes, file: file)
        }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF {
            return try readJPEG(bytes, file: file)
        }
        throw ScanImportError(
            .malformedHeader, file: file, at: .byteOffset(0), "expected a JPEG (FF D8) or PNG signature")
    }

    private static func readJPEG(_ bytes: UnsafeRawBufferPointer, file: String) throws(ScanImportError) -> PhotoMetadata
    {
        var offset = 2
        var width = 0
        var height = 0
        var exif: ExifMetadata?
        var warnings: [String] = []
        while offset < bytes.count {
            guard bytes[offset] == 0xFF else {
                throw ScanImportError(
                    .malformedBody, file: file, at: .byteOffset(offset),
                    "expected a JPEG marker (FF), found \(hex(bytes[offset]))")
            }
            while offset < bytes.count && bytes[offset] == 0xFF { offset += 1 }  // fill bytes
            guard offset < bytes.count else { break }
            let marker = bytes[offset]
            offset += 1
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { continue }
            if marker == 0xD9 { break }
            guard offset + 2 <= bytes.count else {
                throw ScanImportError(
                    .truncated, file: file, at: .byteOffset(offset),
                    "the file ends inside marker \(hex(marker))'s header")
            }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard length >= 2, offset + length <= bytes.count else {
                throw ScanImportError(
                    .truncated, file: file, at: .byteOffset(offset),
                    "segment \(hex(marker)) declares \(length) bytes; only \(bytes.count - offset) remain")
            }
            let body = offset + 2
            let bodyLength = length - 2
            switch marker {
            case 0xE1 where bodyLength >= 6 && exif == nil:
                if bytes[body] == 0x45, bytes[body + 1] == 0x78, bytes[body + 2] == 0x69, bytes[body + 3] == 0x66,
                    bytes[body + 4] == 0, bytes[body + 5] == 0
                {
                    exif = ExifReader.read(UnsafeRawBufferPointer(rebasing: bytes[(body + 6)..<(body + bodyLength)]))
                }
            case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                guard bodyLength >= 5 else {
                    throw ScanImportError(
                        .malformedBody, file: file, at: .byteOffset(offset),
                        "frame header of \(bodyLength) bytes; expected at least 5")
                }
                height = Int(bytes[body + 1]) << 8 | Int(bytes[body + 2])
                width = Int(bytes[body + 3]) << 8 | Int(bytes[body + 4])
            default: break
            }
            offset += length
            if marker == 0xDA { break }  // entropy-coded data follows; dimensions are known by now
        }
        guard width > 0 && height > 0 else {
            throw ScanImportError(
                .malformedBody, file: file, at: .byteOffset(min(offset, bytes.count)),
                "no frame header (SOF) with a non-zero size before the image data")
        }
        warnings += exif?.warnings ?? []
        return PhotoMetadata(format: .jpeg, width: width, height: height, exif: exif, warnings: warnings)
    }

    private static func readPNG(_ bytes: UnsafeRawBufferPointer, file: String) throws(ScanImportError) -> PhotoMetadata
    {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 8, zip(bytes, signature).allSatisfy({ $0 == $1 }) else {
            throw ScanImportError(.malformedHeader, file: file, at: .byteOffset(0), "not a PNG signature")
        }
        var offset = 8
        var width = 0
        var height = 0
        var exif: ExifMetadata?
        var sawEnd = false
        func uint32(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        while offset + 8 <= bytes.count {
            let length = uint32(offset)
            let type = String(
                decoding: UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 8)]), as: UTF8.self)
            let body = offset + 8
            guard length <= bytes.count - body - 4 || (type == "IEND" && length == 0) else {
                throw ScanImportError(
                    .truncated, file: file, at: .byteOffset(offset),
                    "chunk '\(type)' declares \(length) bytes; only \(max(0, bytes.count - body)) remain")
            }
            if offset == 8 {
                guard type == "IHDR", length >= 8 else {
                    throw ScanImportError(
                        .malformedHeader, file: file, at: .byteOffset(offset),
                        "expected the IHDR chunk first, found '\(type)'")
                }
                width = uint32(body)
                height = uint32(body + 4)
            }
            if type == "eXIf" && exif == nil && length > 0 {
                var start = body
                // Tolerate an "Exif\0\0" prefix, which some writers put in eXIf too.
                if length > 6, bytes[body] == 0x45, bytes[body + 1] == 0x78 { start += 6 }
                exif = ExifReader.read(UnsafeRawBufferPointer(rebasing: bytes[start..<(body + length)]))
            }
            if type == "IEND" {
                sawEnd = true
                break
            }
            offset = body + length + 4
        }
        guard width > 0 && height > 0 else {
            throw ScanImportError(.malformedHeader, file: file, at: .byteOffset(8), "IHDR gives a zero width or height")
        }
        var warnings = exif?.warnings ?? []
        if !sawEnd { warnings.append("the PNG has no IEND chunk: it may be truncated") }
        return PhotoMetadata(format: .png, width: width, height: height, exif: exif, warnings: warnings)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
