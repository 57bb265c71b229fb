// libFuzzer target: the LAZ decoder (LASzip VLR, chunk table, arithmetic-coded chunks), through
// the LAS reader's full read and its one-pass bounds, and a COPC file's hierarchy pages through a
// read of its first two levels and of a box.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLAZ(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = try? LASReader.read(bytes, file: "fuzz.laz")
    if let header = try? LASReader.header(bytes, file: "fuzz.laz") {
        _ = try? LASReader.pointBounds(bytes, header: header, file: "fuzz.laz")
        if let info = header.copc {
            _ = try? LASReader.read(bytes, file: "fuzz.laz", copc: COPCSelection(maximumLevel: 1))
            let center = info.center
            _ = try? LASReader.read(
                bytes, file: "fuzz.laz", copc: COPCSelection(box: Bounds(min: center, max: center.map { $0 + 1 })))
        }
    }
    return 0
}
