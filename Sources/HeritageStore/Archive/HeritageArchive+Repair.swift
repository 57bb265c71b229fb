import Foundation
import GRDB

/// What ``HeritageArchive/removeOrphans(actor:minimumAge:)`` did.
public struct RepairReport: Sendable, Codable {
    /// Blobs and temporary files removed (`sha256/…` or `tmp/…`, relative to `objects/`).
    public var removed: [String] = []
    /// Orphans left in place because they are younger than the minimum age: an import may be
    /// about to commit the row that points at them.
    public var keptAsRecent: [String] = []
    /// Bytes freed.
    public var freedBytes: Int64 = 0
}

extension HeritageArchive {
    /// Removes blobs that no row points at and temporary files left by interrupted imports.
    /// Never touches a blob the registry records. Runs inside a write transaction, so no import
    /// commits while the inventory is taken; files younger than `minimumAge` seconds are kept,
    /// because an import writes its blobs before its transaction. The removal is audited.
    public func removeOrphans(actor: String, minimumAge: TimeInterval = 600) throws -> RepairReport {
        let store = blobs
        let fileManager = FileManager.default
        return try write { db in
            let known = Set(try String.fetchAll(db, sql: "SELECT sha256 FROM blob"))
            let inventory = store.inventory()
            let candidates =
                inventory.blobs.filter { !known.contains($0) }.map {
                    (name: "sha256/\($0.prefix(2))/\($0.dropFirst(2))", url: store.path(of: $0))
                }
                + inventory.temporaries.map { (name: "tmp/\($0)", url: store.temporaryFolder.appending(path: $0)) }
            var report = RepairReport()
            let now = Date()
            for candidate in candidates {
                let attributes = try? fileManager.attributesOfItem(atPath: candidate.url.path)
                let modified = attributes?[.modificationDate] as? Date ?? .distantPast
                if now.timeIntervalSince(modified) < minimumAge {
                    report.keptAsRecent.append(candidate.name)
                    continue
                }
                do {
                    try fileManager.removeItem(at: candidate.url)
                } catch {
                    throw HeritageStoreError(
                        .io, "cannot remove \(candidate.url.path): \(error.localizedDescription)")
                }
                report.removed.append(candidate.name)
                report.freedBytes += (attributes?[.size] as? NSNumber)?.int64Value ?? 0
            }
            if !report.removed.isEmpty {
                let value = try JSONText.encode(["removed": report.removed])
                try AuditLog.append(
                    db, actor: actor, action: "archive.repair", entityType: "archive", entityID: "objects",
                    entitySeq: nil, oldValue: nil, newValue: value)
            }
            return report
        }
    }
}
