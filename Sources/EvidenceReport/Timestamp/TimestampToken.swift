import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// An RFC 3161 time-stamp token: a time-stamping authority's signed statement that a digest
/// existed at a time. It is a CMS SignedData (RFC 5652) whose content is a TSTInfo.
///
/// What ``verify(digest:trusting:)`` checks, offline: that the token's message imprint is the
/// given SHA-256; that the signed attributes name TSTInfo as the content and carry its digest;
/// that the signature over them verifies with the signer's certificate; that this certificate
/// is for time-stamping only (extended key usage), was valid at the stated time, and chains,
/// each link's signature checked, to a certificate the caller trusts.
public struct TimestampToken: Sendable {
    /// The token as DER (a ContentInfo), as stored in a bag.
    public let der: [UInt8]
    /// When the authority says the digest existed.
    public let time: Date
    /// The time as the token states it (GeneralizedTime, UTC).
    public let timeText: String
    public let serialNumber: String
    public let policy: String
    /// The digest the token is over.
    public let imprint: [UInt8]
    let imprintAlgorithm: ASN1ObjectIdentifier
    let nonce: ArraySlice<UInt8>?
    let tstInfo: ArraySlice<UInt8>
    let signer: SignerInfo
    /// Certificates the token carries (the authority's, when the request asked for it).
    public let certificates: [Certificate]

    struct SignerInfo: Sendable {
        var issuerAndSerial: (issuer: DistinguishedName, serial: ArraySlice<UInt8>)?
        var subjectKeyIdentifier: ArraySlice<UInt8>?
        var digestAlgorithm: ASN1ObjectIdentifier
        /// The signed attributes' DER with the SET tag the signature covers.
        var signedAttributes: [UInt8]
        var contentType: ASN1ObjectIdentifier?
        var messageDigest: ArraySlice<UInt8>?
        var signatureAlgorithm: ASN1ObjectIdentifier
        var signature: ArraySlice<UInt8>
    }

    // MARK: Request and response

    /// A TimeStampReq for a SHA-256 digest, asking for the authority's certificate.
    public static func request(sha256 digest: [UInt8], nonce: [UInt8]) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { request in
            try request.serialize(1)
            try request.appendConstructedNode(identifier: .sequence) { imprint in
                try imprint.appendConstructedNode(identifier: .sequence) { algorithm in
                    try algorithm.serialize(TimestampOID.sha256)
                    try algorithm.serialize(ASN1Null())
                }
                try imprint.serialize(ASN1OctetString(contentBytes: ArraySlice(digest)))
            }
            // A positive INTEGER in its shortest form (DER): no leading zero byte unless the
            // next byte's top bit would otherwise make it negative.
            var minimal = ArraySlice(nonce.drop { $0 == 0 })
            if minimal.isEmpty { minimal = [0] }
            if let first = minimal.first, first & 0x80 != 0 { minimal.insert(0, at: minimal.startIndex) }
            request.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: minimal) }
            try request.serialize(true)
        }
        return serializer.serializedBytes
    }

    /// Reads a TimeStampResp: the token when the authority granted the request, or an error
    /// with its status and text.
    public static func fromResponse(_ bytes: [UInt8], expectingNonce nonce: [UInt8]? = nil) throws -> TimestampToken {
        let root: ASN1Node
        do {
            root = try DER.parse(bytes)
        } catch {
            throw TimestampError("the authority's answer is not a DER time-stamp response")
        }
        let parts = try root.elements("TimeStampResp", atLeast: 1)
        let status = try parts[0].elements("PKIStatusInfo", atLeast: 1)
        let code = try status[0].integerBytes("PKIStatus")
        let value = code.reduce(0) { $0 << 8 | Int($1) }
        var text = ""
        if status.count > 1 {
            text = status[1].children.compactMap { try? String(ASN1UTF8String(derEncoded: $0)) }.joined(separator: " ")
        }
        guard value == 0 || value == 1 else {
            let names = [
                "granted", "grantedWithMods", "rejection", "waiting", "revocationWarning", "revocationNotification",
            ]
            throw TimestampError(
                "the authority refused: status \(value < names.count ? names[value] : "\(value)")"
                    + (text.isEmpty ? "" : " (\(text))"))
        }
        guard parts.count > 1 else { throw TimestampError("the authority granted the request but sent no token") }
        let token = try TimestampToken(der: Array(parts[1].encodedBytes))
        if let nonce {
            let sent = ArraySlice(nonce.drop { $0 == 0 })
            guard let received = token.nonce?.drop(while: { $0 == 0 }), received.elementsEqual(sent) else {
                throw TimestampError("the token does not carry the nonce of this request (a replayed answer?)")
            }
        }
        return token
    }

    // MARK: Reading a token

    /// Reads a token (a DER ContentInfo holding SignedData over a TSTInfo).
    public init(der: [UInt8]) throws {
        self.der = der
        let root: ASN1Node
        do {
            root = try DER.parse(der)
        } catch {
            throw TimestampError("the time-stamp token is not DER")
        }
        let contentInfo = try root.elements("ContentInfo", atLeast: 2)
        guard try contentInfo[0].objectIdentifier("ContentInfo.contentType") == TimestampOID.signedData else {
            throw TimestampError("the time-stamp token is not CMS signed data")
        }
        let signedData = try contentInfo[1].explicit(0, "ContentInfo.content").elements("SignedData", atLeast: 4)
        var index = 2
        let encapsulated = try signedData[index].elements("EncapsulatedContentInfo", atLeast: 2)
        guard try encapsulated[0].objectIdentifier("eContentType") == TimestampOID.tstInfo else {
            throw TimestampError("the signed content is not a TSTInfo")
        }
        tstInfo = try encapsulated[1].explicit(0, "eContent").octetString("eContent")
        index += 1
        var certificates: [Certificate] = []
        if signedData[index].identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            for node in signedData[index].children {
                // Other certificate formats (attribute certificates) are skipped.
                if let certificate = try? Certificate(derEncoded: Array(node.encodedBytes)) {
                    certificates.append(certificate)
                }
            }
            index += 1
        }
        if index < signedData.count,
            signedData[index].identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)
        {
            index += 1  // CRLs
        }
        self.certificates = certificates
        guard index < signedData.count else { throw TimestampError("SignedData: no signer information") }
        let signers = try signedData[index].elements("SignerInfos", identifier: .set, atLeast: 1)
        guard signers.count == 1 else { throw TimestampError("SignedData: \(signers.count) signers, expected one") }
        signer = try Self.signerInfo(signers[0])

        let info = try DER.parse(tstInfo).elements("TSTInfo", atLeast: 5)
        policy = try info[1].objectIdentifier("TSTInfo.policy").description
        let imprintNode = try info[2].elements("MessageImprint", atLeast: 2)
        imprintAlgorithm = try imprintNode[0].elements("hashAlgorithm", atLeast: 1)[0].objectIdentifier("hashAlgorithm")
        imprint = Array(try imprintNode[1].octetString("hashedMessage"))
        serialNumber = try info[3].integerBytes("TSTInfo.serialNumber").map { String(format: "%02x", $0) }.joined()
        let generalized: GeneralizedTime
        do {
            generalized = try GeneralizedTime(derEncoded: info[4])
        } catch {
            throw TimestampError("TSTInfo.genTime: expected a GeneralizedTime")
        }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC")
        (components.year, components.month, components.day) = (generalized.year, generalized.month, generalized.day)
        (components.hour, components.minute, components.second) =
            (generalized.hours, generalized.minutes, generalized.seconds)
        guard let date = components.date else { throw TimestampError("TSTInfo.genTime: not a date") }
        time = date.addingTimeInterval(generalized.fractionalSeconds)
        timeText = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d%@Z", generalized.year, generalized.month, generalized.day,
            generalized.hours, generalized.minutes, generalized.seconds,
            generalized.fractionalSeconds > 0
                ? String(String(format: "%.3f", generalized.fractionalSeconds).dropFirst()) : "")
        nonce = info.dropFirst(5).first { $0.identifier == .integer }.flatMap { try? $0.integerBytes("nonce") }
    }

    private static func signerInfo(_ node: ASN1Node) throws -> SignerInfo {
        let fields = try node.elements("SignerInfo", atLeast: 5)
        var issuerAndSerial: (DistinguishedName, ArraySlice<UInt8>)?
        var keyIdentifier: ArraySlice<UInt8>?
        if fields[1].identifier == .sequence {
            let parts = try fields[1].elements("IssuerAndSerialNumber", atLeast: 2)
            do {
                issuerAndSerial = (try DistinguishedName(derEncoded: parts[0]), try parts[1].integerBytes("serial"))
            } catch let error as TimestampError {
                throw error
            } catch {
                throw TimestampError("SignerInfo.sid: the issuer is not a distinguished name")
            }
        } else {
            keyIdentifier = try fields[1].primitiveBytes("SignerInfo.sid")
        }
        let digestAlgorithm = try fields[2].elements("digestAlgorithm", atLeast: 1)[0].objectIdentifier(
            "digestAlgorithm")
        guard fields[3].identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) else {
            throw TimestampError("SignerInfo: no signed attributes (RFC 3161 requires them)")
        }
        var signedAttributes = Array(fields[3].encodedBytes)
        signedAttributes[0] = 0x31  // the signature is over the attributes as a SET
        var contentType: ASN1ObjectIdentifier?
        var messageDigest: ArraySlice<UInt8>?
        for attribute in fields[3].children {
            let parts = try attribute.elements("Attribute", atLeast: 2)
            let type = try parts[0].objectIdentifier("Attribute.type")
            guard let value = parts[1].children.first else { continue }
            if type == TimestampOID.contentTypeAttribute { contentType = try value.objectIdentifier("content type") }
            if type == TimestampOID.messageDigestAttribute { messageDigest = try value.octetString("message digest") }
        }
        let signatureAlgorithm = try fields[4].elements("signatureAlgorithm", atLeast: 1)[0].objectIdentifier(
            "signatureAlgorithm")
        guard fields.count > 5 else { throw TimestampError("SignerInfo: no signature") }
        return SignerInfo(
            issuerAndSerial: issuerAndSerial, subjectKeyIdentifier: keyIdentifier, digestAlgorithm: digestAlgorithm,
            signedAttributes: signedAttributes, contentType: contentType, messageDigest: messageDigest,
            signatureAlgorithm: signatureAlgorithm, signature: try fields[5].octetString("signature"))
    }

    // MARK: Verification

    /// What checking a token found.
    public struct Verification: Sendable {
        /// Each failure; empty when the token holds.
        public var problems: [String] = []
        /// The signing authority's certificate subject.
        public var signer: String?
        /// The certificates from the signer up to the trusted one, by subject.
        public var chain: [String] = []
        public var isValid: Bool { problems.isEmpty }
    }

    /// Checks the token over `digest` (SHA-256), with `trusted` as the certificates to trust
    /// (the authority's own, or the CA above it). `extra` are intermediates to build the chain with.
    public func verify(digest: [UInt8], trusting trusted: [Certificate], extra: [Certificate] = []) -> Verification {
        var result = Verification()
        if imprintAlgorithm != TimestampOID.sha256 {
            result.problems.append("the token's message imprint is not SHA-256")
        } else if imprint != digest {
            result.problems.append("the token is over another digest than this bag's tag manifest")
        }
        if signer.contentType != TimestampOID.tstInfo {
            result.problems.append("the signed attributes do not name TSTInfo as the content")
        }
        guard let contentDigest = Self.digest(tstInfo, signer.digestAlgorithm) else {
            result.problems.append("the token's digest algorithm \(signer.digestAlgorithm) is not one heritage checks")
            return result
        }
        if let stated = signer.messageDigest {
            if !stated.elementsEqual(contentDigest) {
                result.problems.append("the signed message digest does not match the TSTInfo (altered token)")
            }
        } else {
            result.problems.append("the signed attributes carry no message digest")
        }
        let pool = certificates + extra + trusted
        guard let certificate = pool.first(where: matchesSigner) else {
            result.problems.append("the authority's certificate is neither in the token nor among those given")
            return result
        }
        result.signer = certificate.subject.description
        if !Self.isValidSignature(signer, by: certificate) {
            result.problems.append("the authority's signature does not verify with its certificate (altered token)")
        }
        if let usage = try? certificate.extensions.extendedKeyUsage {
            if !usage.contains(.timeStamping) {
                result.problems.append("the signer's certificate is not for time-stamping (extended key usage)")
            }
        } else {
            result.problems.append("the signer's certificate has no extended key usage for time-stamping")
        }
        let (chain, chainProblem) = Self.chain(from: certificate, pool: pool, trusted: trusted, at: time)
        result.chain = chain.map(\.subject.description)
        if let chainProblem { result.problems.append(chainProblem) }
        return result
    }

    private func matchesSigner(_ certificate: Certificate) -> Bool {
        if let (issuer, serial) = signer.issuerAndSerial {
            return certificate.issuer == issuer
                && ArraySlice(certificate.serialNumber.bytes).drop(while: { $0 == 0 })
                    .elementsEqual(serial.drop { $0 == 0 })
        }
        if let identifier = signer.subjectKeyIdentifier,
            let own = try? certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        {
            return own.elementsEqual(identifier)
        }
        return false
    }

    /// Walks issuer links from `leaf` to a trusted certificate, checking each signature and
    /// each certificate's validity at `time`; returns the chain and the first problem.
    static func chain(
        from leaf: Certificate, pool: [Certificate], trusted: [Certificate], at time: Date
    ) -> ([Certificate], String?) {
        var chain = [leaf]
        var current = leaf
        for _ in 0..<8 {
            if current.notValidBefore > time || current.notValidAfter < time {
                return (chain, "certificate \(current.subject) was not valid at the stated time")
            }
            if trusted.contains(current) { return (chain, nil) }
            guard
                let issuer = pool.first(where: {
                    $0.subject == current.issuer && $0.publicKey.isValidSignature(current.signature, for: current)
                })
            else {
                return (
                    chain,
                    trusted.isEmpty
                        ? "no certificate to trust was given"
                        : "the authority's certificate does not chain to a trusted certificate"
                )
            }
            if issuer != current {
                let constraints = try? issuer.extensions.basicConstraints
                guard case .isCertificateAuthority = constraints else {
                    return (chain, "certificate \(issuer.subject) signed another but is not a certificate authority")
                }
            } else if !trusted.contains(issuer) {
                return (
                    chain,
                    "the authority's certificate does not chain to a trusted certificate (it ends at "
                        + "\(issuer.subject), which was not given as trusted)"
                )
            }
            chain.append(issuer)
            current = issuer
        }
        return (chain, "the certificate chain is too long")
    }

    static func digest(_ bytes: ArraySlice<UInt8>, _ algorithm: ASN1ObjectIdentifier) -> [UInt8]? {
        switch algorithm {
        case TimestampOID.sha256: Array(SHA256.hash(data: bytes))
        case TimestampOID.sha384: Array(SHA384.hash(data: bytes))
        case TimestampOID.sha512: Array(SHA512.hash(data: bytes))
        default: nil
        }
    }

    /// The signature over the signed attributes, with an RSA (PKCS #1 v1.5) or ECDSA key.
    static func isValidSignature(_ signer: SignerInfo, by certificate: Certificate) -> Bool {
        let algorithm = signer.signatureAlgorithm
        let digestAlgorithm: ASN1ObjectIdentifier =
            switch algorithm {
            case TimestampOID.sha256WithRSA, TimestampOID.ecdsaWithSHA256: TimestampOID.sha256
            case TimestampOID.sha384WithRSA, TimestampOID.ecdsaWithSHA384: TimestampOID.sha384
            case TimestampOID.sha512WithRSA, TimestampOID.ecdsaWithSHA512: TimestampOID.sha512
            default: signer.digestAlgorithm
            }
        let verifier: (any DigestVerifier)?
        if [
            TimestampOID.rsaEncryption, TimestampOID.sha256WithRSA, TimestampOID.sha384WithRSA,
            TimestampOID.sha512WithRSA,
        ].contains(algorithm) {
            verifier = _RSA.Signing.PublicKey(certificate.publicKey).map {
                RSAVerifier(key: $0, signature: _RSA.Signing.RSASignature(rawRepresentation: signer.signature))
            }
        } else if let key = P256.Signing.PublicKey(certificate.publicKey) {
            verifier = (try? P256.Signing.ECDSASignature(derRepresentation: signer.signature)).map {
                P256Verifier(key: key, signature: $0)
            }
        } else if let key = P384.Signing.PublicKey(certificate.publicKey) {
            verifier = (try? P384.Signing.ECDSASignature(derRepresentation: signer.signature)).map {
                P384Verifier(key: key, signature: $0)
            }
        } else {
            verifier = nil
        }
        guard let verifier else { return false }
        let data = signer.signedAttributes
        switch digestAlgorithm {
        case TimestampOID.sha256: return verifier.verifies(SHA256.hash(data: data))
        case TimestampOID.sha384: return verifier.verifies(SHA384.hash(data: data))
        case TimestampOID.sha512: return verifier.verifies(SHA512.hash(data: data))
        default: return false
        }
    }
}

/// A public key and a signature, checked against a digest of any SHA-2 size.
private protocol DigestVerifier {
    func verifies<D: Digest>(_ digest: D) -> Bool
}

private struct RSAVerifier: DigestVerifier {
    var key: _RSA.Signing.PublicKey
    var signature: _RSA.Signing.RSASignature
    func verifies<D: Digest>(_ digest: D) -> Bool {
        key.isValidSignature(signature, for: digest, padding: .insecurePKCS1v1_5)
    }
}

private struct P256Verifier: DigestVerifier {
    var key: P256.Signing.PublicKey
    var signature: P256.Signing.ECDSASignature
    func verifies<D: Digest>(_ digest: D) -> Bool { key.isValidSignature(signature, for: digest) }
}

private struct P384Verifier: DigestVerifier {
    var key: P384.Signing.PublicKey
    var signature: P384.Signing.ECDSASignature
    func verifies<D: Digest>(_ digest: D) -> Bool { key.isValidSignature(signature, for: digest) }
}
