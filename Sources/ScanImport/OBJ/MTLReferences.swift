import Foundation

/// The files an OBJ scan depends on: its material libraries and the texture maps they name.
public struct OBJRelatedFiles: Sendable, Equatable {
    public struct Reference: Sendable, Equatable {
        /// The name as the OBJ or MTL file wrote it.
        public var name: String
        /// Where it is on disk, or nil when it is missing.
        public var path: String?
    }

    public var references: [Reference]

    public var missing: [String] { references.filter { $0.path == nil }.map(\.name) }

    /// Resolves `mtllib` names next to `objPath`, and the `map_*`, `bump`, `disp`, `decal`,
    /// `norm` and `refl` entries of each library found, next to that library.
    public static func resolve(objPath: String, libraries: [String]) -> OBJRelatedFiles {
        var references: [Reference] = []
        func add(_ name: String, relativeTo base: URL) -> String? {
            let url = name.hasPrefix("/") ? URL(filePath: name) : base.appending(path: name)
            let path = url.standardizedFileURL.path
            let found = FileManager.default.fileExists(atPath: path) ? path : nil
            if !references.contains(where: { $0.name == name }) {
                references.append(Reference(name: name, path: found))
            }
            return found
        }
        let folder = URL(filePath: objPath).deletingLastPathComponent()
        for library in libraries {
            guard let path = add(library, relativeTo: folder),
                let text = try? String(contentsOfFile: path, encoding: .utf8)
            else { continue }
            let libraryFolder = URL(filePath: path).deletingLastPathComponent()
            for line in text.split(whereSeparator: \.isNewline) {
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard let keyword = words.first?.lowercased(),
                    keyword.hasPrefix("map_") || ["bump", "disp", "decal", "norm", "refl"].contains(keyword),
                    let file = words.last, words.count >= 2
                else { continue }
                _ = add(String(file), relativeTo: libraryFolder)
            }
        }
        return OBJRelatedFiles(references: references)
    }
}
