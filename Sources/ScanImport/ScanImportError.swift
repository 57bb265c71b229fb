/// A file that could not be read as what it claims to be, and exactly where it went wrong.
///
/// `location` is a line (text formats) or a byte offset (binary formats), so a user can open
/// the file at that spot. The message says what was found and what was expected.
public struct ScanImportError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: String {
            case unreadable
            case unsupported
            case malformedHeader = "malformed header"
            case malformedBody = "malformed body"
            case truncated
            case indexOutOfRange = "index out of range"
        }
        let value: Value
        /// The file could not be opened or mapped.
        public static let unreadable = Code(value: .unreadable)
        /// A valid file of a kind or variant this importer does not read (e.g. LAZ).
        public static let unsupported = Code(value: .unsupported)
        public static let malformedHeader = Code(value: .malformedHeader)
        public static let malformedBody = Code(value: .malformedBody)
        /// The file ends before the data its header announces.
        public static let truncated = Code(value: .truncated)
        /// A face or line refers to a vertex that does not exist.
        public static let indexOutOfRange = Code(value: .indexOutOfRange)
        public var description: String { value.rawValue }
    }

    /// Where in the file.
    public enum Location: Hashable, Sendable, CustomStringConvertible {
        case line(Int)
        case byteOffset(Int)
        case none
        public var description: String {
            switch self {
            case .line(let line): "line \(line)"
            case .byteOffset(let offset): "byte \(offset)"
            case .none: ""
            }
        }
    }

    public var code: Code
    public var file: String
    public var location: Location
    public var message: String

    public init(_ code: Code, file: String, at location: Location = .none, _ message: String) {
        self.code = code
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String {
        switch location {
        case .none: "\(file): \(message)"
        default: "\(file), \(location): \(message)"
        }
    }
}
