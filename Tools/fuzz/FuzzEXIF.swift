// libFuzzer target: JPEG/PNG structure and the EXIF/TIFF reader (no pixel decoding), and the
// metadata stripping served to callers without clearance: it never traps, and stripping what
// it returns changes nothing more.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEXIF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? PhotoReader.read(UnsafeRawBufferPointer(start: data, count: size), file: "fuzz.jpg")
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for format in ["jpeg", "png"] {
        if let once = try? PhotoMetadataStripping.stripped(bytes, format: format, file: "fuzz") {
            let twice = try? PhotoMetadataStripping.stripped(once, format: format, file: "fuzz")
            precondition(twice == once, "stripping \(format) is not idempotent")
        }
    }
    return 0
}
