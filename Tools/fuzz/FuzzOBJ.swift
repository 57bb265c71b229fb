// libFuzzer target: the OBJ reader (relative indices, continuations, polygons).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOBJ(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? OBJReader.read(UnsafeRawBufferPointer(start: data, count: size), file: "fuzz.obj")
    return 0
}
