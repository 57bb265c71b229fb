import Foundation
import Testing

@testable import ScanImport

@Suite struct OBJReaderTests {
    func read(_ text: String, chunkBytes: Int = 1 << 20) throws(ScanImportError) -> OBJDocument {
        let bytes = Array(text.utf8)
        let result: Result<OBJDocument, ScanImportError> = bytes.withUnsafeBytes { buffer in
            do throws(ScanImportError) {
                return .success(
                    try OBJReader.read(buffer, file: "test.obj", releasePages: nil, chunkBytes: chunkBytes))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// A file of several megabyte-sized chunks, read from a mapping whose pages are given back
    /// chunk by chunk: relative indices resolve across chunk boundaries, CRLF lines and a last
    /// line without a break are read, and an error in a late chunk names its true line.
    @Test func chunkedReadingKeepsIndicesAndLineNumbers() throws {
        var lines = ["# a strip of 60,000 quads"]
        let columns = 60_001
        for column in 0..<columns { lines.append("v \(column) 0 0\r") }
        for column in 0..<columns { lines.append("v \(column) 1 0.5") }
        for column in 0..<(columns - 1) {
            // Relative to the end of the file's vertices: -2 * columns is the first vertex.
            let a = column - 2 * columns
            lines.append("f \(a) \(a + 1) \(a + 1 + columns) \(a + columns)")
        }
        let folder = FileManager.default.temporaryDirectory.appending(path: "heritage-obj-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "strip.obj")
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0 > 3 << 20)
        let geometry = try OBJReader.read(path: file.path).geometry
        #expect(geometry.vertexCount == 2 * columns && geometry.triangleCount == 2 * (columns - 1))
        #expect(geometry.positions[3 * (columns + 7)..<3 * (columns + 8)] == [7, 1, 0.5])
        #expect(geometry.triangles[6 * 50_000..<6 * 50_000 + 6] == [50_000, 50_001, 110_002, 50_000, 110_002, 110_001])
        lines[lines.count - 2] = "f 1 2 x"
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        let error = #expect(throws: ScanImportError.self) { try OBJReader.read(path: file.path) }
        #expect(error?.location == .line(lines.count - 1))
    }

    /// Chunks of a few bytes read exactly what one chunk reads: relative indices resolve against
    /// the vertices before them, indented statements included (the first pass counts a line's
    /// keyword as decoding reads it).
    @Test func tinyChunksReadWhatOneChunkReads() throws {
        let text =
            "v 0 0 0\n  v 1 0 0\n\tv 1 1 0\n# v 9 9 9\nvt 0 0\n  vn 0 0 1\nf -3/-1/-1 -2/-1/-1 -1/-1/-1\n  v 0 1 0\nf 1 3 -1\nl 1 2"
        let bytes = Array(text.utf8)
        let documents = try bytes.withUnsafeBytes { buffer in
            try [1 << 20, 1, 2, 3, 5, 8, 13].map { size throws(ScanImportError) in
                try OBJReader.read(buffer, file: "chunks.obj", releasePages: nil, chunkBytes: size)
            }
        }
        #expect(documents[0].geometry.triangles == [0, 1, 2, 0, 2, 3])
        #expect(documents[0].geometry.vertexCount == 4 && documents[0].geometry.lineCount == 1)
        for document in documents.dropFirst() {
            #expect(document.geometry.positions == documents[0].geometry.positions)
            #expect(document.geometry.triangles == documents[0].geometry.triangles)
            #expect(document.comments == documents[0].comments)
        }
    }

    @Test func allIndexFormsAndNegativeIndicesResolve() throws {
        let document = try read(
            """
            # a square and a triangle
            v 0 0 0
            v 1 0 0
            v 1 1 0
            v 0 1 0
            vt 0 0
            vt 1 0
            vt 1 1
            vn 0 0 1
            f 1 2 3
            f 1/1 2/2 3/3
            f 1//1 3//1 4//1
            f -4/-3/-1 -3/-2/-1 -2/-1/-1 -1/-1/-1
            l 1 2 3
            p 4
            """)
        #expect(document.geometry.vertexCount == 4)
        #expect(document.geometry.polygonCount == 4)
        #expect(document.geometry.triangles == [0, 1, 2, 0, 1, 2, 0, 2, 3, 0, 1, 2, 0, 2, 3])
        #expect(document.geometry.lineCount == 2)
        #expect(document.pointCount == 1)
        #expect(document.textureCoordinateCount == 3 && document.normalCount == 1)
        #expect(document.comments == ["a square and a triangle"])
    }

    @Test func vertexColoursContinuationsAndNamesAreKept() throws {
        let document = try read(
            "mtllib walls.mtl\r\no facade\r\ng north wall\r\nusemtl stone\r\ns 1\r\nv 0 0 0 1 0 0\r\nv 1 0 0 0 1 0\r\nv 0 1 \\\r\n 0 0 0 1\r\nf 1 2 \\\n3\r\ncurv 0 1 1 2\r\n"
        )
        #expect(document.geometry.vertexCount == 3)
        #expect(document.geometry.positions[6...8] == [0, 1, 0])
        #expect(document.geometry.colors == [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255])
        #expect(document.materialLibraries == ["walls.mtl"])
        #expect(
            document.objects == ["facade"] && document.groups == ["north", "wall"] && document.materials == ["stone"])
        #expect(document.warnings == ["line 12: statement 'curv' is not read (kept in the file, not in the geometry)"])
    }

    @Test(arguments: [
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n", 4, "vertex index 4 in '4' does not exist; 3 vertices are defined"),
        ("v 0 0 0\nv 1 0 0\nf 1 2 0\n", 3, "vertex index 0 in '0' does not exist; 2 vertices are defined"),
        (
            "v 0 0 0\nf -1 -2 -1\nv 1 1 1\n", 2,
            "vertex index -2 in '-2' does not exist; 1 vertices are defined before this line"
        ),
        (
            "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nf 1/1 2/1 4/1\n", 5,
            "vertex index 4 in '4/1' does not exist; 3 vertices are defined"
        ),
        ("v 0 0\n", 1, "v has 2 numbers; expected x y z, x y z w, or x y z r g b"),
        ("v 0 0 zero\n", 1, "'zero' is not a number; expected v x y z [w | r g b]"),
        ("v 0 0 0\nv 1 0 0\nf 1 2\n", 3, "f has 2 vertices; expected at least 3"),
        ("v 0 0 0\nf 1/a 1 1\n", 2, "'a' in '1/a' is not an integer index"),
    ])
    func badStatementsNameTheirLine(text: String, line: Int, message: String) {
        let error = #expect(throws: ScanImportError.self) { try read(text) }
        #expect(error?.location == .line(line))
        #expect(error?.message == message)
    }

    /// trimesh, CloudCompare, Blender and MeshLab read faces whose texture coordinates or
    /// normals do not exist: the geometry is kept, the references dropped, one warning a file.
    @Test func danglingTextureAndNormalReferencesAreDroppedWithOneWarning() throws {
        let text =
            "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 1 1 0\n# no vt, no vn\nf 1/1/1 2/2/2 3/3/3\nf 2//1 4//1 3//1\nf 1/1 2/1 4/1\n"
        for chunkBytes in [1 << 20, 24] {  // in one chunk, and across many
            let document = try read(text, chunkBytes: chunkBytes)
            #expect(document.geometry.triangles == [0, 1, 2, 1, 3, 2, 0, 1, 3])
            #expect(
                document.warnings == [
                    "line 6: texture coordinate index 1 in '1/1/1' does not exist; 0 texture coordinates are defined: "
                        + "12 such references were dropped, the faces kept"
                ], "\(document.warnings)")
        }
        // Defined ones are still checked against what exists.
        let one = try read("v 0 0 0\nv 1 0 0\nv 0 1 0\nvn 0 0 1\nf 1//1 2//1 3//2\n")
        #expect(one.geometry.triangleCount == 1)
        #expect(one.warnings.first?.hasPrefix("line 5: normal index 2 in '3//2' does not exist; 1 normals") == true)
        #expect(one.warnings.first?.hasSuffix("this reference was dropped, the faces kept") == true)
    }

    @Test func aFileWithoutVerticesSaysSo() throws {
        #expect(try read("").warnings == ["no geometry: the file defines no vertex"])
        #expect(try read("# only a comment\n").warnings == ["no geometry: the file defines no vertex"])
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func corpusFilesReadWithTheirCounts() throws {
        // Counts as the files' own Meshlab headers state them, and by hand for the small ones.
        let expected: [(String, Int, Int, Int)] = [
            ("scans/models/stanford-bunny.obj", 35947, 69451, 69451),
            ("scans/corpus/fuze.obj", 502, 1000, 1000),
            ("scans/corpus/box.obj", 8, 6, 12),
            ("scans/corpus/negative_indices.obj", 8, 6, 12),
            ("scans/corpus/polygonfaces.obj", 5, 1, 3),
            ("scans/corpus/emptyIO_obj_wireframe.obj", 8, 0, 0),
            ("scans/corpus/empty.obj", 0, 0, 0),
        ]
        for (file, vertices, faces, triangles) in expected {
            let document = try OBJReader.read(path: SharedData.path(file))
            #expect(document.geometry.vertexCount == vertices, "\(file)")
            #expect(document.geometry.polygonCount == faces, "\(file)")
            #expect(document.geometry.triangleCount == triangles, "\(file)")
        }
        let wireframe = try OBJReader.read(path: SharedData.path("scans/corpus/emptyIO_obj_wireframe.obj"))
        #expect(wireframe.geometry.lineCount == 12)
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func everyOBJInTheSharedDataReads() throws {
        for folder in ["scans/corpus", "scans/models", "scans/preservation"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: SharedData.path(folder))
            where name.hasSuffix(".obj") {
                let summary = try ScanInspector.inspect(path: SharedData.path("\(folder)/\(name)"))
                #expect(summary.format == .obj, "\(name)")
                // The one "invalid" preservation sample is an OBJ whose MTL was deleted: a warning.
                if name.contains("invalid") { #expect(summary.warnings.contains { $0.contains("is missing") }) }
            }
        }
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func relatedFilesAreResolvedAndMissingOnesNamed() throws {
        let fuze = SharedData.path("scans/corpus/fuze.obj")
        let related = OBJRelatedFiles.resolve(
            objPath: fuze, libraries: try OBJReader.read(path: fuze).materialLibraries)
        #expect(related.references.map(\.name) == ["./fuze.obj.mtl", "uv.jpg"])
        #expect(related.references[0].path?.hasSuffix("scans/corpus/fuze.obj.mtl") == true)
        #expect(related.missing == ["uv.jpg"])
        let deleted = SharedData.path("scans/preservation/mesh-cube-obj-1.0-linked_mtl_file_deleted-invalid.obj")
        let summary = try ScanInspector.inspect(path: deleted)
        #expect(summary.warnings == ["referenced file 'deleted-material-file.mtl' is missing"])
    }
}
