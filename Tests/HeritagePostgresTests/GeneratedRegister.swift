import Foundation
import HeritageStore
import HeritageTestSupport

/// A register of sites to compare the two backends on: clustered so that searches find many,
/// with sites on the antimeridian and near the pole, several at one position (ties), one in
/// seven restricted, names in Latin with diacritics, Arabic, Armenian and Cyrillic, hyphenated
/// codes and words, and designations.
enum GeneratedRegister {
    static let words = [
        "Qalʿat", "Šibenik", "Ağdam", "Crkva", "Džamija", "al-Qadim", "Mar", "Elian", "Sidi", "Yahya", "Ferhadija",
        "Église", "Saint-Étienne", "الجامع", "الكبير", "مسجد", "Սուրբ", "Աստվածածին", "Церковь", "Успения",
        "Ղազանչեցոց", "Bel", "Nuri", "Hassan", "O'Brien", "1890s", "12.5",
    ]

    static func csv(count: Int, seed: UInt64 = 7) -> String {
        var random = SeededGenerator(seed: seed)
        let kinds = ["church", "mosque", "monastery", "cemetery", "bridge", "cross-stone"]
        var lines = [
            "code,name,name_language,other_names,kind,community,description,latitude,longitude,country,sensitivity,designations"
        ]
        func pick() -> String { words[Int.random(in: 0..<words.count, using: &random)] }
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        for index in 0..<count {
            let (latitude, longitude): (Double, Double)
            switch index % 50 {
            case 0:
                (latitude, longitude) = (
                    Double.random(in: 64.5...65.5, using: &random), 179.95 + Double(index % 7) * 0.01 - 0.03
                )
            case 1:
                (latitude, longitude) = (
                    Double.random(in: 64.5...65.5, using: &random), -179.96 + Double(index % 5) * 0.005
                )
            case 2:
                (latitude, longitude) = (89.2 + Double(index % 9) * 0.07, Double.random(in: -180...180, using: &random))
            case 3, 4: (latitude, longitude) = (35.5, 38.75)
            default:
                (latitude, longitude) = (
                    Double.random(in: 35...36.5, using: &random), Double.random(in: 38...39.5, using: &random)
                )
            }
            let restricted = index % 7 == 3
            let name = "\(pick()) \(pick())"
            let other = "ar:\(pick()) \(pick())|hy:\(pick())"
            let description = "\(pick()) near \(pick()); rebuilt \(pick()). (\(pick())-\(pick()))"
            let designation = index % 11 == 0 ? "world-heritage:W\(index)@2001" : ""
            lines.append(
                [
                    "SY-\(index % 3 == 0 ? "ALP" : "HMS")-\(String(format: "%04d", index))", quoted(name), "en",
                    quoted(other), kinds[index % kinds.count], quoted(pick()), quoted(description),
                    String(latitude), String(longitude), index % 4 == 0 ? "IQ" : "SY",
                    restricted ? "restricted" : "public",
                    designation,
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A new archive holding `count` generated sites and a few assessments.
    static func archive(count: Int) throws -> TemporaryArchive {
        let temp = try TemporaryArchive()
        let register = try SiteRegister.parse(Array(csv(count: count).utf8), fileName: "generated.csv", format: .csv)
        try temp.archive.importSites(register, actor: "tester")
        let sites = try temp.archive.allSites().prefix(40)
        for (index, site) in sites.enumerated() {
            _ = try temp.archive.addAssessment(
                makeAssessment(
                    site: site.id, date: "2024-0\(index % 9 + 1)-15",
                    condition: [.good, .poor, .destroyed][index % 3]), actor: "surveyor")
        }
        return temp
    }
}
