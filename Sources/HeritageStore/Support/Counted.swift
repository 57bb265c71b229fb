/// "1 site", "2 sites", "1 survey", "3 assets": a count with its noun in the right number.
/// `plural` is given where adding "s" is wrong ("1 copy", "2 copies").
public func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
