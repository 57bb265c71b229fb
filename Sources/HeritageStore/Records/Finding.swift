/// What a comparison of two scans of a site found, recorded on the site. Findings are never
/// edited or deleted; a person turns one into a condition assessment, which cites it.
public struct Finding: Codable, Hashable, Sendable {
    public var id: String
    public var siteID: String
    /// `m3c2`, `c2c` or `c2m`.
    public var method: String
    public var beforeVersionID: String
    public var afterVersionID: String
    /// The derived asset versions holding the comparison's outputs (summary JSON first).
    public var resultVersionIDs: [String]
    public var measuredCount: Int
    public var significantCount: Int
    public var noDataCount: Int
    public var regionCount: Int
    /// Total volume of the loss and gain regions, in cubic `units`.
    public var lossVolume: Double
    public var gainVolume: Double
    public var lossArea: Double
    /// The deepest change in any region, in `units`.
    public var maxDepth: Double
    public var units: String
    /// A one-paragraph account of the result, for the timeline and for the assessment it drafts.
    public var summary: String
    public var recordedAt: String?
    public var recordedBy: String?

    public init(
        id: String = RecordID.make(), siteID: String, method: String, beforeVersionID: String, afterVersionID: String,
        resultVersionIDs: [String], measuredCount: Int, significantCount: Int, noDataCount: Int, regionCount: Int,
        lossVolume: Double, gainVolume: Double, lossArea: Double, maxDepth: Double, units: String, summary: String,
        recordedAt: String? = nil, recordedBy: String? = nil
    ) {
        self.id = id
        self.siteID = siteID
        self.method = method
        self.beforeVersionID = beforeVersionID
        self.afterVersionID = afterVersionID
        self.resultVersionIDs = resultVersionIDs
        self.measuredCount = measuredCount
        self.significantCount = significantCount
        self.noDataCount = noDataCount
        self.regionCount = regionCount
        self.lossVolume = lossVolume
        self.gainVolume = gainVolume
        self.lossArea = lossArea
        self.maxDepth = maxDepth
        self.units = units
        self.summary = summary
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
    }

    /// The share of measured points with significant change, as the EAMENA extent band it falls in.
    public var proposedExtent: DamageExtent {
        guard measuredCount > 0 else { return .unknown }
        let share = Double(significantCount) / Double(measuredCount) * 100
        switch share {
        case 0: return .none
        case ..<10.5: return .upTo10
        case ..<30.5: return .upTo30
        case ..<60.5: return .upTo60
        case ..<90.5: return .upTo90
        default: return .upTo100
        }
    }

    /// Loss of material reads as loss/removal; gain alone as structural alteration (debris, rebuilding).
    public var proposedEffects: [DisturbanceEffect] {
        var effects = [DisturbanceEffect]()
        if lossVolume > 0 { effects.append(.lossRemovalOfMaterial) }
        if gainVolume > 0 && lossVolume == 0 { effects.append(.structuralAlteration) }
        return effects
    }
}
