import Foundation
import HeritageStore

/// Backups of a PostgreSQL registry with PostgreSQL's own tools: `pg_dump` in its custom format,
/// `pg_restore` into an empty database, then a full verify. Both must be installed (Debian's
/// `postgresql-client`), of the server's major version or newer.
extension PostgresRegistry {
    /// Dumps the database at `location` into `file`, which must not exist. Written under a
    /// temporary name beside it and renamed when pg_dump succeeds: a failed dump leaves nothing.
    public static func dump(_ location: PostgresLocation, to file: URL) throws {
        guard !FileManager.default.fileExists(atPath: file.path) else {
            throw HeritageStoreError(.conflict, "\(file.path) already exists: a backup goes into a new file")
        }
        let partial = file.deletingLastPathComponent().appending(
            path: ".\(file.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try runTool(
                "pg_dump", ["--format=custom", "--file=\(partial.path)", "--dbname=\(location.libpqAddress)"],
                location: location)
            try FileManager.default.moveItem(at: partial, to: file)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    /// Restores a dump into the database at `location`, whose registry must be empty, in one
    /// transaction, then verifies it in full. The role heritage_gis and its grant are made again
    /// (roles belong to the cluster, not to the dump). Returns the verification, which the
    /// caller reports; the database keeps what was restored.
    public static func restore(_ file: URL, into location: PostgresLocation) async throws -> VerificationReport {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw HeritageStoreError(.notFound, "no backup at \(file.path)")
        }
        let registry = try await connect(location)
        do {
            let existing =
                try await registry.rows("SELECT to_regclass('site') IS NOT NULL AS value").first?["value"]
                as Int64?
            guard existing == 0 else {
                throw HeritageStoreError(
                    .conflict, "\(location) already holds a registry: a backup is restored into an empty database")
            }
            try runTool(
                "pg_restore",
                [
                    "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                    "--dbname=\(location.libpqAddress)", file.path,
                ], location: location)
            try await registry.simple(PostgresSchema.gisAccess)
            let report = try await registry.verify()
            await registry.close()
            return report
        } catch {
            await registry.close()
            throw error
        }
    }

    /// Runs a PostgreSQL client tool; its own error message becomes the store's error.
    private static func runTool(_ tool: String, _ arguments: [String], location: PostgresLocation) throws {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        var environment = ProcessInfo.processInfo.environment
        if let password = location.password { environment["PGPASSWORD"] = password }
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw HeritageStoreError(.io, "cannot run \(tool): \(error.localizedDescription)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason = message.trimmingCharacters(in: .whitespacesAndNewlines)
            throw HeritageStoreError(
                .database,
                process.terminationStatus == 127
                    ? "\(tool) is not installed (Debian: apt-get install postgresql-client)"
                    : "\(tool) failed (exit \(process.terminationStatus)): \(reason)")
        }
    }
}

extension PostgresLocation {
    /// The address as libpq reads it, without the password (given to the tools apart).
    var libpqAddress: String {
        let encoded = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? text }
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return
            "postgresql://\(encoded(user))@\(host):\(port)/\(encoded(database))?sslmode=\(requiresTLS ? "require" : "disable")"
    }
}
