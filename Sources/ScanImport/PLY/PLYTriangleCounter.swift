/// Checks faces or triangle strips one record at a time, with the checks and messages of
/// ``PLYDocument/forEachTriangle``, and counts the triangles they make: for a summary's read,
/// which keeps none of them.
struct PLYTriangleCounter {
    let element: String
    let strips: Bool
    let vertexCount: Int
    let file: String
    private(set) var triangles = 0

    init(element: String, strips: Bool, vertexCount: Int, file: String) {
        self.element = element
        self.strips = strips
        self.vertexCount = vertexCount
        self.file = file
    }

    /// One record's list of `count` indices, read by `item`: a face is fan-triangulated (it
    /// has none or at least 3), a strip unrolled (-1 restarts it; degenerate triangles are
    /// dropped). `record` numbers it in messages, which `location` places.
    mutating func add(
        count: Int, record: Int, at location: ScanImportError.Location, item: (Int) -> Double
    ) throws(ScanImportError) {
        func index(_ position: Int) throws(ScanImportError) -> Double? {
            let value = item(position)
            if strips && value == -1 { return nil }
            guard value >= 0, value < Double(vertexCount), value == value.rounded() else {
                throw ScanImportError(
                    .indexOutOfRange, file: file, at: location,
                    "\(element) \(record) refers to vertex \(value.formatted); expected 0 to \(vertexCount - 1)")
            }
            return value
        }
        if strips {
            var window: (Double, Double) = (0, 0)
            var length = 0
            for position in 0..<count {
                guard let current = try index(position) else {
                    length = 0
                    continue
                }
                length += 1
                if length >= 3 && window.0 != window.1 && window.1 != current && window.0 != current {
                    triangles += 1
                }
                window = (window.1, current)
            }
        } else if count > 0 {
            guard count >= 3 else {
                throw ScanImportError(
                    .malformedBody, file: file, at: location,
                    "face \(record) has \(count) vertices; expected at least 3")
            }
            for position in 0..<count { _ = try index(position) }
            triangles += count - 2
        }
    }
}
