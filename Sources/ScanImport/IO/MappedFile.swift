import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a reader's one pass over a file hands on, for whoever else needs the bytes: each byte
/// once and in order (an import hashes them and writes them into the archive as they are
/// read, instead of reading the file a second time), and how far the pass has got.
public struct FilePass: Sendable {
    /// Takes the next bytes of the file. It keeps its own failures (a full disk) for its owner
    /// to report after the read: the reader's errors are about the file.
    public var consume: (@Sendable (UnsafeRawBufferPointer) -> Void)?
    /// Called with the bytes passed and the file's size, about every 4 MiB and at the end.
    public var progress: (@Sendable (_ passed: Int, _ total: Int) -> Void)?

    public init(
        consume: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil,
        progress: (@Sendable (_ passed: Int, _ total: Int) -> Void)? = nil
    ) {
        self.consume = consume
        self.progress = progress
    }
}

/// A file's bytes mapped read-only into memory. Parsers read straight from the mapping; nothing
/// is copied into `String`s or `Data` on the hot paths.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let count: Int
    private let base: UnsafeRawPointer?
    /// Who follows the readers' pass, and how far the bytes have been handed on.
    private var pass: FilePass?
    private var handedOn = 0
    private let passLock = NSLock()

    /// Maps the file at `path`, as a reader's error when it cannot.
    static func mapping(of path: String, pass: FilePass? = nil) throws(ScanImportError) -> MappedFile {
        do {
            let mapped = try MappedFile(path: path)
            mapped.pass = pass
            return mapped
        } catch let error as ScanImportError { throw error } catch {
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
    /// Bytes up to `to` are handed on to the pass first: a page is given back only once its
    /// bytes have been handed on.
    func releasePages(from: Int, to: Int) -> Int {
        guard let base, to > from else { return from }
        handOn(upTo: to)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (from + page - 1) / page * page
        let end = min(to, count) / page * page
        guard end > start else { return from }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
        return end
    }

    /// Hands the bytes from where the pass has got to up to `end` on to the pass's consumer, in
    /// slices of 4 MiB, reporting progress after each. Readers on several threads may call it
    /// at once: the lock keeps the bytes in order, each handed on once.
    private func handOn(upTo end: Int) {
        guard pass != nil else { return }
        passLock.lock()
        defer { passLock.unlock() }
        guard let pass, end > handedOn else { return }
        let slice = 4 << 20
        while handedOn < min(end, count) {
            let next = min(min(end, count), handedOn + slice)
            if let consume = pass.consume, let base {
                consume(UnsafeRawBufferPointer(start: base + handedOn, count: next - handedOn))
            }
            handedOn = next
            pass.progress?(handedOn, count)
        }
    }

    /// Ends the pass: hands on what the readers did not pass through (headers read out of
    /// order, trailing records, a photograph read whole).
    func finishPass() {
        guard pass != nil else { return }
        handOn(upTo: count)
        if count == 0 { pass?.progress?(0, 0) }
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }
}
