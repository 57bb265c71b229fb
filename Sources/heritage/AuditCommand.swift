import ArgumentParser
import HeritageStore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the audit log: who changed what, when, with the hash chain.",
        discussion: """
            Each event's hash is SHA-256 over its fields (length-prefixed) and the previous hash;
            'heritage verify' recomputes the chain.

            Example:
              heritage audit --limit 5
              heritage audit --entity SY-PAL-BEL --json

            In JSON, the values of events that hold a restricted site's position are withheld
            (marked "valuesWithheld": true) unless --include-restricted is given.
            """)

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "Only events about this site (code or id; its surveys and assessments included) or entity id.")
    var entity: String?
    @Option(help: "Only the last N events.") var limit: Int?
    @Flag(name: .long, help: "Print JSON, old and new values included.") var json = false
    @Flag(help: "Show the values of events that hold a restricted site's exact position.")
    var includeRestricted = false

    func run() throws {
        let store = try archive.open()
        var events: [AuditEvent]
        if let entity, try store.site(entity) != nil {
            events = try store.auditEvents(ofSite: entity)
            if let limit { events = Array(events.suffix(max(0, limit))) }
        } else {
            events = try store.auditEvents(entityID: entity, limit: limit)
        }
        if json {
            // Values that hold a restricted site's position are withheld (the event stays, with
            // its hashes; `valuesWithheld` says why its hash cannot be recomputed from it).
            struct Shown: Encodable {
                var event: AuditEvent
                var valuesWithheld: Bool
                func encode(to encoder: any Encoder) throws {
                    try event.encode(to: encoder)
                    if valuesWithheld {
                        var container = encoder.container(keyedBy: Key.self)
                        try container.encode(true, forKey: .valuesWithheld)
                    }
                }
                enum Key: String, CodingKey { case valuesWithheld }
            }
            let releases =
                includeRestricted
                ? [] : try store.restrictedSiteIDs().map { try store.release(ofSite: $0, includeRestricted: false) }
            try printJSON(
                events.map { event in
                    for release in releases where release.isAbout(event.entityID) {
                        let (shown, withheld) = release.released(event)
                        return Shown(event: shown, valuesWithheld: withheld)
                    }
                    return Shown(event: event, valuesWithheld: false)
                })
            return
        }
        var table = Table("#", "TIME (UTC)", "ACTOR", "ACTION", "ENTITY", "HASH")
        for event in events {
            table.add(
                String(event.sequence), event.time, truncated(event.actor, 20), event.action,
                String(event.entityID.prefix(12)), String(event.hash.prefix(16)) + "…")
        }
        print(table.render() + "\n\(events.count) event\(events.count == 1 ? "" : "s")")
    }
}
