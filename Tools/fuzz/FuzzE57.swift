// libFuzzer target: the E57 reader (header, page checksums, XML section, compressed vector
// packets and the bitpack codec, blobs). Each input is read twice: as it is, and with every
// page's CRC-32C recomputed, so that mutations reach past the checksums into the structures.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzE57(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = try? E57Reader.read(bytes, file: "fuzz.e57", images: true)
    var sealed = Array(bytes)
    var page = 0
    while (page + 1) * 1024 <= sealed.count {
        let start = page * 1024
        let crc = sealed[start..<(start + 1020)].withUnsafeBytes { CRC32C.checksum($0) }
        for index in 0..<4 { sealed[start + 1020 + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(index))) }
        page += 1
    }
    sealed.withUnsafeBytes { _ = try? E57Reader.read($0, file: "fuzz.e57", images: true) }
    return 0
}
