import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// What an OBJ file holds besides geometry: names, materials and the files it refers to.
public struct OBJDocument: Sendable {
    /// The vertices, triangles and colours; with only the counts when read for a summary.
    public var geometry: ScanGeometry
    /// Counted as the file was read, whether or not the geometry was kept.
    public var vertexCount: Int
    public var triangleCount: Int
    public var bounds: FiniteBounds
    public var hasColour: Bool
    public var textureCoordinateCount: Int
    public var normalCount: Int
    public var pointCount: Int
    /// `mtllib` file names, as written.
    public var materialLibraries: [String]
    public var materials: [String]
    public var objects: [String]
    public var groups: [String]
    public var comments: [String]
    public var warnings: [String]
}

/// Reads Wavefront OBJ: `v` (with optional w or r g b colour), `vn`, `vt`, `f` in all four index
/// forms with negative (relative) indices, polygons, `l`, `p`, `o`, `g`, `s`, `usemtl`,
/// `mtllib`, line continuations and comments.
///
/// Lines are decoded in chunks on all cores: a first pass counts the `v`, `vt` and `vn` lines
/// of each chunk so that relative indices resolve without reading the file in order. An index
/// of 0 or one that names a vertex that does not exist is an error with the line number.
public enum OBJReader {
    public static func read(path: String) throws(ScanImportError) -> OBJDocument {
        let mapped = try MappedFile.mapping(of: path)
        defer { withExtendedLifetime(mapped) {} }  // the readers work on the mapping itself
        return try read(mapped.bytes, file: path, releasePages: { mapped.releasePages(from: $0, to: $1) })
    }

    public static func read(_ bytes: UnsafeRawBufferPointer, file: String) throws(ScanImportError) -> OBJDocument {
        try read(bytes, file: file, releasePages: nil)
    }

    /// `releasePages`, for a file mapping, gives back the pages of a byte range once it is read.
    /// With `summaryOnly`, every line is read and checked and the vertices bounded and counted,
    /// but no vertex or triangle is kept: a summary of a file of any size. `chunkBytes` is about
    /// how much of the file a chunk holds (smaller in tests and fuzzing, to cross many chunk
    /// boundaries).
    static func read(
        _ bytes: UnsafeRawBufferPointer, file: String, releasePages: (@Sendable (Int, Int) -> Int)?,
        summaryOnly: Bool = false, chunkBytes: Int = 1 << 20
    ) throws(ScanImportError) -> OBJDocument {
        // Continued lines are found by the parser's first pass, which reads every line anyway.
        if let document = try OBJParser(
            bytes: bytes, file: file, joinedBreaks: [], releasePages: releasePages, summaryOnly: summaryOnly,
            chunkBytes: chunkBytes
        ).parse() {
            return document
        }
        do {
            // Rare: join continued lines (a backslash before the line break) into one, keeping line numbers.
            var joined = [UInt8](bytes)
            var index = 0
            var lineBreaks: [Int] = []
            while index + 1 < joined.count {
                if joined[index] == UInt8(ascii: "\\") {
                    var next = index + 1
                    if next < joined.count && joined[next] == 13 { next += 1 }
                    if next < joined.count && joined[next] == 10 {
                        for position in index...next { joined[position] = 32 }
                        lineBreaks.append(index)
                    }
                }
                index += 1
            }
            let result: Result<OBJDocument?, ScanImportError> = joined.withUnsafeBytes { buffer in
                do throws(ScanImportError) {
                    return .success(
                        try OBJParser(
                            bytes: buffer, file: file, joinedBreaks: lineBreaks, summaryOnly: summaryOnly,
                            chunkBytes: chunkBytes
                        ).parse())
                } catch {
                    return .failure(error)
                }
            }
            // With the lines joined (`joinedBreaks` given), the parser does not look for
            // continued lines and always returns a document.
            guard let document = try result.get() else {
                preconditionFailure("a joined OBJ parse looked for continued lines")
            }
            return document
        }
    }
}

/// The per-chunk result of decoding OBJ lines.
private struct OBJChunk {
    var positions: [Double] = []
    /// Vertices and triangles read, and the box of the finite vertices, kept or not.
    var vertexCount = 0
    var triangleCount = 0
    var box = FiniteBox()
    var colors: [Float] = []
    var colorCount = 0
    var texcoords = 0
    var normals = 0
    var triangles: [UInt32] = []
    var faces = 0
    var lines = 0
    var points = 0
    var materialLibraries: [String] = []
    var materials: [String] = []
    var objects: [String] = []
    var groups: [String] = []
    var comments: [String] = []
    var unknownKeywords: [String: Int] = [:]  // keyword → first line
    /// References to texture coordinates or normals that do not exist, dropped.
    var danglingCount = 0
    /// The first of them: its line and what was wrong.
    var firstDangling: (line: Int, message: String)?
}

private struct OBJParser: @unchecked Sendable {  // reads immutable bytes only
    let bytes: UnsafeRawBufferPointer
    let file: String
    /// Offsets of continuations joined into one line, to keep reported line numbers true.
    let joinedBreaks: [Int]
    /// Gives back the pages of a byte range of a file mapping (nil: the bytes are not a mapping).
    var releasePages: (@Sendable (Int, Int) -> Int)? = nil
    /// Count and bound, keep no vertex or triangle.
    var summaryOnly = false
    /// About how many bytes of whole lines a chunk holds.
    var chunkBytes = 1 << 20

    /// A run of whole lines: its bytes, how many lines, and the index of its first line in the file.
    struct Chunk {
        var bytes: Range<Int>
        var lineCount = 0
        var firstLine = 0
        /// v, vt, vn and f lines in the chunk.
        var counts = (v: 0, vt: 0, vn: 0, f: 0)
        /// A line ends with a backslash (continued on the next).
        var continued = false
    }

    /// The document; nil when a line is continued (a backslash before its line break) and the
    /// lines were not joined yet, for the caller to join them and parse again.
    func parse() throws(ScanImportError) -> OBJDocument? {
        // Chunks of about a megabyte of whole lines: no index of every line is built (16 bytes a
        // line), and each chunk's pages of a mapped file are given back once it is read. Each
        // chunk finds its own bounds, at the first line break from a multiple of the chunk size:
        // finding them all first would touch the whole file before any of it was let go.
        let size = max(1, chunkBytes)
        var chunks = [Chunk](repeating: Chunk(bytes: 0..<0), count: max(1, (bytes.count + size - 1) / size))
        // Pass 1: how many lines, and v, vt, vn and f lines, each chunk has.
        let counted = UnsafeSlots<Chunk>(count: chunks.count)
        let parser = self
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            var chunk = Chunk(bytes: parser.lineStart(from: index * size)..<parser.lineStart(from: (index + 1) * size))
            parser.forEachLine(in: chunk.bytes) { line, span in
                chunk.lineCount = line + 1
                if parser.joinedBreaks.isEmpty && span.upperBound > span.lowerBound
                    && parser.bytes[span.upperBound - 1] == UInt8(ascii: "\\")
                {
                    // As the joining reads it: the backslash, an optional CR, then LF.
                    var after = span.upperBound
                    if after < parser.bytes.count && parser.bytes[after] == 13 { after += 1 }
                    if after < parser.bytes.count && parser.bytes[after] == 10 { chunk.continued = true }
                }
                // The keyword as the decoder reads it (after any leading blanks), so that the
                // counts before each chunk are the ones decoding reaches.
                var cursor = span.lowerBound
                guard let keyword = parser.token(&cursor, span.upperBound) else { return }
                let k0 = parser.bytes[keyword.lowerBound]
                if keyword.count == 1 && k0 == UInt8(ascii: "v") {
                    chunk.counts.v += 1
                } else if keyword.count == 1 && k0 == UInt8(ascii: "f") {
                    chunk.counts.f += 1
                } else if keyword.count == 2 && k0 == UInt8(ascii: "v") {
                    switch parser.bytes[keyword.lowerBound + 1] {
                    case UInt8(ascii: "t"): chunk.counts.vt += 1
                    case UInt8(ascii: "n"): chunk.counts.vn += 1
                    default: break
                    }
                }
            }
            _ = parser.releasePages?(chunk.bytes.lowerBound, chunk.bytes.upperBound)
            counted[index] = chunk
        }
        for index in chunks.indices where counted[index]?.continued == true { return nil }
        var bases: [(Int, Int, Int)] = []
        var total = (0, 0, 0)
        var lines = 0
        for index in chunks.indices {
            chunks[index] = counted[index] ?? chunks[index]
            chunks[index].firstLine = lines
            lines += chunks[index].lineCount
            bases.append(total)
            let count = chunks[index].counts
            total = (total.0 + count.v, total.1 + count.vt, total.2 + count.vn)
        }
        // Pass 2: decode, resolving indices against the counts before each line.
        let decodedChunks = chunks
        let chunkBases = bases
        let totals = total
        let results = UnsafeSlots<Result<OBJChunk, ScanImportError>>(count: chunks.count)
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            do throws(ScanImportError) {
                results[index] = .success(
                    try parser.decode(decodedChunks[index], base: chunkBases[index], totals: totals))
            } catch {
                results[index] = .failure(error)
            }
            _ = parser.releasePages?(decodedChunks[index].bytes.lowerBound, decodedChunks[index].bytes.upperBound)
        }
        // The first error in file order wins; then the chunks are joined, each let go once
        // copied, so the whole is never held twice.
        for index in chunks.indices { if case .failure(let error) = results[index] { throw error } }
        var merged = OBJChunk()
        merged.positions.reserveCapacity(3 * total.0)
        var triangleCount = 0
        for index in chunks.indices {
            if case .success(let part) = results[index] { triangleCount += part.triangles.count }
        }
        merged.triangles.reserveCapacity(triangleCount)
        var anyColor = false
        for index in chunks.indices {
            guard case .success(let part) = results[index] else { continue }
            results[index] = nil
            merged.positions += part.positions
            merged.colors += part.colors
            if part.colorCount > 0 { anyColor = true }
            merged.colorCount += part.colorCount
            merged.vertexCount += part.vertexCount
            merged.triangleCount += part.triangleCount
            merged.box.merge(part.box)
            merged.triangles += part.triangles
            merged.faces += part.faces
            merged.lines += part.lines
            merged.points += part.points
            merged.materialLibraries += part.materialLibraries
            merged.materials += part.materials
            merged.objects += part.objects
            merged.groups += part.groups
            merged.comments += part.comments
            for (keyword, line) in part.unknownKeywords where merged.unknownKeywords[keyword] == nil {
                merged.unknownKeywords[keyword] = line
            }
            merged.danglingCount += part.danglingCount
            if merged.firstDangling == nil { merged.firstDangling = part.firstDangling }
        }
        var warnings = merged.unknownKeywords.sorted { $0.value < $1.value }.map {
            "line \($0.value): statement '\($0.key)' is not read (kept in the file, not in the geometry)"
        }
        if let first = merged.firstDangling {
            let count = merged.danglingCount
            warnings.append(
                "line \(first.line): \(first.message): \(count == 1 ? "this reference was" : "\(count) such references were") "
                    + "dropped, the faces kept")
        }
        if merged.vertexCount == 0 && merged.points == 0 {
            warnings.append("no geometry: the file defines no vertex")
        }
        let hasColour = anyColor && merged.colorCount == total.0
        var colors: [UInt8]?
        if anyColor {
            if hasColour && summaryOnly {
                // Every vertex has one; a summary keeps none.
            } else if hasColour {
                colors = []
                colors?.reserveCapacity(total.0 * 4)
                for index in 0..<total.0 {
                    for channel in 0..<3 {
                        let value = merged.colors[index * 3 + channel]
                        colors?.append(colorByte(Double(value <= 1 ? value * 255 : value)))
                    }
                    colors?.append(255)
                }
            } else {
                warnings.append("only \(merged.colorCount) of \(total.0) vertices have colours; colours were not kept")
            }
        }
        let geometry = ScanGeometry(
            positions: merged.positions, colors: colors, triangles: merged.triangles, polygonCount: merged.faces,
            lineCount: merged.lines)
        return OBJDocument(
            geometry: geometry, vertexCount: merged.vertexCount, triangleCount: merged.triangleCount,
            bounds: merged.box.result,
            hasColour: hasColour, textureCoordinateCount: total.1, normalCount: total.2, pointCount: merged.points,
            materialLibraries: merged.materialLibraries, materials: unique(merged.materials),
            objects: merged.objects, groups: unique(merged.groups), comments: merged.comments, warnings: warnings)
    }

    private func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// Where the first line that starts at or after `offset` starts (the end of the bytes when
    /// none does): chunk bounds that the workers of both passes agree on.
    private func lineStart(from offset: Int) -> Int {
        guard offset > 0 else { return 0 }
        guard offset < bytes.count, let base = bytes.baseAddress else { return bytes.count }
        if bytes[offset - 1] == 10 { return offset }
        guard let found = memchr(base + offset, 10, bytes.count - offset) else { return bytes.count }
        return base.distance(to: UnsafeRawPointer(found)) + 1
    }

    /// Calls `body` with the index (from 0 within `range`) and byte range of every line in
    /// `range` (without its line break), empty lines included.
    @inline(__always)
    private func forEachLine<E: Error>(in range: Range<Int>, _ body: (Int, Range<Int>) throws(E) -> Void) throws(E) {
        guard let base = bytes.baseAddress else { return }
        var start = range.lowerBound
        var line = 0
        while start < range.upperBound {
            let found = memchr(base + start, 10, range.upperBound - start)
            let end = found.map { base.distance(to: UnsafeRawPointer($0)) } ?? range.upperBound
            var contentEnd = end
            if contentEnd > start && bytes[contentEnd - 1] == 13 { contentEnd -= 1 }
            try body(line, start..<contentEnd)
            line += 1
            start = end + 1
        }
    }

    /// The 1-based line number of the line at index `line` starting at byte `offset`, counting
    /// continued lines as the file does.
    private func lineNumber(_ line: Int, offset: Int) -> Int {
        guard !joinedBreaks.isEmpty else { return line + 1 }
        return line + 1 + joinedBreaks.filter { $0 < offset }.count
    }

    private func decode(
        _ lines: Chunk, base: (Int, Int, Int), totals: (Int, Int, Int)
    ) throws(ScanImportError) -> OBJChunk {
        var chunk = OBJChunk()
        if !summaryOnly {
            chunk.positions.reserveCapacity(3 * lines.counts.v)
            chunk.triangles.reserveCapacity(3 * lines.counts.f)
        }
        var seen = base  // v, vt, vn counts before the current line
        var polygon: [UInt32] = []
        try forEachLine(in: lines.bytes) { (local, span) throws(ScanImportError) in
            let line = lines.firstLine + local
            var cursor = span.lowerBound
            let end = span.upperBound
            func failWith(_ code: ScanImportError.Code, _ message: String) -> ScanImportError {
                ScanImportError(code, file: file, at: .line(lineNumber(line, offset: span.lowerBound)), message)
            }
            func fail(_ message: String) -> ScanImportError { failWith(.malformedBody, message) }
            guard let keyword = token(&cursor, end) else { return }
            let keywordLength = keyword.count
            let k0 = bytes[keyword.lowerBound]
            if k0 == UInt8(ascii: "#") {
                chunk.comments.append(text(keyword.lowerBound + 1, end).trimmingCharacters)
                return
            }
            if keywordLength == 1 && k0 == UInt8(ascii: "v") {
                // Up to seven numbers (x y z [w] or x y z r g b [a]) without allocating.
                var values = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
                var count = 0
                while let value = token(&cursor, end) {
                    guard let number = NumberParsing.double(bytes, value.lowerBound, value.upperBound) else {
                        throw fail("'\(text(value))' is not a number; expected v x y z [w | r g b]")
                    }
                    switch count {
                    case 0: values.0 = number
                    case 1: values.1 = number
                    case 2: values.2 = number
                    case 3: values.3 = number
                    case 4: values.4 = number
                    case 5: values.5 = number
                    case 6: values.6 = number
                    default: break
                    }
                    count += 1
                }
                guard count >= 3 && count <= 7 else {
                    throw fail("v has \(count) numbers; expected x y z, x y z w, or x y z r g b")
                }
                chunk.box.add(SIMD3(values.0, values.1, values.2))
                chunk.vertexCount += 1
                if count >= 6 { chunk.colorCount += 1 }
                if !summaryOnly {
                    chunk.positions.append(values.0)
                    chunk.positions.append(values.1)
                    chunk.positions.append(values.2)
                    if count >= 6 {
                        chunk.colors.append(Float(values.3))
                        chunk.colors.append(Float(values.4))
                        chunk.colors.append(Float(values.5))
                    }
                }
                seen.0 += 1
                return
            }
            if keywordLength == 2 && k0 == UInt8(ascii: "v") {
                let k1 = bytes[keyword.lowerBound + 1]
                if k1 == UInt8(ascii: "t") || k1 == UInt8(ascii: "n") {
                    var count = 0
                    while let value = token(&cursor, end) {
                        guard NumberParsing.double(bytes, value.lowerBound, value.upperBound) != nil else {
                            throw fail("'\(text(value))' is not a number in v\(Character(Unicode.Scalar(k1)))")
                        }
                        count += 1
                    }
                    if k1 == UInt8(ascii: "t") {
                        guard (1...3).contains(count) else { throw fail("vt has \(count) numbers; expected u [v [w]]") }
                        seen.1 += 1
                        chunk.texcoords += 1
                    } else {
                        guard count == 3 else { throw fail("vn has \(count) numbers; expected i j k") }
                        seen.2 += 1
                        chunk.normals += 1
                    }
                    return
                }
            }
            if keywordLength == 1 && (k0 == UInt8(ascii: "f") || k0 == UInt8(ascii: "l") || k0 == UInt8(ascii: "p")) {
                polygon.removeAll(keepingCapacity: true)
                while let reference = token(&cursor, end) {
                    polygon.append(
                        try vertexIndex(reference, seen: seen, totals: totals, failWith) { message in
                            chunk.danglingCount += 1
                            if chunk.firstDangling == nil {
                                chunk.firstDangling = (lineNumber(line, offset: span.lowerBound), message)
                            }
                        })
                }
                switch k0 {
                case UInt8(ascii: "f"):
                    guard polygon.count >= 3 else {
                        throw fail("f has \(polygon.count) vertices; expected at least 3")
                    }
                    chunk.triangleCount += polygon.count - 2
                    if !summaryOnly {
                        for corner in 2..<polygon.count {
                            chunk.triangles.append(polygon[0])
                            chunk.triangles.append(polygon[corner - 1])
                            chunk.triangles.append(polygon[corner])
                        }
                    }
                    chunk.faces += 1
                case UInt8(ascii: "l"):
                    guard polygon.count >= 2 else { throw fail("l has \(polygon.count) vertices; expected at least 2") }
                    chunk.lines += polygon.count - 1
                default:
                    guard !polygon.isEmpty else { throw fail("p names no vertex") }
                    chunk.points += polygon.count
                }
                return
            }
            let name = text(keyword.lowerBound, keyword.upperBound)
            let rest = text(cursor, end).trimmingCharacters
            switch name {
            case "o": chunk.objects.append(rest)
            case "g": chunk.groups += rest.split(separator: " ").map(String.init)
            case "usemtl": chunk.materials.append(rest)
            case "mtllib": chunk.materialLibraries.append(rest)
            case "s": break
            default:
                if chunk.unknownKeywords[name] == nil {
                    chunk.unknownKeywords[name] = lineNumber(line, offset: span.lowerBound)
                }
            }
        }
        return chunk
    }

    /// Resolves `v`, `v/vt`, `v//vn` or `v/vt/vn` to a 0-based vertex index. A vertex index
    /// out of range is an error; a texture coordinate or normal index out of range is dropped
    /// and reported to `dangling` (trimesh, CloudCompare, Blender and MeshLab read such files).
    @inline(__always)
    private func vertexIndex(
        _ reference: Range<Int>, seen: (Int, Int, Int), totals: (Int, Int, Int),
        _ fail: (ScanImportError.Code, String) -> ScanImportError, dangling: (String) -> Void
    ) throws(ScanImportError) -> UInt32 {
        // Split v/vt/vn at the slashes without allocating.
        var bounds = (reference.lowerBound, reference.upperBound, reference.upperBound, reference.upperBound)
        var slashes = 0
        for position in reference where bytes[position] == UInt8(ascii: "/") {
            slashes += 1
            if slashes == 1 {
                bounds.1 = position
            } else if slashes == 2 {
                bounds.2 = position
            }
        }
        guard slashes <= 2, bounds.1 > bounds.0 else {
            throw fail(.malformedBody, "'\(text(reference))' is not v, v/vt, v//vn or v/vt/vn")
        }
        var vertex = 0
        for slot in 0...slashes {
            let part: Range<Int>
            switch slot {
            case 0: part = bounds.0..<bounds.1
            case 1: part = (bounds.1 + 1)..<(slashes == 1 ? reference.upperBound : bounds.2)
            default: part = (bounds.2 + 1)..<reference.upperBound
            }
            if part.isEmpty { continue }
            guard let raw = NumberParsing.integer(bytes, part.lowerBound, part.upperBound) else {
                throw fail(.malformedBody, "'\(text(part))' in '\(text(reference))' is not an integer index")
            }
            let defined = slot == 0 ? seen.0 : (slot == 1 ? seen.1 : seen.2)
            let available = slot == 0 ? totals.0 : (slot == 1 ? totals.1 : totals.2)
            let resolved: Int64 = raw < 0 ? Int64(defined) + raw : raw - 1
            guard raw != 0, resolved >= 0, resolved < Int64(raw < 0 ? defined : available) else {
                let names = ["vertex", "texture coordinate", "normal"]
                let plurals = ["vertices", "texture coordinates", "normals"]
                let message =
                    "\(names[slot]) index \(raw) in '\(text(reference))' does not exist; \(raw < 0 ? defined : available) \(plurals[slot]) are defined\(raw < 0 ? " before this line" : "")"
                if slot == 0 { throw fail(.indexOutOfRange, message) }
                dangling(message)
                continue
            }
            if slot == 0 { vertex = Int(resolved) }
        }
        return UInt32(vertex)
    }

    @inline(__always)
    private func token(_ cursor: inout Int, _ end: Int) -> Range<Int>? {
        while cursor < end, bytes[cursor] == 32 || bytes[cursor] == 9 { cursor += 1 }
        guard cursor < end else { return nil }
        let start = cursor
        while cursor < end, bytes[cursor] != 32 && bytes[cursor] != 9 { cursor += 1 }
        return start..<cursor
    }

    private func text(_ range: Range<Int>) -> String {
        text(range.lowerBound, min(range.upperBound, range.lowerBound + 60))
    }

    private func text(_ start: Int, _ end: Int) -> String {
        guard start < end else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}
