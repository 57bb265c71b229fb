import Crypto
import Foundation

/// Ed25519 keys in two small text files: the private key (mode 0600) and `<name>.pub`, one
/// line `heritage-ed25519 <base64 of the 32-byte key> <comment>`.
public struct SigningKey: Sendable {
    /// The 32-byte private key (Crypto's key types are not Sendable).
    private let raw: Data
    public var comment: String
    var privateKey: Curve25519.Signing.PrivateKey {
        // Invariant: `raw` came from a valid key.
        (try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)) ?? Curve25519.Signing.PrivateKey()
    }
    public var publicKey: PublicSigningKey {
        PublicSigningKey(raw: privateKey.publicKey.rawRepresentation, comment: comment)
    }

    init(privateKey: Curve25519.Signing.PrivateKey, comment: String) {
        raw = privateKey.rawRepresentation
        self.comment = comment
    }

    static let privateHeader = "heritage-ed25519-private-key"

    /// Makes a new key pair and writes it to `url` and `url.pub`; refuses to overwrite either.
    public static func generate(at url: URL, comment: String) throws -> SigningKey {
        let key = SigningKey(privateKey: Curve25519.Signing.PrivateKey(), comment: comment)
        let publicURL = url.appendingPathExtension("pub")
        for existing in [url, publicURL] where FileManager.default.fileExists(atPath: existing.path) {
            throw EvidenceError("\(existing.path) already exists; a key is never overwritten")
        }
        let text = "\(privateHeader)\n\(key.privateKey.rawRepresentation.base64EncodedString())\n\(comment)\n"
        guard
            FileManager.default.createFile(
                atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw EvidenceError("cannot write the private key to \(url.path)") }
        try EvidenceFiles.write(Data(key.publicKey.line.utf8), to: publicURL)
        return key
    }

    public static func load(from url: URL) throws -> SigningKey {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw EvidenceError("cannot read the private key \(url.path)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0] == privateHeader, let raw = Data(base64Encoded: String(lines[1])),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw EvidenceError(
                "\(url.path), line 1-2: expected '\(privateHeader)' and a base64 Ed25519 key (made by 'heritage key generate')"
            )
        }
        return SigningKey(privateKey: key, comment: lines.count > 2 ? String(lines[2]) : "")
    }

    public func signature(for data: Data) throws -> Data {
        do {
            return try privateKey.signature(for: data)
        } catch {
            throw EvidenceError("cannot sign: \(error)")
        }
    }
}

/// An Ed25519 public key and its fingerprint (`SHA256:` and the base64 of the key's SHA-256).
public struct PublicSigningKey: Sendable {
    /// The 32-byte public key.
    public let raw: Data
    public var comment: String
    var key: Curve25519.Signing.PublicKey? { try? Curve25519.Signing.PublicKey(rawRepresentation: raw) }

    static let prefix = "heritage-ed25519"

    public var line: String { "\(Self.prefix) \(raw.base64EncodedString()) \(comment)\n" }

    public var fingerprint: String {
        let digest = Data(SHA256.hash(data: raw)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }

    public static func parse(_ text: String, file: String) throws -> PublicSigningKey {
        let fields = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard fields.count >= 2, fields[0] == prefix,
            let raw = Data(base64Encoded: String(fields[1].trimmingCharacters(in: .whitespacesAndNewlines))),
            (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil
        else {
            throw EvidenceError("\(file), line 1: expected '\(prefix) <base64 Ed25519 public key> [comment]'")
        }
        let comment = fields.count > 2 ? fields[2].trimmingCharacters(in: .whitespacesAndNewlines) : ""
        return PublicSigningKey(raw: raw, comment: comment)
    }

    public static func load(from url: URL) throws -> PublicSigningKey {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw EvidenceError("cannot read the public key \(url.path)")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: url.path)
    }

    public func isValid(_ signature: Data, for data: Data) -> Bool {
        key?.isValidSignature(signature, for: data) ?? false
    }
}
