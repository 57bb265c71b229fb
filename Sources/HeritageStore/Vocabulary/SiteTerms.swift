/// What a site is. Cross-stones (khachkars) and cemeteries are kinds of their own because they
/// are among the most often destroyed and the hardest to document.
public enum SiteKind: String, VocabularyTerm {
    case church, monastery, mosque, synagogue, temple, shrine, mausoleum, cemetery
    case crossStone = "cross-stone"
    case monument, bridge, museum
    case archaeologicalSite = "archaeological-site"
    case historicBuilding = "historic-building"
    case other

    public static let vocabularyName = "site kind"
    public var label: String {
        switch self {
        case .crossStone: "Cross-stone (khachkar)"
        case .archaeologicalSite: "Archaeological site"
        case .historicBuilding: "Historic building"
        default: rawValue.capitalized
        }
    }
}

/// Whether a site's exact position may be shown. Restricted positions are generalised to
/// 0.1° in exports, reports and listings unless the caller asks for them explicitly.
public enum Sensitivity: String, VocabularyTerm {
    case `public`, restricted
    public static let vocabularyName = "sensitivity"
    public var label: String { rawValue.capitalized }
}

/// How sure an assessor (or a located position) is, after EAMENA.
public enum Certainty: String, VocabularyTerm {
    case notApplicable = "not-applicable"
    case negligible, low, medium, high, definite
    public static let vocabularyName = "certainty"
    public var label: String { self == .notApplicable ? "Not Applicable" : rawValue.capitalized }
}

/// A legal or listing status that protects a site.
public enum DesignationType: String, VocabularyTerm {
    case hagueGeneral = "hague-general"
    case hagueSpecial = "hague-special"
    case hagueEnhanced = "hague-enhanced"
    case worldHeritage = "world-heritage"
    case worldHeritageInDanger = "world-heritage-in-danger"
    case tentativeList = "tentative-list"
    case nationalRegister = "national-register"
    case other

    public static let vocabularyName = "designation"
    public var label: String {
        switch self {
        case .hagueGeneral: "Hague Convention general protection"
        case .hagueSpecial: "Hague Convention special protection"
        case .hagueEnhanced: "Hague Second Protocol enhanced protection"
        case .worldHeritage: "UNESCO World Heritage"
        case .worldHeritageInDanger: "List of World Heritage in Danger"
        case .tentativeList: "UNESCO Tentative List"
        case .nationalRegister: "National register"
        case .other: "Other"
        }
    }
}

/// The scheme of an identifier the site has in another register.
public enum ExternalIDScheme: String, VocabularyTerm {
    case wikidata, unesco
    case nationalRegister = "national-register"
    case other
    public static let vocabularyName = "external id scheme"
    public var label: String {
        switch self {
        case .wikidata: "Wikidata"
        case .unesco: "UNESCO"
        case .nationalRegister: "National register"
        case .other: "Other"
        }
    }
}

/// How a survey gathered its evidence.
public enum SurveyMethod: String, VocabularyTerm {
    case terrestrialLaserScan = "terrestrial-laser-scan"
    case photogrammetry
    case structuredLight = "structured-light"
    case airborneLidar = "airborne-lidar"
    case satelliteImagery = "satellite-imagery"
    case photography
    case deskBased = "desk-based"
    public static let vocabularyName = "survey method"
    public var label: String {
        switch self {
        case .terrestrialLaserScan: "Terrestrial laser scan"
        case .structuredLight: "Structured light"
        case .airborneLidar: "Airborne lidar"
        case .satelliteImagery: "Satellite imagery"
        case .deskBased: "Desk-based"
        default: rawValue.capitalized
        }
    }
}
