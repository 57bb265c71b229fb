// libFuzzer target: the PLY reader and its geometry (face index checks, triangulation).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPLY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let document = try? PLYReader.read(bytes, file: "fuzz.ply") {
        _ = try? document.geometry(file: "fuzz.ply")
    }
    return 0
}
