/// How a finding's two epochs were compared.
public enum FindingMethod: String, Codable, Sendable, CaseIterable {
    /// Distances between two scans: M3C2, cloud to cloud, cloud to mesh.
    case m3c2, c2c, c2m
    /// Colour change between two co-registered photographs.
    case photo

    public static func stored(_ text: String) throws -> Self {
        guard let method = Self(rawValue: text) else {
            throw HeritageStoreError(.integrity, "a finding has the unknown method '\(text)'")
        }
        return method
    }
}

/// What a comparison of two scans (or two photographs) of a site found, recorded on the site.
/// Findings are never edited or deleted; a person turns one into a condition assessment, which
/// cites it.
public struct Finding: Codable, Hashable, Sendable {
    public var id: String
    public var siteID: String
    public var method: FindingMethod
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
    /// Scans: the area of the loss regions, in square `units`. Photographs: 0 (a colour change
    /// is neither loss nor gain; see ``changedArea``).
    public var lossArea: Double
    /// Photographs only: the area of every changed region, in square `units` (for `px`, a
    /// number of pixels). Nil for scans.
    public var changedArea: Double?
    /// The deepest change in any region, in `units`.
    public var maxDepth: Double
    public var units: String
    /// A one-paragraph account of the result, for the timeline and for the assessment it drafts.
    public var summary: String
    public var recordedAt: String?
    public var recordedBy: String?

    public init(
        id: String = RecordID.make(), siteID: String, method: FindingMethod, beforeVersionID: String,
        afterVersionID: String, resultVersionIDs: [String], measuredCount: Int, significantCount: Int,
        noDataCount: Int, regionCount: Int, lossVolume: Double, gainVolume: Double, lossArea: Double,
        changedArea: Double? = nil, maxDepth: Double, units: String, summary: String, recordedAt: String? = nil,
        recordedBy: String? = nil
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
        self.changedArea = changedArea
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

extension Finding {
    private enum CodingKeys: String, CodingKey {
        case id, siteID, method, beforeVersionID, afterVersionID, resultVersionIDs, measuredCount, significantCount
        case noDataCount, regionCount, lossVolume, gainVolume, lossArea, changedArea, maxDepth, units, summary
        case recordedAt, recordedBy
    }

    /// Reads findings as every version wrote them. Before schema v9, a photo comparison's
    /// changed area was kept in `lossArea` (with no `changedArea`): read so, it is moved where
    /// it now belongs, as migration v9 moved it in the table.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        id = try values.decode(String.self, forKey: .id)
        siteID = try values.decode(String.self, forKey: .siteID)
        method = try values.decode(FindingMethod.self, forKey: .method)
        beforeVersionID = try values.decode(String.self, forKey: .beforeVersionID)
        afterVersionID = try values.decode(String.self, forKey: .afterVersionID)
        resultVersionIDs = try values.decode([String].self, forKey: .resultVersionIDs)
        measuredCount = try values.decode(Int.self, forKey: .measuredCount)
        significantCount = try values.decode(Int.self, forKey: .significantCount)
        noDataCount = try values.decode(Int.self, forKey: .noDataCount)
        regionCount = try values.decode(Int.self, forKey: .regionCount)
        lossVolume = try values.decode(Double.self, forKey: .lossVolume)
        gainVolume = try values.decode(Double.self, forKey: .gainVolume)
        lossArea = try values.decode(Double.self, forKey: .lossArea)
        changedArea = try values.decodeIfPresent(Double.self, forKey: .changedArea)
        maxDepth = try values.decode(Double.self, forKey: .maxDepth)
        units = try values.decode(String.self, forKey: .units)
        summary = try values.decode(String.self, forKey: .summary)
        recordedAt = try values.decodeIfPresent(String.self, forKey: .recordedAt)
        recordedBy = try values.decodeIfPresent(String.self, forKey: .recordedBy)
        if method == .photo && changedArea == nil {
            (changedArea, lossArea) = (lossArea, 0)
        }
    }
}
