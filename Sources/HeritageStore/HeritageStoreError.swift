/// An error raised by the registry: bad input, a broken rule, or a database failure.
///
/// The message is one sentence a user can act on; `location` says where the problem is
/// (a file and line, a CSV column, a record reference) when one is known. Coordinates of
/// sites are never put into messages: a restricted site's position is sensitive.
public struct HeritageStoreError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is. New codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: String {
            case invalidInput = "invalid input"
            case notFound = "not found"
            case conflict = "conflict"
            case archiveMissing = "archive missing"
            case importRejected = "import rejected"
            case integrity = "integrity"
            case database = "database"
            case io = "i/o"
            case readOnly = "read-only"
            case notPermitted = "not permitted"
        }
        let value: Value
        public static let invalidInput = Code(value: .invalidInput)
        public static let notFound = Code(value: .notFound)
        public static let conflict = Code(value: .conflict)
        public static let archiveMissing = Code(value: .archiveMissing)
        public static let importRejected = Code(value: .importRejected)
        public static let integrity = Code(value: .integrity)
        public static let database = Code(value: .database)
        public static let io = Code(value: .io)
        public static let readOnly = Code(value: .readOnly)
        /// A rule about who may do what: a proposal decided by the one who made it.
        public static let notPermitted = Code(value: .notPermitted)
        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String
    public var location: String?
    /// For a rejected import: every problem found, in input order.
    public var issues: [ImportIssue]
    public var underlying: (any Error & Sendable)?

    public init(
        _ code: Code, _ message: String, location: String? = nil, issues: [ImportIssue] = [],
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.location = location
        self.issues = issues
        self.underlying = underlying
    }

    public var description: String {
        var text = location.map { "\($0): \(message)" } ?? message
        for issue in issues {
            text += "\n  \(issue)"
        }
        return text
    }
}

/// One problem found in one row of an imported register.
public struct ImportIssue: CustomStringConvertible, Sendable, Equatable {
    /// The 1-based line in the file where the row starts, or the 1-based feature number.
    public var line: Int
    /// The column or property name, when the problem is in one field.
    public var column: String?
    public var reason: String
    /// What `line` counts: `"line"` for CSV, `"feature"` for GeoJSON.
    public var unit: String

    public init(line: Int, column: String?, reason: String, unit: String = "line") {
        self.line = line
        self.column = column
        self.reason = reason
        self.unit = unit
    }

    public var description: String {
        let field = unit == "line" ? "column" : "property"
        if let column { return "\(unit) \(line), \(field) \(column): \(reason)" }
        return "\(unit) \(line): \(reason)"
    }
}
