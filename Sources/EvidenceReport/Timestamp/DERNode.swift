import SwiftASN1

/// Small reading helpers over swift-asn1's parsed nodes, each throwing a message that names
/// what was expected where (a token from a time-stamping authority is read from untrusted bytes).
extension ASN1Node {
    /// The children of a constructed node; a primitive node has none.
    var children: [ASN1Node] {
        if case .constructed(let collection) = content { return Array(collection) }
        return []
    }

    /// The content bytes of a primitive node.
    func primitiveBytes(_ what: String) throws -> ArraySlice<UInt8> {
        guard case .primitive(let bytes) = content else { throw TimestampError("\(what): expected a primitive value") }
        return bytes
    }

    /// This node's children, requiring it to be a SEQUENCE (or another constructed `identifier`).
    func elements(_ what: String, identifier: ASN1Identifier = .sequence, atLeast count: Int = 0) throws -> [ASN1Node] {
        guard self.identifier == identifier, case .constructed = content else {
            throw TimestampError("\(what): expected \(identifier), found \(self.identifier)")
        }
        let children = self.children
        guard children.count >= count else {
            throw TimestampError("\(what): expected at least \(count) elements, found \(children.count)")
        }
        return children
    }

    func objectIdentifier(_ what: String) throws -> ASN1ObjectIdentifier {
        do {
            return try ASN1ObjectIdentifier(derEncoded: self)
        } catch {
            throw TimestampError("\(what): expected an object identifier")
        }
    }

    /// An INTEGER's two's-complement bytes.
    func integerBytes(_ what: String) throws -> ArraySlice<UInt8> {
        guard identifier == .integer else { throw TimestampError("\(what): expected an INTEGER") }
        return try primitiveBytes(what)
    }

    func octetString(_ what: String) throws -> ArraySlice<UInt8> {
        guard identifier == .octetString else { throw TimestampError("\(what): expected an OCTET STRING") }
        return try primitiveBytes(what)
    }

    /// The one node inside an explicitly tagged `[tag]`.
    func explicit(_ tag: UInt, _ what: String) throws -> ASN1Node {
        guard identifier == ASN1Identifier(tagWithNumber: tag, tagClass: .contextSpecific),
            let inner = children.first
        else { throw TimestampError("\(what): expected [\(tag)]") }
        return inner
    }
}

/// Object identifiers a timestamp token uses.
enum TimestampOID {
    static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 7, 2]
    static let tstInfo: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 16, 1, 4]
    static let contentTypeAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 3]
    static let messageDigestAttribute: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 9, 4]
    static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    static let sha384: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 2]
    static let sha512: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 3]
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 1]
    static let sha256WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 11]
    static let sha384WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 12]
    static let sha512WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113_549, 1, 1, 13]
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10_045, 4, 3, 2]
    static let ecdsaWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10_045, 4, 3, 3]
    static let ecdsaWithSHA512: ASN1ObjectIdentifier = [1, 2, 840, 10_045, 4, 3, 4]
}

/// A timestamp request, response or token could not be made, read or checked.
public struct TimestampError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
