#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file's bytes mapped read-only into memory. Parsers read straight from the mapping; nothing
/// is copied into `String`s or `Data` on the hot paths.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let count: Int
    private let base: UnsafeRawPointer?

    /// Maps the file at `path`, as a reader's error when it cannot.
    static func mapping(of path: String) throws(ScanImportError) -> MappedFile {
        do { return try MappedFile(path: path) } catch let error as ScanImportError { throw error } catch {
            throw ScanImportError(.unreadable, file: path, "\(error)")
        }
    }

    /// Maps the file at `path`. An empty file maps to an empty buffer.
    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ScanImportError(.unreadable, file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw ScanImportError(.unreadable, file: path, "cannot stat: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ScanImportError(.unreadable, file: path, "is not a regular file")
        }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw ScanImportError(.unreadable, file: path, "cannot map: \(String(cString: strerror(errno)))")
        }
        _ = madvise(mapped, count, MADV_SEQUENTIAL)
        base = UnsafeRawPointer(mapped)
    }

    /// The file's bytes. Valid only while this object lives: callers inside the module keep it
    /// alive with `defer { withExtendedLifetime(mapped) {} }`; others use ``withBytes(_:)``.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Calls `body` with the file's bytes, keeping the mapping alive until it returns.
    public func withBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        defer { withExtendedLifetime(self) {} }
        return try body(bytes)
    }

    /// Gives the pages of bytes `from..<to` back to the system (they are re-read from the file if
    /// touched again) and returns the offset up to which pages were given back. Readers call it
    /// behind what they have decoded, so a large file does not stay resident.
    func releasePages(from: Int, to: Int) -> Int {
        guard let base, to > from else { return from }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (from + page - 1) / page * page
        let end = min(to, count) / page * page
        guard end > start else { return from }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
        return end
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }
}
