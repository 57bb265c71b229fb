import Foundation

/// A field visit or remote-sensing campaign at one site. Assets attach to a survey.
public struct Survey: Codable, Hashable, Sendable {
    public var id: String
    public var siteID: String
    /// First day (ISO 8601 date, possibly reduced to YYYY-MM or YYYY).
    public var startDate: String
    /// Last day, when the survey spanned several days.
    public var endDate: String?
    public var team: [String]
    public var method: SurveyMethod
    public var notes: String?

    public init(
        id: String = RecordID.make(), siteID: String, startDate: String, endDate: String? = nil,
        team: [String] = [], method: SurveyMethod, notes: String? = nil
    ) {
        self.id = id
        self.siteID = siteID
        self.startDate = startDate
        self.endDate = endDate
        self.team = team
        self.method = method
        self.notes = notes
    }

    package func validated() throws -> Survey {
        try checkPartialDate(startDate, field: "survey start date")
        if let endDate {
            try checkPartialDate(endDate, field: "survey end date")
            guard endDate >= startDate else {
                throw HeritageStoreError(
                    .invalidInput, "survey end date \(endDate) is before its start date \(startDate)")
            }
        }
        var copy = self
        copy.team = team.map { $0.trimmed }.filter { !$0.isEmpty }
        copy.notes = notes.nilIfBlank
        return copy
    }
}
