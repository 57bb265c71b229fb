import Crypto
import Foundation
import X509

/// What the bag's RFC 3161 timestamp says and whether it holds.
public struct TimestampCheck: Sendable, Codable {
    /// When the authority says the tag manifest existed (UTC, as the token states it).
    public var time: String
    /// The authority's certificate subject.
    public var authority: String?
    public var serialNumber: String
    public var policy: String
    /// `valid`, `valid (the bag's own certificates)` when no certificate to trust was given, or `invalid`.
    public var status: String
    /// The certificates from the authority up to the trusted one, by subject.
    public var chain: [String]
}

extension BagVerifier {
    /// Checks the token over tagmanifest-sha256.txt, offline: the imprint against the tag
    /// manifest's SHA-256, the signature, and the certificate chain to `trusted` (or, when none
    /// is given, to the certificates stored beside the token, which proves integrity, not who
    /// the authority is).
    static func checkTimestamp(_ bag: URL, trusting trusted: [Certificate], _ result: inout BagVerification) {
        let tokenURL = bag.appending(path: BagWriter.timestampName)
        guard let tokenData = FileManager.default.contents(atPath: tokenURL.path) else {
            if !trusted.isEmpty {
                result.problems.append(
                    "\(BagWriter.timestampName): missing, but a certificate to check a timestamp with was given")
            }
            return
        }
        guard let tagManifest = FileManager.default.contents(atPath: bag.appending(path: "tagmanifest-sha256.txt").path)
        else {
            result.problems.append("tagmanifest-sha256.txt: missing, so the timestamp covers nothing")
            return
        }
        let token: TimestampToken
        do {
            token = try TimestampToken(der: Array(tokenData))
        } catch {
            result.problems.append("\(BagWriter.timestampName): \(error)")
            return
        }
        var stored: [Certificate] = []
        let chainURL = bag.appending(path: BagWriter.timestampChainName)
        if FileManager.default.fileExists(atPath: chainURL.path) {
            do {
                stored = try TimestampAuthority.certificates(fromPEM: chainURL)
            } catch {
                result.problems.append("\(BagWriter.timestampChainName): \(error)")
            }
        }
        // Without a certificate to trust, the chain's top (a self-signed root) stands in.
        let anchors = trusted.isEmpty ? (stored + token.certificates).filter { $0.subject == $0.issuer } : trusted
        let check = token.verify(digest: Array(SHA256.hash(data: tagManifest)), trusting: anchors, extra: stored)
        result.timestamp = TimestampCheck(
            time: token.timeText, authority: check.signer, serialNumber: token.serialNumber, policy: token.policy,
            status: check.isValid ? (trusted.isEmpty ? "valid (the bag's own certificates)" : "valid") : "invalid",
            chain: check.chain)
        for problem in check.problems { result.problems.append("\(BagWriter.timestampName): \(problem)") }
    }
}
