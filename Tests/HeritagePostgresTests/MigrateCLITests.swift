import Foundation
import HeritageStore
import HeritageTestSupport
import Testing

@testable import HeritagePostgres

/// `heritage migrate`, and the commands that take `--database`, as a user runs them.
@Suite(.enabled(if: PostgresTestServer.enabled, PostgresTestServer.skipReason))
struct MigrateCLITests {
    @Test func migrateThenQueryAndVerifyTheDatabase() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let archive = folder.appending(path: "archive").path
        let register = folder.appending(path: "sites.csv")
        try GeneratedRegister.csv(count: 120).write(to: register, atomically: true, encoding: .utf8)
        #expect(try HeritageBinary.run(["init", "--archive", archive]).status == 0)
        #expect(try HeritageBinary.run(["site", "import", register.path, "--archive", archive]).status == 0)
        try await PostgresTestServer.withDatabase { location in
            let address = "postgresql://\(location.user)@\(location.host):\(location.port)/\(location.database)"
            let migrated = try HeritageBinary.run(["migrate", "--from", archive, "--to", address])
            #expect(migrated.status == 0, "\(migrated.stderr)")
            #expect(migrated.stdout.contains("Copied 120 sites"), "\(migrated.stdout)")
            #expect(migrated.stdout.contains("The audit chain ends at event 122"), "\(migrated.stdout)")

            for query in [
                ["site", "near", "35.5,38.75", "--radius-km", "25", "--json"],
                ["site", "near", "35.5,38.75", "--nearest", "7", "--json", "--include-restricted"],
            ] {
                let fromArchive = try HeritageBinary.run(query + ["--archive", archive])
                let fromDatabase = try HeritageBinary.run(query + ["--database", address])
                #expect(fromDatabase.status == 0, "\(fromDatabase.stderr)")
                #expect(fromDatabase.stdout == fromArchive.stdout && fromArchive.stdout.count > 100, "\(query)")
            }
            let searched = try HeritageBinary.run(["site", "search", "qal", "--database", address])
            #expect(searched.status == 0 && searched.stdout.contains("SY-"), "\(searched.stderr)")
            let added = try HeritageBinary.run(
                [
                    "site", "add", "--database", address, "--code", "NEW-1", "--name", "Added on PostgreSQL", "--kind",
                    "church", "--latitude", "-33.5", "--longitude", "-70.6", "--actor", "ana",
                ])
            #expect(added.status == 0 && added.stdout.contains("Added site NEW-1"), "\(added.stderr)")
            let found = try HeritageBinary.run([
                "site", "near", "-33.5,-70.6", "--radius-km", "1", "--database", address,
            ])
            #expect(found.stdout.contains("NEW-1"), "\(found.stdout)")
            let assessed = try HeritageBinary.run([
                "condition", "add", "--database", address, "--site", "NEW-1", "--assessor", "Field team", "--date",
                "2025-06-01", "--activity", "field-visit", "--condition", "poor", "--extent", "11-30", "--certainty",
                "high", "--actor", "ana",
            ])
            #expect(assessed.status == 0 && assessed.stdout.contains("of NEW-1: Poor, on 2025-06-01"), "\(assessed)")
            let history = try HeritageBinary.run(["condition", "history", "NEW-1", "--database", address])
            #expect(history.status == 0 && history.stdout.contains("2025-06-01") && history.stdout.contains("Poor"))
            // The environment variable works as --database does.
            let verified = try HeritageBinary.run(["verify"], environment: ["HERITAGE_DATABASE": address])
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect(verified.stdout.hasPrefix("OK: \(address)"), "\(verified.stdout)")

            let listed = try HeritageBinary.run(
                ["site", "list", "--json"], environment: ["HERITAGE_DATABASE": address])
            let listedSites = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
            #expect(listed.status == 0 && listedSites?.count == 121, "\(listed.stderr)")
            // A command that has no PostgreSQL path yet says so rather than use the archive folder.
            let assets = try HeritageBinary.run(
                ["asset", "list", "--site", "NEW-1"], environment: ["HERITAGE_DATABASE": address])
            #expect(assets.status != 0)
            #expect(assets.stderr.contains("does not work on a PostgreSQL registry yet"), "\(assets.stderr)")

            let again = try HeritageBinary.run(["migrate", "--from", archive, "--to", address])
            #expect(again.status != 0 && again.stderr.contains("already holds a registry"), "\(again.stderr)")

            // Backups of both: pg_dump and restore into another database; the archive's folder copy.
            let dump = folder.appending(path: "registry.dump").path
            let dumped = try HeritageBinary.run(["backup", "--database", address, "--to", dump])
            #expect(dumped.status == 0, "\(dumped.stderr)")
            try await PostgresTestServer.withDatabase { target in
                let other = "postgresql://\(target.user)@\(target.host):\(target.port)/\(target.database)"
                let restored = try HeritageBinary.run(["restore", "--from", dump, "--database", other])
                #expect(restored.status == 0, "\(restored.stderr)")
                #expect(restored.stdout.contains("audit chain of 124 events intact, 121 sites"), "\(restored.stdout)")
            }
        }
        let backup = folder.appending(path: "backup").path
        let backedUp = try HeritageBinary.run(["backup", "--archive", archive, "--to", backup])
        #expect(
            backedUp.status == 0 && backedUp.stdout.contains("Backed up 120 sites, 122 audit events"), "\(backedUp)")
        let restored = try HeritageBinary.run([
            "restore", "--from", backup, "--archive", folder.appending(path: "restored").path,
        ])
        #expect(restored.status == 0 && restored.stdout.contains("audit chain of 122 events intact"), "\(restored)")
        let over = try HeritageBinary.run(["restore", "--from", backup, "--archive", archive])
        #expect(over.status != 0 && over.stderr.contains("already exists"), "\(over.stderr)")
        let unreachable = try HeritageBinary.run([
            "migrate", "--from", archive, "--to", "postgresql://nobody@127.0.0.1:1/none",
        ])
        #expect(unreachable.status != 0)
        #expect(
            unreachable.stderr.contains("connecting to postgresql://nobody@127.0.0.1:1/none"), "\(unreachable.stderr)")
        let wrong = try HeritageBinary.run(["migrate", "--from", archive, "--to", "mysql://x@y/z"])
        #expect(wrong.status != 0 && wrong.stderr.contains("is not a PostgreSQL address"), "\(wrong.stderr)")
    }
    /// A new organisation's registry: `init --database` makes the tables, `site import` fills
    /// them all or nothing (also through $HERITAGE_DATABASE), and the result verifies.
    @Test func initThenImportIntoAnEmptyDatabase() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let register = folder.appending(path: "sites.csv")
        try GeneratedRegister.csv(count: 60).write(to: register, atomically: true, encoding: .utf8)
        let more = folder.appending(path: "more.csv")
        try "code,name,kind,latitude,longitude\nPG-1,Imported on PostgreSQL,church,-33.5,-70.6\n".write(
            to: more, atomically: true, encoding: .utf8)
        try await PostgresTestServer.withDatabase { location in
            let address = "postgresql://\(location.user)@\(location.host):\(location.port)/\(location.database)"
            let made = try HeritageBinary.run(["init", "--database", address])
            #expect(made.status == 0 && made.stdout.contains("is ready"), "\(made)")
            let checked = try HeritageBinary.run(["site", "import", register.path, "--database", address, "--dry-run"])
            #expect(checked.status == 0 && checked.stdout.contains("60 sites checked, no problems"), "\(checked)")
            let imported = try HeritageBinary.run([
                "site", "import", register.path, "--database", address, "--actor", "ana",
            ])
            #expect(imported.status == 0 && imported.stdout.contains("Imported 60 sites"), "\(imported)")
            let again = try HeritageBinary.run(["site", "import", register.path, "--database", address])
            #expect(again.status != 0)
            #expect(again.stderr.contains("60 problems in 60 lines; nothing was changed"), "\(again.stderr)")
            #expect(again.stderr.contains("code SY-ALP-0000 already exists"), "\(again.stderr)")
            let viaEnvironment = try HeritageBinary.run(
                ["site", "import", more.path, "--actor", "ana"], environment: ["HERITAGE_DATABASE": address])
            #expect(
                viaEnvironment.status == 0 && viaEnvironment.stdout.contains("Imported 1 site "), "\(viaEnvironment)")
            let found = try HeritageBinary.run([
                "site", "near", "-33.5,-70.6", "--radius-km", "1", "--database", address,
            ])
            #expect(found.stdout.contains("PG-1"), "\(found)")
            let verified = try HeritageBinary.run(["verify", "--database", address])
            #expect(verified.status == 0 && verified.stdout.hasPrefix("OK: \(address)"), "\(verified)")
        }
    }

    /// The `user` commands on a registry: add, list, token, password, disable, each audited
    /// there, none touching an archive folder.
    @Test func accountsAreManagedOnTheDatabase() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await PostgresTestServer.withDatabase { location in
            let address = "postgresql://\(location.user)@\(location.host):\(location.port)/\(location.database)"
            let database = ["HERITAGE_DATABASE": address, "HERITAGE_ARCHIVE": folder.appending(path: "none").path]
            #expect(try HeritageBinary.run(["init", "--database", address]).status == 0)
            let added = try HeritageBinary.run(
                ["user", "add", "lena", "--role", "surveyor", "--restricted-access", "--password-stdin"],
                environment: database, input: "a long password\n")
            #expect(
                added.status == 0 && added.stdout.contains("Added account lena: surveyor, with access"), "\(added)")
            let twice = try HeritageBinary.run(
                ["user", "add", "LENA", "--role", "viewer", "--password-stdin"], environment: database,
                input: "a long password\n")
            #expect(twice.status != 0 && twice.stderr.contains("an account named LENA exists already"), "\(twice)")
            let short = try HeritageBinary.run(
                ["user", "add", "amir", "--role", "viewer", "--password-stdin"], environment: database, input: "short\n"
            )
            #expect(short.status != 0 && short.stderr.contains("at least 10 characters"), "\(short)")
            let token = try HeritageBinary.run(["user", "token", "lena", "--label", "tablet"], environment: database)
            #expect(token.status == 0 && token.stdout.hasPrefix("hrt_"), "\(token)")
            let passwd = try HeritageBinary.run(
                ["user", "passwd", "lena", "--password-stdin"], environment: database, input: "another long one\n")
            #expect(passwd.status == 0, "\(passwd)")
            let disabled = try HeritageBinary.run(
                ["user", "disable", "lena", "--actor", "root"], environment: database)
            #expect(disabled.status == 0 && disabled.stdout.contains("Disabled account lena"), "\(disabled)")
            let listed = try HeritageBinary.run(["user", "list"], environment: database)
            #expect(listed.stdout.contains("lena") && listed.stdout.contains("disabled"), "\(listed)")
            #expect(listed.stdout.contains("1 account"), "\(listed)")
            #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "none").path))
            let actions = try await PostgresTestServer.with(location) {
                try await $0.strings("SELECT action || ' by ' || actor AS value FROM auditEvent ORDER BY sequence")
            }
            #expect(
                actions == [
                    "account.create by cli-test", "account.token by cli-test", "account.password by cli-test",
                    "account.disable by root",
                ])
            let verified = try HeritageBinary.run(["verify", "--database", address])
            #expect(verified.status == 0, "\(verified)")
        }
    }

    /// `site add`, `site edit` and `site show` on a registry, restricted positions generalised
    /// unless asked for.
    @Test func sitesAreEditedAndShownOnTheDatabase() async throws {
        try await PostgresTestServer.withDatabase { location in
            let address = "postgresql://\(location.user)@\(location.host):\(location.port)/\(location.database)"
            let database = ["HERITAGE_DATABASE": address]
            #expect(try HeritageBinary.run(["init", "--database", address]).status == 0)
            let added = try HeritageBinary.run(
                [
                    "site", "add", "--code", "CL-PG-1", "--name", "Iglesia de Prueba", "--kind", "church",
                    "--latitude", "-33.4567", "--longitude", "-70.6543", "--sensitivity", "restricted",
                ], environment: database)
            #expect(added.status == 0, "\(added)")
            let edited = try HeritageBinary.run(
                ["site", "edit", "cl-pg-1", "--period", "1650-1680", "--other-name", "en:Test Church"],
                environment: database)
            #expect(edited.status == 0 && edited.stdout.contains("Updated site CL-PG-1"), "\(edited)")
            let again = try HeritageBinary.run(
                ["site", "edit", "CL-PG-1", "--period", "1650-1680"], environment: database)
            #expect(again.stdout.contains("Nothing to change in site CL-PG-1"), "\(again)")
            let shown = try HeritageBinary.run(["site", "show", "CL-PG-1"], environment: database)
            #expect(shown.stdout.contains("period       1650-1680"), "\(shown)")
            #expect(shown.stdout.contains("name [en]    Test Church"), "\(shown)")
            #expect(shown.stdout.contains("generalised to its 0.1° cell"), "\(shown)")
            #expect(!shown.stdout.contains("33.4567") && !shown.stdout.contains("70.6543"), "\(shown)")
            let exact = try HeritageBinary.run(
                ["site", "show", "CL-PG-1", "--include-restricted", "--json"], environment: database)
            #expect(exact.stdout.contains("-33.4567") && exact.stdout.contains("\"generalised\" : false"), "\(exact)")
            let missing = try HeritageBinary.run(["site", "edit", "NOWHERE", "--period", "x"], environment: database)
            #expect(missing.status != 0 && missing.stderr.contains("no site with code or id 'NOWHERE'"), "\(missing)")
            let verified = try HeritageBinary.run(["verify", "--database", address])
            #expect(verified.status == 0, "\(verified)")
        }
    }
}
