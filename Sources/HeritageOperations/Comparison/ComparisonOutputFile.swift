/// The files a comparison writes into its output folder; it never overwrites any of them.
public enum ComparisonOutputFile {
    public static let cloud = "changes.ply"
    public static let summary = "summary.json"
    public static func heatMap(_ view: String) -> String { "heatmap-\(view).png" }
    public static let views = ["front", "side", "top"]
    public static let mask = "change-mask.png"
    public static let overlay = "change-overlay.png"
    /// What a comparison of scans writes.
    public static let scanOutputs = [cloud, summary] + views.map(heatMap)
    public static let allNames = [cloud, summary] + views.map(heatMap) + [mask, overlay]
}
