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
            """)

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "Only events about this site (code or id; its surveys and assessments included) or entity id.")
    var entity: String?
    @Option(help: "Only the last N events.") var limit: Int?
    @Flag(name: .long, help: "Print JSON, old and new values included.") var json = false

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
            try printJSON(events)
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
