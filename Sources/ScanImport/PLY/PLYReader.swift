/// Reads PLY 1.0 files: ASCII and binary in both byte orders, any elements and properties.
public enum PLYReader {
    /// Parses `bytes` (the whole file) named `file` in messages.
    public static func read(_ bytes: UnsafeRawBufferPointer, file: String) throws(ScanImportError) -> PLYDocument {
        try read(bytes, file: file, decoding: nil)
    }

    /// Like ``read(_:file:)``, but elements made only of scalars keep just the properties
    /// `decoding` accepts (by element and property name): `inspect` needs x, y and z, not normals
    /// or colours. Every value is still read and checked, and every list decoded. With
    /// `interleavingPositions`, a binary file's x, y and z arrive as `PLYElementData.positions`;
    /// with `boundingPositions` as well, only their box arrives (`positionBounds`), and faces and
    /// triangle strips are checked and counted as they are read, not kept (`triangleCount`).
    static func read(
        _ bytes: UnsafeRawBufferPointer, file: String, decoding: ((String, String) -> Bool)?,
        releasePages: ((Int, Int) -> Int)? = nil, interleavingPositions: Bool = false, boundingPositions: Bool = false
    ) throws(ScanImportError) -> PLYDocument {
        let header: PLYHeader
        do {
            header = try PLYHeader.parse(bytes, file: file)
        } catch let error as ScanImportError {
            throw error
        } catch {
            throw ScanImportError(.malformedHeader, file: file, "\(error)")
        }
        var warnings: [String] = []
        let elements: [PLYElementData]
        do {
            switch header.format {
            case .ascii:
                (elements, warnings) = try PLYASCIIReader(
                    bytes: bytes, header: header, file: file, decoding: decoding, summarising: boundingPositions,
                    releasePages: releasePages
                ).read()
            case .binaryLittleEndian, .binaryBigEndian:
                let reader = PLYBinaryReader(
                    bytes: bytes, header: header, file: file, bigEndian: header.format == .binaryBigEndian,
                    decoding: decoding, releasePages: releasePages, interleavingPositions: interleavingPositions,
                    boundingPositions: boundingPositions)
                let consumed: Int
                (elements, consumed) = try reader.read()
                if consumed < bytes.count {
                    warnings.append("\(bytes.count - consumed) byte(s) after the last declared record were ignored")
                }
            }
        } catch let error as ScanImportError {
            throw error
        } catch {
            throw ScanImportError(.malformedBody, file: file, "\(error)")
        }
        return PLYDocument(header: header, elements: elements, warnings: warnings)
    }

    /// Reads the file at `path` through a memory mapping.
    public static func read(path: String) throws(ScanImportError) -> PLYDocument {
        let mapped = try MappedFile.mapping(of: path)
        defer { withExtendedLifetime(mapped) {} }  // the readers work on the mapping itself
        return try read(mapped.bytes, file: path)
    }
}
