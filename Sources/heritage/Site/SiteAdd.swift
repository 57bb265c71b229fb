import ArgumentParser
import HeritagePostgres
import HeritageStore

struct SiteAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a site to the registry.",
        discussion: """
            Example:
              heritage site add --code BA-MOS-OLD --name "Stari most" --language bs \\
                --other-name "en:Old Bridge" --kind bridge --latitude "43°20′14.16″N" \\
                --longitude "17°48′54.19″E" --country BA --designation world-heritage:946rev@2005
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fields: SiteFieldOptions
    @Flag(name: .long, help: "Print the stored site as JSON.") var json = false

    func validate() throws {
        for (value, name) in [
            (fields.code, "--code"), (fields.name, "--name"), (fields.kind, "--kind"),
            (fields.latitude, "--latitude"), (fields.longitude, "--longitude"),
        ] where value == nil {
            throw ValidationError("\(name) is required")
        }
    }

    func run() throws {
        var draft = Site(
            code: "", names: [], kind: .other, location: SiteLocation(latitude: 0, longitude: 0))
        try fields.apply(to: &draft)
        let site = try database.withStore(or: archive) { try $0.addSite(draft, actor: archive.resolvedActor) }
        if json {
            try printJSON(site)
        } else {
            print("Added site \(site.code) (\(site.primaryName)), id \(site.id)")
        }
    }
}
