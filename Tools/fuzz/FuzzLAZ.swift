// libFuzzer target: the LAZ decoder (LASzip VLR, chunk table, arithmetic-coded chunks), through
// the LAS reader's full read and its one-pass bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLAZ(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = try? LASReader.read(bytes, file: "fuzz.laz")
    if let header = try? LASReader.header(bytes, file: "fuzz.laz") {
        _ = try? LASReader.pointBounds(bytes, header: header, file: "fuzz.laz")
    }
    return 0
}
