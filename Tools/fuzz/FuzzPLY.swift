// libFuzzer target: the PLY reader and its geometry (face index checks, triangulation).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPLY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let document = try? PLYReader.read(bytes, file: "fuzz.ply") {
        let columns = try? document.geometry(file: "fuzz.ply")
        // x, y, z decoded straight into positions (what a comparison reads) give the same points.
        let interleaved = try? PLYReader.read(
            bytes, file: "fuzz.ply", decoding: nil, releasePages: nil, interleavingPositions: true
        ).geometry(file: "fuzz.ply")
        if let columns, let interleaved {
            precondition(
                columns.positions.elementsEqual(interleaved.positions) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        }
    }
    return 0
}
