/// What `heritage inspect` reports about a file: the same keys for every format, `nil` where a
/// key does not apply (a photo has no vertices, a scan no EXIF).
public struct ScanSummary: Sendable, Equatable, Encodable {
    public enum Format: String, Sendable, Codable {
        case ply, obj, las, jpeg, png, ptx, pts, e57
    }

    public var format: Format
    public var vertexCount: Int?
    /// Faces as written in the file, before triangulation.
    public var faceCount: Int?
    public var triangleCount: Int?
    public var lineCount: Int?
    /// The box around the vertices whose coordinates are all finite.
    public var bounds: Bounds?
    /// Scans: how many vertices have a NaN or infinite coordinate (left out of the bounds, the
    /// comparisons and the heat maps).
    public var nonFiniteCount: Int?
    /// Declared properties, as `element.name:type` (`vertex.x:float32`, `face.vertex_indices:list<uint8,int32>`).
    public var properties: [String]
    /// Element names and record counts, in file order (PLY).
    public var elements: [ElementCount]?
    public var comments: [String]
    /// Files the scan refers to (OBJ `mtllib`, texture maps), as written.
    public var relatedFiles: [String]?
    public var width: Int?
    public var height: Int?
    public var exif: ExifSummary?
    public var gps: GPSSummary?
    /// The coordinate reference system a LAS file states (WKT or EPSG code), and its units.
    public var crs: String?
    public var units: String?
    /// The scanner stations of a file that holds several scans (PTX, E57), with their poses.
    public var scans: [ScanStation]?
    /// The photographs an E57 file carries, with their cameras and poses.
    public var images: [E57Image]?
    /// A COPC file's octree: its depth, nodes and hierarchy pages.
    public var copc: COPCSummary?
    public var warnings: [String]

    public init(format: Format) {
        self.format = format
        properties = []
        comments = []
        warnings = []
    }

    public struct ElementCount: Sendable, Equatable, Codable {
        public var name: String
        public var count: Int
    }

    public struct ExifSummary: Sendable, Equatable, Codable {
        public var make: String?
        public var model: String?
        public var dateTimeOriginal: String?
        public var orientation: Int?
    }

    public struct GPSSummary: Sendable, Equatable, Codable {
        public var latitude: Double?
        public var longitude: Double?
        public var altitude: Double?
    }

    enum CodingKeys: String, CodingKey {
        case format, vertexCount, faceCount, triangleCount, lineCount, bounds, nonFiniteCount, properties, elements
        case comments
        case relatedFiles, width, height, exif, gps, crs, units, scans, images, copc, warnings
    }

    /// Encodes every key, `null` included, so the JSON shape is the same for every file.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(vertexCount, forKey: .vertexCount)
        try container.encode(faceCount, forKey: .faceCount)
        try container.encode(triangleCount, forKey: .triangleCount)
        try container.encode(lineCount, forKey: .lineCount)
        try container.encode(bounds, forKey: .bounds)
        try container.encode(nonFiniteCount, forKey: .nonFiniteCount)
        try container.encode(properties, forKey: .properties)
        try container.encode(elements, forKey: .elements)
        try container.encode(comments, forKey: .comments)
        try container.encode(relatedFiles, forKey: .relatedFiles)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encode(exif, forKey: .exif)
        try container.encode(gps, forKey: .gps)
        try container.encode(crs, forKey: .crs)
        try container.encode(units, forKey: .units)
        try container.encode(scans, forKey: .scans)
        try container.encode(images, forKey: .images)
        try container.encode(copc, forKey: .copc)
        try container.encode(warnings, forKey: .warnings)
    }
}

extension ScanSummary {
    /// The summary of a read PLY document (every face index checked).
    init(ply document: PLYDocument, file: String) throws(ScanImportError) {
        self.init(format: .ply)
        let statistics = try document.statistics(file: file)
        vertexCount = statistics.vertexCount
        faceCount = statistics.polygonCount
        triangleCount = statistics.triangleCount
        lineCount = statistics.lineCount
        bounds = statistics.bounds
        noteNonFinite(statistics.nonFiniteCount)
        properties = document.header.elements.flatMap { element in
            element.properties.map { property in
                switch property.kind {
                case .scalar(let type): "\(element.name).\(property.name):\(type.rawValue)"
                case .list(let count, let item):
                    "\(element.name).\(property.name):list<\(count.rawValue),\(item.rawValue)>"
                }
            }
        }
        elements = document.header.elements.map { ElementCount(name: $0.name, count: $0.count) }
        comments = document.header.comments + document.header.objInfo.map { "obj_info \($0)" }
        warnings = document.warnings + warnings
    }

    /// Records how many vertices are not finite, with a warning when any is.
    mutating func noteNonFinite(_ count: Int) {
        nonFiniteCount = count
        guard count > 0, let vertices = vertexCount else { return }
        warnings.append(
            "\(count) of \(vertices) vertices have a NaN or infinite coordinate: left out of the bounds and of comparisons"
        )
    }
}

extension ScanSummary {
    /// The summary of a read OBJ document; `related` lists the files it refers to.
    init(obj document: OBJDocument, related: OBJRelatedFiles) {
        self.init(format: .obj)
        vertexCount = document.vertexCount
        faceCount = document.geometry.polygonCount
        triangleCount = document.triangleCount
        lineCount = document.geometry.lineCount
        bounds = document.bounds.bounds
        properties = ["v:position"]
        if document.hasColour { properties.append("v:color") }
        if document.textureCoordinateCount > 0 { properties.append("vt:\(document.textureCoordinateCount)") }
        if document.normalCount > 0 { properties.append("vn:\(document.normalCount)") }
        if document.pointCount > 0 { properties.append("p:\(document.pointCount)") }
        properties +=
            document.objects.map { "o:\($0)" } + document.groups.map { "g:\($0)" }
            + document.materials.map { "usemtl:\($0)" }
        comments = document.comments
        relatedFiles = related.references.map(\.name)
        warnings = document.warnings + related.missing.map { "referenced file '\($0)' is missing" }
        noteNonFinite(document.bounds.nonFinite)
    }
}

extension ScanSummary {
    /// The summary of a photograph's structure and metadata.
    init(photo: PhotoMetadata) {
        self.init(format: photo.format)
        width = photo.width
        height = photo.height
        if let metadata = photo.exif {
            exif = ExifSummary(
                make: metadata.make, model: metadata.model, dateTimeOriginal: metadata.dateTimeOriginal,
                orientation: metadata.orientation)
            if let position = metadata.gps {
                gps = GPSSummary(
                    latitude: position.latitude, longitude: position.longitude, altitude: position.altitude)
            }
        }
        warnings = photo.warnings
    }
}

/// What `inspect` says of a COPC file's octree.
public struct COPCSummary: Sendable, Equatable, Codable {
    /// Levels, the root's included.
    public var depth: Int
    /// Nodes that hold points.
    public var nodeCount: Int
    public var pageCount: Int
    public var pointsPerLevel: [Int]
    public var center: [Double]
    public var halfSize: Double
    /// The distance between points at the root level, halved at each level down.
    public var spacing: Double

    public init(_ hierarchy: COPCHierarchy) {
        depth = hierarchy.depth
        nodeCount = hierarchy.nodes.count
        pageCount = hierarchy.pageCount
        pointsPerLevel = hierarchy.pointsPerLevel
        center = hierarchy.info.center
        halfSize = hierarchy.info.halfSize
        spacing = hierarchy.info.spacing
    }
}

extension ScanSummary {
    /// The summary of a LAS point cloud, from its header and its points' bounds.
    init(las header: LASHeader, bounds pointBounds: Bounds?, copc hierarchy: COPCHierarchy? = nil) {
        self.init(format: .las)
        vertexCount = header.pointCount
        faceCount = 0
        triangleCount = 0
        lineCount = 0
        bounds = pointBounds
        nonFiniteCount = 0  // LAS coordinates are scaled integers
        properties = ["X", "Y", "Z", "intensity", "return_number", "number_of_returns", "classification"]
        if [1, 3, 4, 5, 6, 7, 8, 9, 10].contains(header.pointFormat) { properties.append("gps_time") }
        if [2, 3, 5, 7, 8, 10].contains(header.pointFormat) { properties += ["red", "green", "blue"] }
        comments = [
            "LAS \(header.versionMajor).\(header.versionMinor), point format \(header.pointFormat), \(header.recordLength)-byte records",
            "scale \(header.scale.map { String($0) }.joined(separator: " ")), offset \(header.offset.map { String($0) }.joined(separator: " "))",
        ]
        if let compression = header.compression {
            let chunks = compression.chunkSize.map { "chunks of \($0) points" } ?? "chunks of varying size"
            comments.append("LAZ: compressed by LASzip \(compression.version), \(chunks)")
        }
        if let hierarchy {
            copc = COPCSummary(hierarchy)
            comments.append(
                "COPC: an octree of \(hierarchy.depth) levels, \(hierarchy.nodes.count) nodes on "
                    + "\(hierarchy.pageCount) hierarchy page\(hierarchy.pageCount == 1 ? "" : "s")")
        }
        if !header.systemIdentifier.isEmpty { comments.append("system: \(header.systemIdentifier)") }
        if !header.generatingSoftware.isEmpty { comments.append("software: \(header.generatingSoftware)") }
        if header.creationYear > 0 {
            comments.append("created: day \(header.creationDay) of \(header.creationYear)")
        }
        crs = header.crs
        units = header.units
        warnings = header.warnings + (header.boundsWarning(pointBounds).map { [$0] } ?? [])
    }
}

extension ScanSummary {
    /// The summary of an E57 file: its points, each scan's station and pose, its images.
    init(e57 document: E57Document) {
        self.init(format: .e57)
        vertexCount = document.pointCount
        faceCount = 0
        triangleCount = 0
        lineCount = 0
        bounds = document.bounds
        nonFiniteCount = document.nonFiniteCount
        properties = document.fields
        scans = document.stations
        images = document.images
        crs = document.crs
        let count = document.stations.count
        let posed = document.stations.filter { $0.pose != nil }.count
        comments = [
            count == 0
                ? "E57: no scans"
                : "E57: \(count) scan\(count == 1 ? "" : "s")"
                    + (posed == 0
                        ? "" : posed == 1 && count == 1 ? ", placed by its pose" : ", \(posed) placed by their poses")
        ]
        if let software = document.software, !software.isEmpty { comments.append("software: \(software)") }
        let invalid = document.stations.reduce(0) { $0 + $1.invalidCount }
        if invalid > 0 {
            comments.append("\(invalid) point\(invalid == 1 ? "" : "s") the scanner marked invalid left out")
        }
        if !document.images.isEmpty {
            comments.append("\(document.images.count) image\(document.images.count == 1 ? "" : "s")")
        }
        warnings = document.warnings
    }

    /// The summary of a PTX or PTS file: its points, and for PTX each scan's station.
    init(text document: TextScanDocument, format: Format) {
        self.init(format: format)
        vertexCount = document.pointCount
        faceCount = 0
        triangleCount = 0
        lineCount = 0
        bounds = document.bounds
        nonFiniteCount = 0
        properties = ["x", "y", "z"] + (document.hasIntensity ? ["intensity"] : [])
        if document.hasColour { properties += ["red", "green", "blue"] }
        if format == .ptx {
            scans = document.stations
            let invalid = document.stations.reduce(0) { $0 + $1.invalidCount }
            let count = document.stations.count
            comments = [
                count == 1
                    ? "PTX: 1 scan, placed by its registration matrix"
                    : "PTX: \(count) scans, each placed by its registration matrix"
            ]
            if invalid > 0 {
                comments.append("\(invalid) grid cell\(invalid == 1 ? "" : "s") without a return (0 0 0) left out")
            }
        } else {
            comments = ["PTS"]
        }
        warnings = document.warnings
    }
}
