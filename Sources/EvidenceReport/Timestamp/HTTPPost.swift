import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 POST over a plain TCP socket, for RFC 3161 requests.
///
/// Why not URLSession: FoundationNetworking loads libcurl and its TLS, Kerberos and LDAP
/// libraries into every run of the command-line tool (17 → 23 MiB resident at start, measured),
/// for one request a package makes. Time-stamping authorities serve RFC 3161 over plain HTTP
/// (the token is signed, so transport security adds nothing to what it proves), so a small
/// client that does only that is kept here instead.
enum HTTPPost {
    struct Response {
        var status: Int
        var body: [UInt8]
    }

    /// The largest answer read (a token with its certificate chain is a few kilobytes).
    static let maximumResponse = 1 << 20

    static func send(
        _ body: [UInt8], to url: URL, contentType: String, accept: String, timeout: TimeInterval
    ) throws -> Response {
        guard url.scheme?.lowercased() == "http", let host = url.host, !host.isEmpty else {
            throw TimestampError(
                "\(url.absoluteString): give the authority's http:// address (RFC 3161 answers are signed, so "
                    + "authorities serve them over plain HTTP)")
        }
        let port = url.port ?? 80
        let descriptor = try connect(host: host, port: port, timeout: timeout)
        defer { close(descriptor) }
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        let hostHeader = url.port.map { "\(host):\($0)" } ?? host
        let head =
            "POST \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: heritage\r\nContent-Type: \(contentType)\r\n"
            + "Accept: \(accept)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try write(descriptor, Array(head.utf8) + body, url: url)
        let raw = try readAll(descriptor, url: url)
        return try parse(raw, url: url)
    }

    private static func connect(host: String, port: Int, timeout: TimeInterval) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw TimestampError(
                "cannot find the time-stamping authority's host \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            entry = current.pointee.ai_next
            let descriptor = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
            guard descriptor >= 0 else { continue }
            var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(descriptor, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 {
                return descriptor
            }
            reason = String(cString: strerror(errno))
            close(descriptor)
        }
        throw TimestampError("cannot connect to \(host):\(port): \(reason)")
    }

    private static func write(_ descriptor: Int32, _ bytes: [UInt8], url: URL) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw TimestampError(
                    "cannot send the request to \(url.absoluteString): \(String(cString: strerror(errno)))")
            }
            sent += count
        }
    }

    private static func readAll(_ descriptor: Int32, url: URL) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TimestampError(
                    "no answer from \(url.absoluteString): \(errno == EAGAIN ? "timed out" : String(cString: strerror(errno)))"
                )
            }
            if count == 0 { return result }
            result += buffer[0..<count]
            guard result.count <= maximumResponse else {
                throw TimestampError("the answer from \(url.absoluteString) is larger than \(maximumResponse) bytes")
            }
        }
    }

    /// Status line, headers, and a body framed by Content-Length, chunks, or the connection's end.
    static func parse(_ raw: [UInt8], url: URL) throws -> Response {
        guard let split = raw.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw TimestampError("the answer from \(url.absoluteString) is not HTTP")
        }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/"), let status = Int(statusParts[1]) else {
            throw TimestampError("the answer from \(url.absoluteString) is not HTTP")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body = Array(raw[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try dechunk(body, url: url)
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            guard length <= body.count else {
                throw TimestampError("the answer from \(url.absoluteString) was cut short")
            }
            body = Array(body.prefix(length))
        }
        return Response(status: status, body: body)
    }

    private static func dechunk(_ bytes: [UInt8], url: URL) throws -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while true {
            // A chunk's data is followed by CRLF; a size that overruns the answer leaves
            // `index` past its end (found by the mutation test).
            guard index <= bytes.count, let lineEnd = bytes[index...].firstRange(of: Array("\r\n".utf8)) else {
                throw TimestampError("the chunked answer from \(url.absoluteString) was cut short")
            }
            let sizeText =
                String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self)
                .split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw TimestampError("the chunked answer from \(url.absoluteString) is malformed")
            }
            index = lineEnd.upperBound
            if size == 0 { return result }
            guard size <= maximumResponse, index + size <= bytes.count else {
                throw TimestampError("the chunked answer from \(url.absoluteString) was cut short")
            }
            result += bytes[index..<index + size]
            index += size + 2
        }
    }
}
