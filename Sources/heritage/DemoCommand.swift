import ArgumentParser
import Foundation
import HeritageOperations
import HeritageStore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build an archive from the bundled sample register and walk through it.",
        discussion: """
            Loads eight real sites damaged or destroyed in armed conflict (SampleSites/, embedded in
            the binary) with their condition history into a fresh archive, then runs a radius
            query, a nearest-sites query, searches in three scripts and prints a condition
            timeline. Then two fictional sites (a domed mausoleum and a cross-stone, one of them
            restricted) get generated scans and photographs from before and after deliberate
            destruction: they are imported, aligned by ICP, compared by M3C2, recorded as findings
            and condition assessments, written up as reports, packed into signed BagIt packages,
            and verified. The archive and every output are kept for you to explore.

            With --serve, the archive is then served (`heritage serve`) with three demo accounts,
            whose names and passwords are printed: an admin, a surveyor, and a viewer cleared for
            restricted positions.

            Example:
              heritage demo
              heritage demo --into /tmp/my-demo-archive
              heritage demo --serve --port 8080
            """)

    @Option(help: "Build the demo archive in this new folder (default: a fresh temporary folder).")
    var into: String?

    @Flag(help: "Load the sample register only: no generated surveys, comparisons, reports or packages.")
    var registerOnly = false

    @Flag(help: "Then serve the archive, with demo accounts (printed).") var serve = false
    @Option(help: "With --serve: the port (on 127.0.0.1).") var port = 8080

    func run() throws {
        let archive = try build()
        guard serve else { return }
        var accounts: [(name: String, role: AccountRole, cleared: Bool, password: String)] = [
            ("demo-admin", .admin, false, ""), ("demo-surveyor", .surveyor, false, ""),
            ("demo-viewer", .viewer, true, ""),
        ]
        print("Demo accounts (passwords made for this run):")
        for index in accounts.indices {
            accounts[index].password = "demo-" + UUID().uuidString.prefix(13).lowercased()
            let account = accounts[index]
            try archive.createAccount(
                name: account.name, role: account.role, restrictedAccess: account.cleared,
                password: account.password, actor: "heritage demo")
            print(
                "  \(account.name)  \(account.password)  \(account.role.rawValue)"
                    + (account.cleared ? ", cleared for restricted positions" : ""))
        }
        print("To sign in as the cleared viewer once it listens:")
        print(
            "  curl -c jar -H 'Content-Type: application/json' -d '{\"username\": \"demo-viewer\", \"password\": "
                + "\"\(accounts[2].password)\"}' http://127.0.0.1:\(port)/api/login")
        try handOverToServer(["--archive", archive.url.path, "--port", "\(port)"])
    }

    /// Builds the demo archive and walks through it; returns it.
    func build() throws -> HeritageArchive {
        let started = Date()
        let folder =
            into.map { URL(filePath: $0) }
            ?? FileManager.default.temporaryDirectory.appending(path: "heritage-demo-\(UUID().uuidString.prefix(8))")
        let actor = "heritage demo"
        let archive = try HeritageArchive.create(at: folder, actor: actor)
        let loaded = try SampleRegisterLoader.load(into: archive, actor: actor)
        print("Built a demo archive at \(folder.path)")
        print("  \(loaded.sites) sites and \(loaded.assessments) condition assessments from the sample register\n")

        let palmyra = try GeoPoint(latitude: 34.5505, longitude: 38.2684)
        print("Sites within 150 km of Palmyra (34.5505, 38.2684):")
        print(siteTable(try archive.sitesNear(palmyra, radiusKm: 150), withDistance: true) + "\n")

        let sarajevo = try GeoPoint(latitude: 43.8563, longitude: 18.4131)
        print("The 2 sites nearest to Sarajevo (43.8563, 18.4131):")
        print(siteTable(try archive.nearestSites(to: sarajevo, count: 2), withDistance: true) + "\n")

        for query in ["al-Nuri", "جامع", "Ղազանչեցոց", "мост"] {
            print("Search \"\(query)\":")
            print(siteTable(try archive.searchSites(query), withDistance: false) + "\n")
        }

        print("Destroyed sites designated UNESCO World Heritage:")
        print(
            siteTable(
                try archive.sites(matching: SiteFilter(designation: .worldHeritage, latestCondition: .destroyed)),
                withDistance: false) + "\n")

        print("Condition timeline of BA-MOS-OLD (Stari most, Mostar):")
        print(timelineText(try archive.conditionHistory(ofSite: "BA-MOS-OLD")) + "\n")

        if !registerOnly {
            print(
                "Evidence: two fictional sites surveyed before and after deliberate destruction (generated scans and photographs)"
            )
        }
        let evidence = registerOnly ? [] : try DemoEvidence(archive: archive, folder: folder, actor: actor).run()
        for site in evidence {
            let summary = site.summary
            print(
                "  \(site.code): \(summary.coreCount) core points, \(summary.significantCount) with significant change, \(summary.noDataCount) without data"
            )
            if let registration = summary.registration {
                print(
                    String(
                        format: "    ICP: residual RMS %.4f m after removing a %.3f° misregistration", registration.rms,
                        registration.rotationDegrees))
            }
            for (index, loss) in summary.regions.filter({ $0.kind == .loss }).prefix(3).enumerated() {
                print(
                    String(
                        format: "    loss region %d: %.3f m³ over %.2f m², up to %.2f m deep", index + 1, loss.volume,
                        loss.area, loss.maxDepth))
            }
            for (index, gain) in summary.regions.filter({ $0.kind == .gain }).prefix(2).enumerated() {
                print(
                    String(
                        format: "    gain region %d: %.3f m³ over %.2f m², up to %.2f m high", index + 1, gain.volume,
                        gain.area, gain.maxDepth))
            }
            if let photo = site.photo?.photo {
                print(
                    String(
                        format:
                            "    photographs (first of each survey, same viewpoint): %.2f %% of the view changed, %d region%@",
                        photo.changedShare * 100, site.photo?.regions.count ?? 0,
                        site.photo?.regions.count == 1 ? "" : "s"))
            }
            print("    what was done: \(site.truth)")
            print("    report   \(site.report.path)")
            print("    package  \(site.package.path) (+ .zip), signed and verified")
        }
        if !registerOnly { print("  signing key \(folder.appending(path: "keys/demo-signing-key.pub").path)\n") }

        let report = try archive.verify()
        guard report.isValid else {
            for problem in report.problems { printError("FAILED: \(problem)") }
            throw ExitCode.failure
        }
        print(
            "Verified: database intact, audit chain of \(counted(report.eventCount, "event")) intact, every record matches its audit trail."
        )
        print(String(format: "Done in %.2f s. Explore it with:", Date().timeIntervalSince(started)))
        print("  heritage site list --archive \(folder.path)")
        print("  heritage audit --archive \(folder.path) --limit 5")
        if let first = evidence.first {
            print(
                "  heritage verify --bag \(first.package.path) --key \(folder.appending(path: "keys/demo-signing-key.pub").path)"
            )
        }
        return archive
    }
}
