/// The release this build is, as outputs cite it.
public enum HeritageRelease {
    public static let version = "0.1.0"
    /// How summaries, derived versions, reports and packages name the software.
    public static let software = "heritage \(version)"
}
