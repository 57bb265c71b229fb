import Foundation
import HeritageStore
import Hummingbird

/// `POST /api/sites/{code}/surveys` (surveyor): records a survey of the site, attributed to
/// the signed-in account; uploads can then name it (`?survey=ID`).
struct SurveyRoutes {
    let store: HeritageArchive
    let pool: BlockingPool

    struct NewSurvey: Decodable {
        var startDate: String
        var endDate: String?
        var team: [String]?
        var method: String
        var notes: String?
    }

    func add(to router: Router<HeritageRequestContext>) {
        router.post("/api/sites/{code}/surveys") { request, context -> Response in
            let account = try context.require(.surveyor)
            let site = try context.parameters.require("code")
            let body = try await request.decode(as: NewSurvey.self, context: context)
            let draft = Survey(
                siteID: site, startDate: body.startDate, endDate: body.endDate, team: body.team ?? [],
                method: try SurveyMethod.parse(body.method), notes: body.notes)
            let survey = try await pool.run { try store.addSurvey(draft, actor: account.name) }
            let includeRestricted = context.mayReadRestricted
            // Answered as the site's page shows it: a restricted site's survey notes are released.
            let shown = try await pool.run {
                try store.release(ofSite: survey.siteID, includeRestricted: includeRestricted).released(survey)
            }
            var response = try SurveyView(survey: shown).response(from: request, context: context)
            response.status = .created
            return response
        }
    }

    struct SurveyView: ResponseEncodable {
        var survey: Survey
    }
}
