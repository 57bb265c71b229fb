import Dispatch
import Foundation

/// An E57 file's physical layer (ASTM E2807 §8): a 48-byte header, then pages (1,024 bytes)
/// each ending in a big-endian CRC-32C of the rest. The data proper is the "logical" stream
/// of the pages without their checksums; sections and the XML are addressed in it, but the
/// XML names sections by physical offset.
struct E57File {
    struct Header {
        var major: UInt32
        var minor: UInt32
        var physicalLength: Int
        var xmlPhysicalOffset: Int
        var xmlLogicalLength: Int
        var pageSize: Int
    }

    let bytes: UnsafeRawBufferPointer
    let file: String
    let header: Header
    /// Bytes of data in a page (the page less its checksum).
    let payload: Int
    /// The logical stream's length.
    let logicalLength: Int
    /// Gives back the pages of a physical byte range once read (a mapped file's), returning
    /// where it got to; nil when the bytes are not a mapping.
    let releasePages: (@Sendable (Int, Int) -> Int)?

    static let signature = Array("ASTM-E57".utf8)

    /// Reads the header and checks every page's checksum (on every core).
    init(
        _ bytes: UnsafeRawBufferPointer, file: String, releasePages: (@Sendable (Int, Int) -> Int)? = nil
    ) throws(ScanImportError) {
        self.bytes = bytes
        self.file = file
        self.releasePages = releasePages
        guard bytes.count >= 48 else {
            throw ScanImportError(
                .truncated, file: file, at: .byteOffset(0), "is \(bytes.count) bytes; an E57 header alone is 48")
        }
        guard zip(bytes, Self.signature).allSatisfy({ $0 == $1 }) else {
            throw ScanImportError(.malformedHeader, file: file, at: .byteOffset(0), "does not begin with ASTM-E57")
        }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        func size(_ at: Int, _ what: String) throws(ScanImportError) -> Int {
            let value = u64(at)
            guard value <= UInt64(Int.max / 2) else {
                throw ScanImportError(.malformedHeader, file: file, at: .byteOffset(at), "the \(what) is \(value)")
            }
            return Int(value)
        }
        let header = Header(
            major: u32(8), minor: u32(12), physicalLength: try size(16, "file's length"),
            xmlPhysicalOffset: try size(24, "XML section's offset"), xmlLogicalLength: try size(32, "XML's length"),
            pageSize: try size(40, "page size"))
        guard header.major == 1 else {
            throw ScanImportError(
                .unsupported, file: file, at: .byteOffset(8),
                "is E57 version \(header.major).\(header.minor); heritage reads version 1 (ASTM E2807)")
        }
        guard header.pageSize >= 64, header.pageSize <= 1 << 20, header.pageSize % 4 == 0 else {
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(40),
                "the page size is \(header.pageSize) bytes; expected 1024 (64 to 1 MiB, a multiple of 4)")
        }
        guard header.physicalLength % header.pageSize == 0, header.physicalLength >= header.pageSize else {
            throw ScanImportError(
                .malformedHeader, file: file, at: .byteOffset(16),
                "the file's length, \(header.physicalLength) bytes, is not a whole number of \(header.pageSize)-byte pages"
            )
        }
        guard header.physicalLength <= bytes.count else {
            throw ScanImportError(
                .truncated, file: file, at: .byteOffset(bytes.count),
                "the file is \(bytes.count) bytes; its header says \(header.physicalLength)")
        }
        self.header = header
        payload = header.pageSize - 4
        logicalLength = header.physicalLength / header.pageSize * payload
        try checkPages()
    }

    /// Every page's CRC-32C; the first bad page is named by its offset. The workers take
    /// blocks of 4 MiB in turn, so together they move through the file front to back, and give
    /// each block's pages back behind them: a file of any size is checked in little memory.
    private func checkPages() throws(ScanImportError) {
        let pages = header.physicalLength / header.pageSize
        let pageSize = header.pageSize
        let pagesPerBlock = max(1, (4 << 20) / pageSize)
        let blocks = (pages + pagesPerBlock - 1) / pagesPerBlock
        let workers = max(1, min(pages / 256, ProcessInfo.processInfo.activeProcessorCount))
        let bad = UnsafeSlots<Int>(count: workers)
        let shared = UnsafeShared(bytes)
        let releasePages = releasePages
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let base = shared.value
            for block in stride(from: worker, to: blocks, by: workers) {
                let first = block * pagesPerBlock
                let end = min(pages, first + pagesPerBlock)
                for page in first..<end {
                    let start = page * pageSize
                    let computed = CRC32C.checksum(
                        UnsafeRawBufferPointer(rebasing: base[start..<(start + pageSize - 4)]))
                    let stored = UInt32(
                        bigEndian: base.loadUnaligned(fromByteOffset: start + pageSize - 4, as: UInt32.self))
                    if computed != stored {
                        bad[worker] = page
                        return
                    }
                }
                _ = releasePages?(first * pageSize, end * pageSize)
            }
        }
        if let page = (0..<workers).compactMap({ bad[$0] }).min() {
            let start = page * pageSize
            let stored = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: start + pageSize - 4, as: UInt32.self))
            let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + pageSize - 4)]))
            throw ScanImportError(
                .malformedBody, file: file, at: .byteOffset(start),
                "page \(page) fails its checksum (CRC-32C \(hex(computed)), stored \(hex(stored))): the file is damaged"
            )
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// The logical offset of a physical one, or nil when it falls on a checksum.
    func logical(physical: Int) -> Int? {
        guard physical >= 0, physical < header.physicalLength, physical % header.pageSize < payload else { return nil }
        return physical / header.pageSize * payload + physical % header.pageSize
    }

    /// The physical offset of a logical one (for messages).
    func physical(logical: Int) -> Int { logical / payload * header.pageSize + logical % payload }

    /// Fills `target` with the logical bytes from `offset`, across pages.
    func copy(logical offset: Int, into target: UnsafeMutableRawBufferPointer) {
        var done = 0
        var position = offset
        while done < target.count {
            let within = position % payload
            let run = min(payload - within, target.count - done)
            let source = position / payload * header.pageSize + within
            UnsafeMutableRawBufferPointer(rebasing: target[done..<(done + run)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[source..<(source + run)]))
            done += run
            position += run
        }
    }

    /// `count` logical bytes from `offset`, or a truncation error naming `what`.
    func read(logical offset: Int, count: Int, _ what: String) throws(ScanImportError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= logicalLength, count <= logicalLength - offset else {
            throw ScanImportError(
                .truncated, file: file, at: .byteOffset(physical(logical: min(max(offset, 0), logicalLength))),
                "\(what) (\(count) bytes) runs past the file's end")
        }
        var result = [UInt8](repeating: 0, count: count)
        result.withUnsafeMutableBytes { copy(logical: offset, into: $0) }
        return result
    }

    /// An error in the XML section, at the element's line there.
    func xmlError(_ code: ScanImportError.Code, _ element: E57Element, _ message: String) -> ScanImportError {
        ScanImportError(
            code, file: file, at: .byteOffset(header.xmlPhysicalOffset),
            "\(message) (XML section, line \(element.line))")
    }

    func u64(logical offset: Int) -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { copy(logical: offset, into: $0) }
        return UInt64(littleEndian: value)
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), eight bytes a step.
enum CRC32C {
    static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for index in 0..<256 {
            var crc = UInt32(index)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            tables[0][index] = crc
        }
        for index in 0..<256 {
            for table in 1..<8 {
                let previous = tables[table - 1][index]
                tables[table][index] = (previous >> 8) ^ tables[0][Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    static let flat: [UInt32] = tables.flatMap { $0 }

    static func checksum(_ data: UnsafeRawBufferPointer) -> UInt32 {
        flat.withUnsafeBufferPointer { t in
            var crc: UInt32 = 0xFFFF_FFFF
            var index = 0
            let count = data.count
            while index + 8 <= count {
                let word = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ crc
                let high = UInt32(truncatingIfNeeded: word >> 32)
                crc =
                    t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = (crc >> 8) ^ t[Int((crc ^ UInt32(data[index])) & 0xFF)]
                index += 1
            }
            return ~crc
        }
    }
}
