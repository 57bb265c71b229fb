import Foundation

/// JSON Merge Patch (RFC 7396) over `JSONSerialization` values: an object's members replace
/// the target's, recursively; `null` removes a member; anything else replaces the whole value.
enum JSONMergePatch {
    static func apply(_ patch: Any, to target: Any?) -> Any {
        guard let patch = patch as? [String: Any] else { return patch }
        var result = target as? [String: Any] ?? [:]
        for (key, value) in patch {
            if value is NSNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key])
            }
        }
        return result
    }

    /// The body as a JSON object, or a 400 naming what it is instead.
    static func object(_ data: Data) throws -> [String: Any] {
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw APIError(.badRequest, "the body is not valid JSON")
        }
        guard let object = value as? [String: Any] else { throw APIError(.badRequest, "the body is not a JSON object") }
        return object
    }
}
