import Foundation
import GRDB

/// What ``HeritageArchive/backup(to:)`` wrote.
public struct ArchiveBackup: Sendable, Codable {
    public var folder: String
    public var sites = 0
    public var events = 0
    /// The audit chain's last event in the copy.
    public var headSequence: Int64 = 0
    public var headHash = ""
    public var blobs = 0
    public var bytes: Int64 = 0
    public var seconds = 0.0
}

extension HeritageArchive {
    /// Writes a consistent copy of the archive into `folder`, which must not exist: the
    /// registry through SQLite's online backup API (other processes may go on writing; the copy
    /// is of one moment), then every blob that copy records, each re-hashed after it is copied.
    /// The copy is itself an archive folder (`verify` checks it, ``restore(from:to:)`` puts it
    /// back). It is written under a temporary name beside `folder` and renamed when complete:
    /// a failed backup leaves nothing.
    public func backup(to folder: URL) throws -> ArchiveBackup {
        let started = Date()
        let manager = FileManager.default
        guard !manager.fileExists(atPath: folder.path) else {
            throw HeritageStoreError(.conflict, "\(folder.path) already exists: a backup goes into a new folder")
        }
        let partial = folder.deletingLastPathComponent().appending(
            path: ".\(folder.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try manager.createDirectory(
                at: partial.appending(path: Self.objectsFolderName), withIntermediateDirectories: true)
        } catch {
            throw HeritageStoreError(
                .io, "cannot create the backup folder \(partial.path): \(error.localizedDescription)")
        }
        do {
            var result = ArchiveBackup(folder: folder.path)
            let copy = try DatabaseQueue(path: partial.appending(path: Self.registryFileName).path)
            do {
                try pool.backup(to: copy)
            } catch {
                throw HeritageStoreError(
                    .database, "backing up the registry: \(Self.describe(error))", underlying: error)
            }
            let (hashes, head) = try copy.read { db in
                (
                    try String.fetchAll(db, sql: "SELECT sha256 FROM blob ORDER BY sha256"),
                    try Row.fetchOne(db, sql: "SELECT sequence, hash FROM auditEvent ORDER BY sequence DESC LIMIT 1")
                )
            }
            (result.sites, result.events) = try copy.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM site") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM auditEvent") ?? 0
                )
            }
            try copy.close()
            result.headSequence = head?["sequence"] ?? 0
            result.headHash = head?["hash"] ?? ""
            let target = BlobStore(root: partial.appending(path: Self.objectsFolderName))
            for sha256 in hashes {
                let source = blobs.path(of: sha256)
                let destination = target.path(of: sha256)
                do {
                    try manager.createDirectory(
                        at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try manager.copyItem(at: source, to: destination)
                } catch {
                    throw HeritageStoreError(
                        .io, "cannot copy blob \(sha256) (\(source.path)): \(error.localizedDescription)")
                }
                let found = try FileHashing.sha256(of: destination)
                guard found == sha256 else {
                    throw HeritageStoreError(
                        .integrity,
                        "blob \(sha256) has changed in the archive (its bytes hash to \(found)): not backed up")
                }
                result.blobs += 1
                result.bytes += Int64((try? manager.attributesOfItem(atPath: destination.path)[.size] as? Int) ?? 0)
            }
            try manager.moveItem(at: partial, to: folder)
            result.seconds = Date().timeIntervalSince(started)
            return result
        } catch {
            try? manager.removeItem(at: partial)
            if let error = error as? HeritageStoreError { throw error }
            throw HeritageStoreError(
                .io, "backing up to \(folder.path): \(error.localizedDescription)", underlying: error)
        }
    }

    /// Restores a backup (a folder ``backup(to:)`` wrote) as a new archive at `destination`,
    /// which must not exist: the backup is copied beside it, opened (and migrated, if it was
    /// written by an older version), and verified in full; only a copy that verifies is renamed
    /// into place. The backup itself is not changed.
    public static func restore(from backup: URL, to destination: URL) throws -> (HeritageArchive, VerificationReport) {
        let manager = FileManager.default
        guard manager.fileExists(atPath: backup.appending(path: registryFileName).path) else {
            throw HeritageStoreError(.archiveMissing, "\(backup.path) is not a backup: it holds no \(registryFileName)")
        }
        guard !manager.fileExists(atPath: destination.path) else {
            throw HeritageStoreError(
                .conflict, "\(destination.path) already exists: a backup is restored into a new folder")
        }
        let partial = destination.deletingLastPathComponent().appending(
            path: ".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try manager.copyItem(at: backup, to: partial)
            let report = try open(at: partial).verify()
            guard report.isValid else {
                throw HeritageStoreError(
                    .integrity,
                    "the backup at \(backup.path) does not verify; nothing was restored:\n"
                        + report.problems.map { "  \($0)" }.joined(separator: "\n"))
            }
            try manager.moveItem(at: partial, to: destination)
            return (try open(at: destination), report)
        } catch {
            try? manager.removeItem(at: partial)
            if let error = error as? HeritageStoreError { throw error }
            throw HeritageStoreError(
                .io, "restoring \(backup.path) to \(destination.path): \(error.localizedDescription)", underlying: error
            )
        }
    }
}
