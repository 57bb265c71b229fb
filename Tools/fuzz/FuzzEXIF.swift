// libFuzzer target: JPEG/PNG structure and the EXIF/TIFF reader (no pixel decoding).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEXIF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? PhotoReader.read(UnsafeRawBufferPointer(start: data, count: size), file: "fuzz.jpg")
    return 0
}
