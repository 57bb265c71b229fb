import Crypto
import Foundation
import SwiftASN1
import X509

/// Asks an RFC 3161 time-stamping authority for a token over a digest, over HTTP: a
/// `application/timestamp-query` POST, answered with a `application/timestamp-reply`.
public enum TimestampAuthority {
    /// Requests a token over `digest` (SHA-256) from the authority at `url`, with a fresh nonce
    /// the answer must carry back.
    ///
    /// - Throws: ``TimestampError`` naming the authority when it cannot be reached, answers
    ///   with an HTTP error, refuses, or sends something that is not a token for this request.
    public static func requestToken(sha256 digest: [UInt8], from url: URL, timeout: TimeInterval = 60) throws
        -> TimestampToken
    {
        let nonce = (0..<8).map { _ in UInt8.random(in: 0...255) }
        let response = try HTTPPost.send(
            try TimestampToken.request(sha256: digest, nonce: nonce), to: url,
            contentType: "application/timestamp-query", accept: "application/timestamp-reply", timeout: timeout)
        guard response.status == 200 else {
            throw TimestampError(
                "the time-stamping authority at \(url.absoluteString) answered HTTP \(response.status)")
        }
        let data = response.body
        do {
            return try TimestampToken.fromResponse(Array(data), expectingNonce: nonce)
        } catch let error as TimestampError {
            throw TimestampError("\(url.absoluteString): \(error.description)")
        }
    }

    /// Certificates from a PEM file (one or several `CERTIFICATE` blocks).
    public static func certificates(fromPEM url: URL) throws -> [Certificate] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw TimestampError("cannot read \(url.path)")
        }
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw TimestampError("\(url.path): not a PEM file of certificates")
        }
        let certificates = try documents.filter { $0.discriminator == "CERTIFICATE" }.map { document in
            do {
                return try Certificate(derEncoded: document.derBytes)
            } catch {
                throw TimestampError("\(url.path): a CERTIFICATE block is not an X.509 certificate")
            }
        }
        guard !certificates.isEmpty else { throw TimestampError("\(url.path): holds no certificate") }
        return certificates
    }

    /// Certificates as PEM text, to store beside a token.
    static func pem(_ certificates: [Certificate]) throws -> String {
        try certificates.map { certificate -> String in
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return PEMDocument(type: "CERTIFICATE", derBytes: serializer.serializedBytes).pemString + "\n"
        }.joined()
    }
}
