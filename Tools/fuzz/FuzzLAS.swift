// libFuzzer target: the LAS reader (header, VLRs, EVLRs, point records).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLAS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? LASReader.read(UnsafeRawBufferPointer(start: data, count: size), file: "fuzz.las")
    return 0
}
