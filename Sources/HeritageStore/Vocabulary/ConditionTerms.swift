/// Overall condition of a site (EAMENA).
public enum OverallCondition: String, VocabularyTerm {
    case good, fair, poor
    case veryBad = "very-bad"
    case destroyed, unknown
    public static let vocabularyName = "overall condition"
    public var label: String { self == .veryBad ? "Very Bad" : rawValue.capitalized }
}

/// Share of the site's area that is damaged (EAMENA).
public enum DamageExtent: String, VocabularyTerm {
    case none
    case upTo10 = "1-10"
    case upTo30 = "11-30"
    case upTo60 = "31-60"
    case upTo90 = "61-90"
    case upTo100 = "91-100"
    case unknown
    public static let vocabularyName = "damage extent"
    public var label: String {
        switch self {
        case .none: "None"
        case .unknown: "Unknown"
        default: rawValue + "%"
        }
    }
}

/// Broad category of what disturbed a site (EAMENA).
public enum DisturbanceCategory: String, VocabularyTerm {
    case militaryArmedConflict = "military-armed-conflict"
    case lootingIllegalActivities = "looting-illegal-activities"
    case vandalism
    case deliberateDestruction = "deliberate-destruction"
    case buildingAndDevelopment = "building-and-development"
    case natural
    case managementFactors = "management-factors"
    case unknown
    public static let vocabularyName = "disturbance cause category"
    public var label: String {
        switch self {
        case .militaryArmedConflict: "Military/Armed Conflict"
        case .lootingIllegalActivities: "Looting/Illegal Activities"
        case .vandalism: "Vandalism"
        case .deliberateDestruction: "Deliberate Destruction"
        case .buildingAndDevelopment: "Building and Development"
        case .natural: "Natural"
        case .managementFactors: "Management Factors"
        case .unknown: "Unknown"
        }
    }
}

/// Specific cause of a disturbance (EAMENA).
public enum DisturbanceType: String, VocabularyTerm {
    case explosionHeavyWeaponry = "explosion-heavy-weaponry"
    case gunfireLightWeaponry = "gunfire-light-weaponry"
    case demolitionDestruction = "demolition-destruction"
    case clearance
    case fire
    case breakingSmashing = "breaking-smashing"
    case graffiti
    case structuralRobbing = "structural-robbing"
    case theftRemoval = "theft-removal"
    case unknown
    public static let vocabularyName = "disturbance cause type"
    public var label: String {
        switch self {
        case .explosionHeavyWeaponry: "Explosion/Heavy Weaponry"
        case .gunfireLightWeaponry: "Gunfire/Light Weaponry"
        case .demolitionDestruction: "Demolition/Destruction"
        case .clearance: "Clearance (Bulldozing/Levelling)"
        case .fire: "Fire"
        case .breakingSmashing: "Breaking/Smashing"
        case .graffiti: "Graffiti"
        case .structuralRobbing: "Structural Robbing"
        case .theftRemoval: "Theft/Unauthorised Removal of Objects"
        case .unknown: "Unknown"
        }
    }
}

/// An effect of a disturbance on the fabric of a site (EAMENA).
public enum DisturbanceEffect: String, VocabularyTerm {
    case collapseStructuralDamage = "collapse-structural-damage"
    case burning
    case lossRemovalOfMaterial = "loss-removal-of-material"
    case structuralAlteration = "structural-alteration"
    case accessRestriction = "access-restriction"
    case surfaceDamage = "surface-damage"
    public static let vocabularyName = "effect"
    public var label: String {
        switch self {
        case .collapseStructuralDamage: "Collapse/Structural Damage"
        case .burning: "Burning"
        case .lossRemovalOfMaterial: "Loss/Removal of Material"
        case .structuralAlteration: "Structural Alteration"
        case .accessRestriction: "Access Restriction"
        case .surfaceDamage: "Surface Damage"
        }
    }
}

/// How the assessment was made (EAMENA "assessment activity type").
public enum AssessmentActivity: String, VocabularyTerm {
    case fieldVisit = "field-visit"
    case satelliteImageryAssessment = "satellite-imagery-assessment"
    case aerialImageryAssessment = "aerial-imagery-assessment"
    case scanComparison = "scan-comparison"
    case literatureReview = "literature-review"
    case mediaReport = "media-report"
    case other
    public static let vocabularyName = "activity type"
    public var label: String {
        switch self {
        case .fieldVisit: "Field visit"
        case .satelliteImageryAssessment: "Satellite imagery assessment"
        case .aerialImageryAssessment: "Aerial imagery assessment"
        case .scanComparison: "Scan comparison"
        case .literatureReview: "Literature/archive review"
        case .mediaReport: "Media report"
        case .other: "Other"
        }
    }
}

/// Level of an ongoing threat, or the priority of a recommended response.
public enum RiskLevel: String, VocabularyTerm {
    case none, low, medium, high, emergency, unknown
    public static let vocabularyName = "threat or priority level"
    public var label: String { rawValue.capitalized }
}

/// How an assessment's date is to be read.
public enum DateQualifier: String, VocabularyTerm {
    case on, between, before, after
    public static let vocabularyName = "date qualifier"
    public var label: String { rawValue }
}
