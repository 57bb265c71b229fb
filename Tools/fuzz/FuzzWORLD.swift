// libFuzzer target: the world-file reader (six numbers placing an orthophoto), and the
// pixel/map round trip of whatever it accepts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorld(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let world = try? WorldFile.read(UnsafeRawBufferPointer(start: data, count: size), file: "fuzz.jgw") else {
        return 0
    }
    _ = world.pixel(world.world(column: 3, row: 5))
    _ = world.text
    return 0
}
