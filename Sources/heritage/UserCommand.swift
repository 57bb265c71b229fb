import ArgumentParser
import Foundation
import HeritageOperations
import HeritagePostgres
import HeritageStore

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the accounts `heritage serve` signs people in with.",
        discussion: """
            Roles, each with the rights of the one before: viewer (reads approved records),
            surveyor (adds surveys and uploads, proposes edits and assessments, launches
            comparisons), reviewer (approves or rejects proposals), admin (manages accounts).
            --restricted-access is a separate clearance to see restricted sites' exact positions.
            Passwords are read from standard input, never from the command line, and kept as
            bcrypt hashes (cost 12). Every change is in the audit log, without the hash.

            With --database (or $HERITAGE_DATABASE), the accounts are a PostgreSQL registry's.

            Example:
              printf '%s\\n' "$PASSWORD" | heritage user add lena --role surveyor --password-stdin
              heritage user token lena --label "field tablet"
            """,
        subcommands: [UserAdd.self, UserList.self, UserDisable.self, UserPasswd.self, UserToken.self])
}

/// The first line of standard input: a password, piped in.
func passwordFromStandardInput() throws -> String {
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("--password-stdin reads the password from standard input, which gave none")
    }
    return line
}

struct UserAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an account.")
    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The name the person signs in with.") var name: String
    @Option(help: "Required: viewer, surveyor, reviewer or admin.") var role: String
    @Flag(name: .customLong("restricted-access"), help: "Clearance to see restricted sites' exact positions.")
    var restrictedAccess = false
    @Flag(name: .customLong("password-stdin"), help: "Required: read the password from standard input.")
    var passwordStdin = false

    func validate() throws {
        if !passwordStdin { throw ValidationError("give --password-stdin and pipe the password in") }
    }

    func run() throws {
        let role = try AccountRole.parse(role)
        let password = try passwordFromStandardInput()
        let account = try database.withStore(or: archive) {
            try $0.createAccount(
                name: name, role: role, restrictedAccess: restrictedAccess, password: password,
                actor: archive.resolvedActor)
        }
        print(
            "Added account \(account.name): \(account.role.rawValue)"
                + (account.restrictedAccess ? ", with access to restricted positions" : ""))
    }
}

struct UserList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the accounts.")
    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let accounts = try database.withStore(or: archive) { try $0.accounts() }
        if json {
            try printJSON(accounts)
            return
        }
        var table = Table("NAME", "ROLE", "RESTRICTED", "STATE")
        for account in accounts {
            table.add(
                account.name, account.role.rawValue, account.restrictedAccess ? "yes" : "no",
                account.disabled ? "disabled" : "enabled")
        }
        print(table.render() + "\n\(counted(accounts.count, "account"))")
    }
}

struct UserDisable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Disable an account: its sessions end and its tokens stop working.")
    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The account's name.") var name: String

    func run() throws {
        let account = try database.withStore(or: archive) {
            try $0.updateAccount(named: name, disabled: true, actor: archive.resolvedActor)
        }
        print("Disabled account \(account.name)")
    }
}

struct UserPasswd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Set an account's password.")
    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The account's name.") var name: String
    @Flag(name: .customLong("password-stdin"), help: "Required: read the password from standard input.")
    var passwordStdin = false

    func validate() throws {
        if !passwordStdin { throw ValidationError("give --password-stdin and pipe the password in") }
    }

    func run() throws {
        let password = try passwordFromStandardInput()
        try database.withStore(or: archive) {
            try $0.changePassword(of: name, to: password, actor: archive.resolvedActor)
        }
        print("Changed the password of \(name)")
    }
}

struct UserToken: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue an API token for scripts (sent as Authorization: Bearer TOKEN); shown once.")
    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The account's name.") var name: String
    @Option(help: "What the token is for.") var label = "script"

    func run() throws {
        print(
            try database.withStore(or: archive) {
                try $0.issueToken(for: name, label: label, actor: archive.resolvedActor)
            })
    }
}
