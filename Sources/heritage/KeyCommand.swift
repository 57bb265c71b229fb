import ArgumentParser
import EvidenceReport
import Foundation

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Make and show Ed25519 signing keys for packages.",
        subcommands: [KeyGenerate.self, KeyShow.self])
}

struct KeyGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Make a new Ed25519 key pair: PATH (private, mode 0600) and PATH.pub.",
        discussion: """
            Example:
              heritage key generate --out ~/.heritage/signing-key --comment "Field office, 2026"
            """)

    @Option(help: "Where to write the private key; the public key goes to the same path plus .pub.") var out: String
    @Option(help: "A note kept with the key (who holds it).") var comment = "heritage signing key"

    func run() throws {
        let key = try SigningKey.generate(at: URL(filePath: out), comment: comment)
        print("Wrote the private key to \(out) and the public key to \(out).pub")
        print("  fingerprint \(key.publicKey.fingerprint)")
        print("  give \(out).pub to whoever will verify your packages; keep \(out) secret")
    }
}

struct KeyShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print a public key's fingerprint.",
        discussion: """
            Example:
              heritage key show ~/.heritage/signing-key.pub
            """)

    @Argument(help: "A public key file (PATH.pub).") var path: String

    func run() throws {
        let key = try PublicSigningKey.load(from: URL(filePath: path))
        print("\(key.fingerprint) \(key.comment)")
    }
}
