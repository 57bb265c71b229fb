/// A comparison that cannot be made as asked: a parameter out of range, inputs without points,
/// or images that do not match. The message names the parameter or input and what was expected.
public struct SurveyDiffError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: String {
            case invalidParameter = "invalid parameter"
            case emptyInput = "empty input"
            case mismatchedInputs = "mismatched inputs"
            case notConverged = "not converged"
            case cancelled = "cancelled"
        }
        let value: Value
        public static let invalidParameter = Code(value: .invalidParameter)
        public static let emptyInput = Code(value: .emptyInput)
        public static let mismatchedInputs = Code(value: .mismatchedInputs)
        /// Registration found too few correspondences to solve for a transform.
        public static let notConverged = Code(value: .notConverged)
        /// The caller asked the comparison to stop (``ComparisonOptions/isCancelled``).
        public static let cancelled = Code(value: .cancelled)
        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Throws unless `value` is finite and greater than zero.
    static func requirePositive(_ value: Double, _ name: String) throws(SurveyDiffError) {
        guard value.isFinite, value > 0 else {
            throw SurveyDiffError(.invalidParameter, "\(name) must be a positive number, got \(value)")
        }
    }
}
