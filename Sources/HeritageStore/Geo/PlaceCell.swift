import GRDB

/// Where a site lies in the place index (`sitePlace`): the Z-order (Morton) code of its cell in a
/// grid of 2^20 × 2^20 cells over longitude and latitude (about 38 m by 19 m at the equator).
/// Codes of nearby cells are mostly near each other, so the table, keyed by code, keeps
/// neighbours on the same pages, and a box is a few ranges of codes.
///
/// Stored codes are compared with codes computed by later versions: this mapping is part of the
/// schema (migration v10) and never changes.
enum PlaceCell {
    static let bits = 20
    static let side = 1 << bits

    /// The SQL function `heritage_place_cell(latitude, longitude)`, registered on every connection
    /// to the registry: the store's statements compute codes with it, and verify checks them.
    static let function = DatabaseFunction("heritage_place_cell", argumentCount: 2, pure: true) { values in
        guard let latitude = Double.fromDatabaseValue(values[0]),
            let longitude = Double.fromDatabaseValue(values[1])
        else { return nil }
        return code(latitude: latitude, longitude: longitude)
    }

    static func code(latitude: Double, longitude: Double) -> Int64 {
        interleave(column: column(longitude), row: row(latitude))
    }

    /// The cell column of a longitude, -180 at 0, 180 in the last (non-finite values clamp to 0).
    static func column(_ longitude: Double) -> Int { scaled((longitude + 180) / 360) }

    /// The cell row of a latitude, -90 at 0, 90 in the last.
    static func row(_ latitude: Double) -> Int { scaled((latitude + 90) / 180) }

    private static func scaled(_ fraction: Double) -> Int {
        let cell = (fraction * Double(side)).rounded(.down)
        guard cell.isFinite, cell > 0 else { return 0 }
        return cell >= Double(side - 1) ? side - 1 : Int(cell)
    }

    /// Column bits at even positions, row bits at odd ones.
    static func interleave(column: Int, row: Int) -> Int64 {
        Int64(spread(UInt64(column)) | spread(UInt64(row)) << 1)
    }

    /// The low 20 bits of `value` moved to the even bit positions 0-38.
    private static func spread(_ value: UInt64) -> UInt64 {
        var bits = value & 0xF_FFFF
        bits = (bits | bits << 16) & 0x0000_FFFF_0000_FFFF
        bits = (bits | bits << 8) & 0x00FF_00FF_00FF_00FF
        bits = (bits | bits << 4) & 0x0F0F_0F0F_0F0F_0F0F
        bits = (bits | bits << 2) & 0x3333_3333_3333_3333
        bits = (bits | bits << 1) & 0x5555_5555_5555_5555
        return bits
    }

    /// Ranges of codes, ascending and apart, that hold the code of every point of `box`
    /// (`west <= east`), and of some points near it. The box's cells are covered by quadtree
    /// nodes, each a range of codes: nodes inside the box whole, and nodes on its edge cut down
    /// to an eighth of the box's longer side and then taken whole. So a box is at most a few dozen
    /// ranges, and the rows read beyond it are a margin of an eighth of its size.
    static func ranges(covering box: GeoBox) -> [ClosedRange<Int64>] {
        let (west, east) = (column(box.west), column(box.east))
        let (south, north) = (row(box.south), row(box.north))
        let longest = max(east - west, north - south) + 1
        var smallest = 1
        while smallest * 8 < longest { smallest <<= 1 }
        var ranges: [ClosedRange<Int64>] = []
        func cover(column: Int, row: Int, size: Int) {
            let (lastColumn, lastRow): (Int, Int) = (column + size - 1, row + size - 1)
            guard column <= east, lastColumn >= west, row <= north, lastRow >= south else { return }
            let across: Bool = column >= west && lastColumn <= east
            let inside: Bool = across && row >= south && lastRow <= north
            if inside || size <= smallest {
                let first = interleave(column: column, row: row)
                let last = first + Int64(size) * Int64(size) - 1
                if let previous = ranges.last, previous.upperBound + 1 == first {
                    ranges[ranges.count - 1] = previous.lowerBound...last
                } else {
                    ranges.append(first...last)
                }
                return
            }
            let half = size / 2
            // Z order: column bit first, then row bit.
            cover(column: column, row: row, size: half)
            cover(column: column + half, row: row, size: half)
            cover(column: column, row: row + half, size: half)
            cover(column: column + half, row: row + half, size: half)
        }
        cover(column: 0, row: 0, size: side)
        return ranges
    }
}
