import Foundation
import GRDB

/// The register as a map: the sites in a bounding box gathered on a grid that fits the zoom
/// (a cell is 64 pixels of a Web Mercator map of 256-pixel tiles), each cell with its count,
/// its centre of mass and how many of its sites are in each condition; a cell holding one site
/// is that site. A million sites stay fast because the grid is made in memory from a snapshot
/// of every site's position, kind, latest condition, country and designations, sorted by
/// longitude; the snapshot is made again when the audit log has grown (every change to the
/// register is audited).
///
/// Without clearance, a restricted site is placed at its generalised position (the centre of
/// its 0.1° cell) for clustering and shown as that cell: nothing answered depends on where in
/// the cell it lies.
public final class SiteMap: @unchecked Sendable {
    /// What a map asks: its box (degrees; `west` > `east` crosses the antimeridian), its zoom,
    /// and the same filters as a site listing, with an optional text to search.
    public struct Request: Sendable {
        public var south: Double
        public var west: Double
        public var north: Double
        public var east: Double
        public var zoom: Int
        public var filter: SiteFilter
        public var text: String?

        public init(
            south: Double, west: Double, north: Double, east: Double, zoom: Int, filter: SiteFilter = SiteFilter(),
            text: String? = nil
        ) {
            self.south = south
            self.west = west
            self.north = north
            self.east = east
            self.zoom = zoom
            self.filter = filter
            self.text = text
        }
    }

    /// Several sites drawn as one: where their centre of mass is, how many, the box they fill,
    /// and how many are in each latest condition (`unassessed` for none yet).
    public struct Cluster: Codable, Sendable, Equatable {
        public var latitude: Double
        public var longitude: Double
        public var count: Int
        public var south: Double
        public var west: Double
        public var north: Double
        public var east: Double
        public var conditions: [String: Int]
    }

    /// A site drawn on its own; a generalised one comes with its 0.1° `cell` (south, west,
    /// north, east), which is what is drawn.
    public struct Marker: Codable, Sendable, Equatable {
        public var site: SiteSummary
        public var cell: [Double]?
    }

    public struct Answer: Codable, Sendable {
        public var zoom: Int
        /// Sites in the box that pass the filters.
        public var total: Int
        public var clusters: [Cluster]
        public var sites: [Marker]
    }

    /// From this zoom on, every site is drawn on its own.
    public static let individualZoom = 17
    /// Most sites drawn on their own in one answer; beyond it, cells of several stay clusters.
    public static let maximumMarkers = 2_000
    /// Most grid cells one answer may cover (a box far larger than a screen at its zoom is refused).
    public static let maximumCells = 1 << 16

    private let store: HeritageArchive
    private let lock = NSLock()
    private var snapshot: Snapshot?

    public init(store: HeritageArchive) {
        self.store = store
    }

    /// The map of `request`'s box, as `includeRestricted` may see it.
    public func answer(_ request: Request, includeRestricted: Bool) throws -> Answer {
        guard [request.south, request.west, request.north, request.east].allSatisfy(\.isFinite),
            request.south <= request.north
        else {
            throw HeritageStoreError(.invalidInput, "the box is SOUTH,WEST,NORTH,EAST in degrees, south below north")
        }
        guard (0...22).contains(request.zoom) else {
            throw HeritageStoreError(.invalidInput, "zoom must be 0 to 22")
        }
        let current = try currentSnapshot()
        let matches = try request.text.flatMap { $0.trimmed.isEmpty ? nil : $0 }.map { try matchingSeqs($0) }
        var grid = try Grid(request: request, snapshot: current)
        current.visit(request, includeRestricted: includeRestricted, matches: matches) { index, x, y in
            grid.add(index, x: x, y: y, condition: current.condition[index])
        }
        var clusters: [Cluster] = []
        var single: [Int] = []
        let individual = request.zoom >= Self.individualZoom
        for (cell, bucket) in grid.buckets.enumerated() where bucket.count > 0 {
            if bucket.count == 1 || (individual && bucket.members.count == bucket.count) {
                single.append(contentsOf: bucket.members)
            } else {
                clusters.append(bucket.cluster(conditions: grid.conditions(of: cell)))
            }
        }
        if single.count > Self.maximumMarkers {
            // Too many to draw one by one: the cells of one stay cells.
            single = Array(single.prefix(Self.maximumMarkers))
        }
        let markers = try markers(single.map { current.seq[$0] }, includeRestricted: includeRestricted)
        return Answer(
            zoom: request.zoom, total: grid.total, clusters: clusters.sorted { $0.count > $1.count }, sites: markers)
    }

    // MARK: The snapshot

    /// Every site's place on the map and what the filters ask of it, sorted by x.
    struct Snapshot {
        var head: Int64
        var seq: [Int64] = []
        /// Web Mercator, 0-1 across and down; `gx`/`gy` the generalised position's (the same
        /// unless the site is restricted).
        var x: [Float] = []
        var y: [Float] = []
        var gx: [Float] = []
        var gy: [Float] = []
        var restricted: [Bool] = []
        /// `OverallCondition.allCases` index + 1; 0 when never assessed.
        var condition: [UInt8] = []
        /// `SiteKind.allCases` index.
        var kind: [UInt8] = []
        /// A bit per `DesignationType.allCases` index.
        var designations: [UInt16] = []
        /// Index into `countries` + 1; 0 for none.
        var country: [UInt16] = []
        var countries: [String] = []

        /// Calls `body` with each site in `request`'s box that passes its filters, at the
        /// position this reader may see.
        func visit(
            _ request: Request, includeRestricted: Bool, matches: SeqSet?, _ body: (Int, Float, Float) -> Void
        ) {
            let kinds = request.filter.kinds.compactMap { kind in SiteKind.allCases.firstIndex(of: kind) }
                .map(UInt8.init)
            let wantedCondition: UInt8? =
                request.filter.unassessed
                ? 0
                : request.filter.latestCondition.flatMap { OverallCondition.allCases.firstIndex(of: $0) }
                    .map { UInt8($0 + 1) }
            let designationBit = request.filter.designation.flatMap { DesignationType.allCases.firstIndex(of: $0) }
                .map { UInt16(1) << UInt16($0) }
            var wantedCountry: UInt16?
            if let code = request.filter.country?.uppercased(), !code.isEmpty {
                // A country no site has: nothing passes.
                wantedCountry = countries.firstIndex(of: code).map { UInt16($0 + 1) } ?? UInt16.max
            }
            let y0 = Float(Mercator.y(request.north))
            let y1 = Float(Mercator.y(request.south))
            // A generalised position lies up to 0.05° from the exact one the order is by.
            let pad: Float = includeRestricted ? 0 : Float(0.051 / 360)
            for (x0, x1) in Mercator.xRanges(west: request.west, east: request.east) {
                let low = lowerBound(Float(x0) - pad)
                let high = lowerBound(Float(x1) + pad + .ulpOfOne)
                for index in low..<high {
                    if !kinds.isEmpty && !kinds.contains(kind[index]) { continue }
                    if let wantedCondition, condition[index] != wantedCondition { continue }
                    if let designationBit, designations[index] & designationBit == 0 { continue }
                    if let wantedCountry, country[index] != wantedCountry { continue }
                    if let matches, !matches.contains(seq[index]) { continue }
                    let generalise = restricted[index] && !includeRestricted
                    let px = generalise ? gx[index] : x[index]
                    let py = generalise ? gy[index] : y[index]
                    guard px >= Float(x0), px <= Float(x1), py >= y0, py <= y1 else { continue }
                    body(index, px, py)
                }
            }
        }

        /// The first index whose x is not below `value`.
        func lowerBound(_ value: Float) -> Int {
            var low = 0
            var high = x.count
            while low < high {
                let middle = (low + high) / 2
                if x[middle] < value { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    /// The snapshot as the register now stands: made again when the audit log has grown.
    private func currentSnapshot() throws -> Snapshot {
        let head = try store.read { db in try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM auditEvent") ?? 0 }
        return try lock.withLock {
            if let snapshot, snapshot.head == head { return snapshot }
            let made = try makeSnapshot(head: head)
            snapshot = made
            return made
        }
    }

    private func makeSnapshot(head: Int64) throws -> Snapshot {
        struct Row {
            var seq: Int64
            var x: Float, y: Float, gx: Float, gy: Float
            var restricted: Bool
            var condition: UInt8, kind: UInt8, designations: UInt16, country: UInt16
        }
        var rows: [Row] = []
        var countryIndex: [String: UInt16] = [:]
        var countries: [String] = []
        let conditionIndex = Dictionary(
            uniqueKeysWithValues: OverallCondition.allCases.enumerated().map { ($1.rawValue, UInt8($0 + 1)) })
        let kindIndex = Dictionary(
            uniqueKeysWithValues: SiteKind.allCases.enumerated().map { ($1.rawValue, UInt8($0)) })
        let designationBit = Dictionary(
            uniqueKeysWithValues: DesignationType.allCases.enumerated().map { ($1.rawValue, UInt16(1) << UInt16($0)) })
        try store.read { db in
            var designations: [Int64: UInt16] = [:]
            let typed = try SeqText.cursor(db, sql: "SELECT siteSeq, type FROM siteDesignation")
            while let row = try typed.next() {
                designations[row.seq, default: 0] |= designationBit[row.text] ?? 0
            }
            let cursor = try GRDB.Row.fetchCursor(
                db,
                sql: """
                    SELECT s.seq, s.latitude, s.longitude, s.sensitivity, s.kind, s.country,
                        (SELECT l.overallCondition FROM siteLatestCondition l WHERE l.siteId = s.id)
                    FROM site s
                    """)
            while let row = try cursor.next() {
                let seq: Int64 = row[0]
                let point = GeoPoint(uncheckedLatitude: row[1], longitude: row[2])
                let general = point.generalised
                let restricted = (row[3] as String) == Sensitivity.restricted.rawValue
                var country: UInt16 = 0
                if let code: String = row[5] {
                    if let known = countryIndex[code] {
                        country = known
                    } else {
                        countries.append(code)
                        country = UInt16(min(countries.count, Int(UInt16.max - 1)))
                        countryIndex[code] = country
                    }
                }
                rows.append(
                    Row(
                        seq: seq, x: Float(Mercator.x(point.longitude)), y: Float(Mercator.y(point.latitude)),
                        gx: Float(Mercator.x(general.longitude)), gy: Float(Mercator.y(general.latitude)),
                        restricted: restricted, condition: (row[6] as String?).flatMap { conditionIndex[$0] } ?? 0,
                        kind: kindIndex[row[4] as String] ?? 0, designations: designations[seq] ?? 0,
                        country: country))
            }
        }
        rows.sort { $0.x < $1.x }
        var made = Snapshot(head: head)
        made.countries = countries
        made.seq = rows.map(\.seq)
        made.x = rows.map(\.x)
        made.y = rows.map(\.y)
        made.gx = rows.map(\.gx)
        made.gy = rows.map(\.gy)
        made.restricted = rows.map(\.restricted)
        made.condition = rows.map(\.condition)
        made.kind = rows.map(\.kind)
        made.designations = rows.map(\.designations)
        made.country = rows.map(\.country)
        return made
    }

    /// The sites whose names, codes or texts match `text` (every word a prefix), as a set of seqs.
    private func matchingSeqs(_ text: String) throws -> SeqSet {
        let query = try HeritageArchive.ftsQuery(text)
        return try store.read { db in
            var set = SeqSet()
            let cursor = try Int64.fetchCursor(
                db, sql: "SELECT rowid FROM siteSearch WHERE siteSearch MATCH ?", arguments: [query])
            while let seq = try cursor.next() { set.insert(seq) }
            return set
        }
    }

    /// The sites drawn on their own, as listings show them (restricted ones generalised
    /// unless `includeRestricted`).
    private func markers(_ seqs: [Int64], includeRestricted: Bool) throws -> [Marker] {
        guard !seqs.isEmpty else { return [] }
        return try store.read { db in
            var found: [Marker] = []
            for start in stride(from: 0, to: seqs.count, by: 500) {
                let part = seqs[start..<min(seqs.count, start + 500)]
                let rows = try SummaryRow.fetchAll(
                    db,
                    sql:
                        "\(HeritageArchive.summarySelect) WHERE s.seq IN (\(part.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(Array(part)))
                for row in rows {
                    let site = HeritageArchive.summary(row, from: nil, includeRestricted: includeRestricted)
                    var cell: [Double]?
                    if site.generalised {
                        let south = (site.latitude * 10).rounded(.down) / 10
                        let west = (site.longitude * 10).rounded(.down) / 10
                        cell = [south, west, south + 0.1, west + 0.1].map { ($0 * 10).rounded() / 10 }
                    }
                    found.append(Marker(site: site, cell: cell))
                }
            }
            return found.sorted { $0.site.code < $1.site.code }
        }
    }
}

/// Rows of (seq, text) read by position.
private struct SeqText: FetchableRecord {
    var seq: Int64
    var text: String
    init(row: GRDB.Row) {
        seq = row[0]
        text = row[1]
    }

    static func cursor(_ db: Database, sql: String) throws -> RecordCursor<SeqText> {
        try SeqText.fetchCursor(db, sql: sql)
    }
}

/// A set of row ids as a bitmap: the text matches of a search, tested once per site.
struct SeqSet {
    private var words: [UInt64] = []

    mutating func insert(_ seq: Int64) {
        guard seq >= 0 else { return }
        let word = Int(seq >> 6)
        if word >= words.count { words += [UInt64](repeating: 0, count: word - words.count + 1) }
        words[word] |= 1 << UInt64(seq & 63)
    }

    func contains(_ seq: Int64) -> Bool {
        let word = Int(seq >> 6)
        return seq >= 0 && word < words.count && words[word] & (1 << UInt64(seq & 63)) != 0
    }
}

/// Web Mercator (EPSG:3857) as fractions of the world: x 0-1 from the antimeridian eastwards,
/// y 0-1 from the top (85.05° N) down.
enum Mercator {
    static let maximumLatitude = 85.0511287798

    static func x(_ longitude: Double) -> Double { (longitude + 180) / 360 }

    static func y(_ latitude: Double) -> Double {
        let clamped = min(max(latitude, -maximumLatitude), maximumLatitude) * .pi / 180
        return (1 - log(tan(clamped) + 1 / cos(clamped)) / .pi) / 2
    }

    static func latitude(_ y: Double) -> Double {
        atan(sinh(.pi * (1 - 2 * y))) * 180 / .pi
    }

    static func longitude(_ x: Double) -> Double { x * 360 - 180 }

    /// The x ranges a box spans: one, or two when it crosses the antimeridian; all of it when
    /// it is a world wide or more.
    static func xRanges(west: Double, east: Double) -> [(Double, Double)] {
        if east - west >= 360 { return [(0, 1)] }
        func wrapped(_ longitude: Double) -> Double {
            var value = (longitude + 180).truncatingRemainder(dividingBy: 360)
            if value < 0 { value += 360 }
            return value - 180
        }
        let w = wrapped(west)
        let e = east == 180 ? 180 : wrapped(east)
        if w <= e { return [(x(w), x(e))] }
        return [(x(w), 1), (0, x(e))]
    }
}

/// The grid of one answer: a bucket per cell of the box at its zoom.
private struct Grid {
    struct Bucket {
        var count = 0
        var sumX = 0.0
        var sumY = 0.0
        var minX: Float = .infinity
        var maxX: Float = -.infinity
        var minY: Float = .infinity
        var maxY: Float = -.infinity
        /// The first few members, to draw on their own when the cell holds few enough.
        var members: [Int] = []

        /// The bucket as a cluster; `conditions` its counts by condition index (0: never assessed).
        func cluster(conditions: ArraySlice<Int32>) -> SiteMap.Cluster {
            var counts: [String: Int] = [:]
            for (offset, count) in conditions.enumerated() where count > 0 {
                let index = offset
                counts[index == 0 ? "unassessed" : OverallCondition.allCases[index - 1].rawValue] = Int(count)
            }
            func round(_ value: Double) -> Double { (value * 1e6).rounded() / 1e6 }
            return SiteMap.Cluster(
                latitude: round(Mercator.latitude(sumY / Double(count))),
                longitude: round(Mercator.longitude(sumX / Double(count))), count: count,
                south: round(Mercator.latitude(Double(maxY))), west: round(Mercator.longitude(Double(minX))),
                north: round(Mercator.latitude(Double(minY))), east: round(Mercator.longitude(Double(maxX))),
                conditions: counts)
        }
    }

    let cellsPerSide: Double
    let column0: Int
    let row0: Int
    let columns: Int
    let rows: Int
    var buckets: [Bucket]
    /// Per bucket, its sites by condition index (0: never assessed).
    var conditions: [Int32]
    static let conditionSlots = OverallCondition.allCases.count + 1
    var total = 0
    /// Members kept per bucket: all of them at the zoom where sites are drawn on their own.
    let keep: Int

    init(request: SiteMap.Request, snapshot: SiteMap.Snapshot) throws {
        cellsPerSide = Double(4 << request.zoom)
        let ranges = Mercator.xRanges(west: request.west, east: request.east)
        let top = Mercator.y(request.north)
        let bottom = Mercator.y(request.south)
        let width = ranges.reduce(0) { $0 + ($1.1 - $1.0) }
        // Columns count from the box's western edge, across the antimeridian when it crosses.
        column0 = Int((ranges[0].0 * cellsPerSide).rounded(.down))
        row0 = Int((top * cellsPerSide).rounded(.down))
        columns = Int((width * cellsPerSide).rounded(.up)) + 2
        rows = Int(((bottom - top) * cellsPerSide).rounded(.up)) + 2
        guard columns * rows <= SiteMap.maximumCells else {
            throw HeritageStoreError(
                .invalidInput, "the box is too large for zoom \(request.zoom): zoom out, or ask for a smaller box")
        }
        buckets = Array(repeating: Bucket(), count: columns * rows)
        conditions = Array(repeating: 0, count: columns * rows * Self.conditionSlots)
        keep = request.zoom >= SiteMap.individualZoom ? SiteMap.maximumMarkers : 1
    }

    func conditions(of cell: Int) -> ArraySlice<Int32> {
        conditions[(cell * Self.conditionSlots)..<((cell + 1) * Self.conditionSlots)]
    }

    mutating func add(_ index: Int, x: Float, y: Float, condition: UInt8) {
        var column = Int((Double(x) * cellsPerSide).rounded(.down)) - column0
        if column < 0 { column += Int(cellsPerSide) }  // east of the antimeridian, in a crossing box
        let row = Int((Double(y) * cellsPerSide).rounded(.down)) - row0
        guard column >= 0, column < columns, row >= 0, row < rows else { return }
        total += 1
        let cell = row * columns + column
        buckets[cell].count += 1
        buckets[cell].sumX += Double(x)
        buckets[cell].sumY += Double(y)
        buckets[cell].minX = min(buckets[cell].minX, x)
        buckets[cell].maxX = max(buckets[cell].maxX, x)
        buckets[cell].minY = min(buckets[cell].minY, y)
        buckets[cell].maxY = max(buckets[cell].maxY, y)
        conditions[cell * Self.conditionSlots + Int(condition)] += 1
        if buckets[cell].members.count < keep { buckets[cell].members.append(index) }
    }
}
