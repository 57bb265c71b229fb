import Foundation
import HeritageStore

/// One condition assessment of the sample register, as written in SampleSites/conditions.json.
struct SampleCondition: Decodable {
    var site: String
    var assessor: String
    var dateQualifier: String
    var date: String
    var endDate: String?
    var activity: String
    var overallCondition: String
    var damageExtent: String
    var causeCategory: String?
    var causeType: String?
    var effects: [String]
    var certainty: String
    var notes: String?

    func assessment() throws -> ConditionAssessment {
        ConditionAssessment(
            siteID: site, assessor: assessor, dateQualifier: try DateQualifier.parse(dateQualifier), date: date,
            endDate: endDate, activity: try AssessmentActivity.parse(activity),
            overallCondition: try OverallCondition.parse(overallCondition),
            damageExtent: try DamageExtent.parse(damageExtent),
            causeCategory: try causeCategory.map(DisturbanceCategory.parse),
            causeType: try causeType.map(DisturbanceType.parse), effects: try effects.map(DisturbanceEffect.parse),
            certainty: try Certainty.parse(certainty), notes: notes)
    }
}

/// Loads the embedded sample register into an archive.
enum SampleRegisterLoader {
    static func load(into archive: HeritageArchive, actor: String) throws -> (sites: Int, assessments: Int) {
        let register = try SiteRegister.parse(
            Array(EmbeddedSampleSites.sites.utf8), fileName: "SampleSites/sites.geojson", format: .geojson)
        let sites = try archive.importSites(register, actor: actor)
        let conditions = try JSONDecoder().decode(
            [SampleCondition].self, from: Data(EmbeddedSampleSites.conditions.utf8))
        for condition in conditions {
            try archive.addAssessment(try condition.assessment(), actor: actor)
        }
        return (sites, conditions.count)
    }
}
