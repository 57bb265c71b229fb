import CFileWriteback
import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file arriving in pieces (an upload), written straight into the archive's temporary folder
/// and hashed on the way, so that importing it moves it into place instead of copying and
/// hashing its bytes a second time.
///
/// Its name carries the writing process's id (`incoming-PID-….ext`): a file left by a process
/// that was killed is removed by ``HeritageArchive/removeAbandonedIncomingFiles()``. The
/// caller removes it with ``discard()`` whatever happens; after an import has moved it into
/// place there is nothing left to remove. Writes may come from any thread, one at a time; a
/// lock keeps ``discard()`` from closing the file under a write still in progress.
public final class IncomingFile: @unchecked Sendable {
    /// Where it is being written; its extension is the one it was made with.
    public let url: URL
    private var descriptor: Int32
    private let lock = NSLock()
    private var hasher = SHA256()
    public private(set) var size: Int64 = 0
    /// Its SHA-256, once ``finish()`` has flushed it.
    public private(set) var sha256: String?

    static let prefix = "incoming-"

    init(folder: URL, extension fileExtension: String) throws {
        // The extension is the only part of the name that may come from outside: a dot and up
        // to eight letters or digits, never a path.
        let letters = fileExtension.dropFirst()
        guard
            fileExtension.isEmpty
                || (fileExtension.first == "." && (1...8).contains(letters.count)
                    && letters.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        else {
            throw HeritageStoreError(
                .invalidInput, "'\(fileExtension)' is not a file extension (a dot and 1-8 letters or digits)")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw HeritageStoreError(.io, "cannot create \(folder.path): \(error.localizedDescription)")
        }
        url = folder.appending(path: "\(Self.prefix)\(getpid())-\(RecordID.make())\(fileExtension)")
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard descriptor >= 0 else {
            throw HeritageStoreError(
                .io, "cannot create a file in \(folder.path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Hashes `bytes` and writes them at the end of the file, the two at once on two cores,
    /// then asks the system to start writing them to disk: the flush at ``finish()`` then has
    /// little left to wait for, instead of the whole file (the system would otherwise hold
    /// gigabytes of it in memory before writing any).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0, sha256 == nil else {
            throw HeritageStoreError(.io, "\(url.lastPathComponent) was discarded or finished; it takes no more bytes")
        }
        guard !bytes.isEmpty else { return }
        let descriptor = descriptor
        var failure: Int32 = 0
        withUnsafeMutablePointer(to: &hasher) { hasher in
            withUnsafeMutablePointer(to: &failure) { failure in
                let shared = UnsafeSendable((hasher: hasher, failure: failure, bytes: bytes))
                DispatchQueue.concurrentPerform(iterations: 2) { task in
                    let (hasher, failure, bytes) = shared.value
                    if task == 0 {
                        hasher.pointee.update(bufferPointer: bytes)
                        return
                    }
                    guard let base = bytes.baseAddress else { return }
                    var written = 0
                    while written < bytes.count {
                        let result = Glibc.write(descriptor, base + written, bytes.count - written)
                        if result < 0 {
                            if errno == EINTR { continue }
                            failure.pointee = errno
                            return
                        }
                        written += result
                    }
                }
            }
        }
        guard failure == 0 else {
            throw HeritageStoreError(
                .io,
                "cannot write to the archive (\(url.deletingLastPathComponent().path)): "
                    + String(cString: strerror(failure)))
        }
        _ = heritage_start_writeback(descriptor, size, Int64(bytes.count))
        size += Int64(bytes.count)
    }

    /// Flushes the file to disk, closes it and returns its SHA-256.
    @discardableResult
    public func finish() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let sha256 { return sha256 }
        guard descriptor >= 0 else { throw HeritageStoreError(.io, "\(url.lastPathComponent) was discarded") }
        guard fsync(descriptor) == 0 else {
            throw HeritageStoreError(.io, "cannot flush \(url.path): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        descriptor = -1
        let hash = hasher.finalize().hexString
        sha256 = hash
        return hash
    }

    /// Removes the file if it is still there (it is not once an import has stored it).
    public func discard() {
        lock.lock()
        defer { lock.unlock() }
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(url.path)
    }
}
