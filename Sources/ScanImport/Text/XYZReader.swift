/// Reads points from delimited text: one `x y z` per line, separated by spaces, tabs, commas
/// or semicolons, with an optional header line of names (`"X","Y","Z"`, `x,y,z`). Further
/// columns are ignored; blank lines and lines starting with `#` or `//` are skipped.
public enum XYZReader {
    public static func read(_ bytes: UnsafeRawBufferPointer, file: String) throws(ScanImportError) -> ScanGeometry {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ScanImportError(.malformedBody, file: file, "is not UTF-8 text; expected lines of x y z")
        }
        var positions = [Double]()
        var lineNumber = 0
        var contentLines = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = String(line).trimmingCharacters
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("//") { continue }
            contentLines += 1
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == ";" })
            let values = fields.prefix(3).map { Double(String($0).trimmingCharacters) }
            if values.count == 3, let x = values[0], let y = values[1], let z = values[2] {
                guard x.isFinite, y.isFinite, z.isFinite else {
                    throw ScanImportError(
                        .malformedBody, file: file, at: .line(lineNumber), "has a coordinate that is not finite")
                }
                positions += [x, y, z]
                continue
            }
            if contentLines == 1 { continue }  // a header of column names
            throw ScanImportError(
                .malformedBody, file: file, at: .line(lineNumber),
                "expected three numbers x y z, found \"\(trimmed.prefix(60))\"")
        }
        guard !positions.isEmpty else {
            throw ScanImportError(.malformedBody, file: file, "has no points; expected lines of x y z")
        }
        return ScanGeometry(positions: positions)
    }
}
