import Foundation
import GRDB

/// A comparison a server runs for someone: what was asked (`request`, the front end's JSON),
/// by whom, and how it went. Jobs are kept, never deleted; a finished one never changes.
public struct Job: Codable, Hashable, Sendable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case queued, running, succeeded, failed, cancelled

        public var isFinished: Bool { ![.queued, .running].contains(self) }

        public static func parse(_ text: String) throws -> Self {
            guard let status = Self(rawValue: text.lowercased()) else {
                throw HeritageStoreError(
                    .invalidInput,
                    "unknown job status '\(text)': one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return status
        }
    }

    public var id: String
    public var siteID: String
    /// What was asked, as JSON (for a comparison: before, after and its parameters).
    public var request: String
    public var requestedBy: String
    public var requestedAt: String
    public var status: Status
    /// The stage it is at or ended in ("indexing the before epoch", "writing outputs").
    public var stage: String?
    public var startedAt: String?
    public var finishedAt: String?
    /// Why it failed, or who cancelled it.
    public var error: String?
    /// The finding it recorded, when it succeeded.
    public var findingID: String?
    /// The job this one runs again.
    public var rerunOf: String?

    public init(
        id: String = RecordID.make(), siteID: String, request: String, requestedBy: String, requestedAt: String = "",
        status: Status = .queued, stage: String? = nil, startedAt: String? = nil, finishedAt: String? = nil,
        error: String? = nil, findingID: String? = nil, rerunOf: String? = nil
    ) {
        self.id = id
        self.siteID = siteID
        self.request = request
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.status = status
        self.stage = stage
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
        self.findingID = findingID
        self.rerunOf = rerunOf
    }
}

extension Job {
    package init(row: Row) throws {
        let status: String = row["status"]
        guard let parsed = Status(rawValue: status) else {
            throw HeritageStoreError(.integrity, "a job row has the unknown status '\(status)'")
        }
        self.init(
            id: row["id"], siteID: row["siteId"], request: row["request"], requestedBy: row["requestedBy"],
            requestedAt: row["requestedAt"], status: parsed, stage: row["stage"], startedAt: row["startedAt"],
            finishedAt: row["finishedAt"], error: row["error"], findingID: row["findingId"], rerunOf: row["rerunOf"])
    }
}
