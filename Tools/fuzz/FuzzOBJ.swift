// libFuzzer target: the OBJ reader (relative indices, continuations, polygons), read in one
// chunk and in chunks of a few bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOBJ(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    // Megabyte chunks (one here) and chunks of a few bytes, which cross many line boundaries:
    // both must read the same or fail the same.
    let whole = Result { () throws(ScanImportError) in try OBJReader.read(bytes, file: "fuzz.obj") }
    let chunked = Result { () throws(ScanImportError) in
        try OBJReader.read(bytes, file: "fuzz.obj", releasePages: nil, chunkBytes: 1 + size % 61)
    }
    switch (whole, chunked) {
    case (.success(let a), .success(let b)):
        precondition(a.geometry.positions.elementsEqual(b.geometry.positions) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        precondition(a.geometry.triangles == b.geometry.triangles && a.warnings == b.warnings)
    case (.failure(let a), .failure(let b)):
        precondition(a.location == b.location && a.message == b.message)
    default:
        preconditionFailure("chunk size changed the outcome")
    }
    return 0
}
