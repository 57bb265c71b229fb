// Registry benchmark: imports a generated register of N sites from CSV, then times radius
// queries (10 km) and full-text searches against it. Deterministic (seeded) inputs.
//
//   swift run -c release store-bench [--sites N] [--queries Q] [--write-csv FILE] [--keep-archive DIR | --reuse DIR]
//       [--postgres postgresql://USER@HOST:PORT/DATABASE   (an empty database: the register imported there too)]
//
// --keep-archive moves the archive to DIR afterwards, for timing the CLI on it
// (Tools/bench-registry.sh); --reuse DIR times the queries on such an archive without importing.
import Foundation
import HeritagePostgres
import HeritageStore

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func argument(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
        let number = Int(arguments[index + 1])
    else { return value }
    return number
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

let siteCount = argument("--sites", default: 100_000)
let queryCount = argument("--queries", default: 2_000)
var random = SplitMix64(state: 42)

// Syllables in Latin, Arabic, Armenian and Cyrillic scripts make names in every script the
// registry must search; ~40^2 distinct stems per script.
let syllables: [[String]] = [
    [
        "ka", "ra", "mo", "sa", "ti", "lu", "ne", "ba", "do", "ze", "ha", "qu", "vi", "po", "er", "an", "el", "is",
        "or",
        "um", "ga", "fe", "ji", "wo", "xa", "yu", "ce", "di", "go", "hu", "ki", "la", "me", "ni", "ob", "pa", "ru",
        "se", "to", "va",
    ],
    [
        "قا", "را", "مو", "سا", "تي", "لو", "نا", "با", "دو", "زي", "ها", "كو", "في", "بو", "ار", "ان", "ال", "اس",
        "ور", "ام",
        "غا", "فا", "جي", "وا", "شا", "يو", "صا", "دي", "قو", "هو", "كي", "لا", "مي", "ني", "اب", "طا", "رو", "سي",
        "تو", "وي",
    ],
    [
        "կա", "րա", "մո", "սա", "տի", "լու", "նե", "բա", "դո", "զե", "հա", "քու", "վի", "պո", "եր", "ան", "էլ", "իս",
        "որ", "ում",
        "գա", "ֆե", "ջի", "վո", "խա", "յու", "ցե", "դի", "գո", "հու", "կի", "լա", "մե", "նի", "օբ", "պա", "ռու", "սե",
        "տո", "վա",
    ],
    [
        "ка", "ра", "мо", "са", "ти", "лу", "не", "ба", "до", "зе", "ха", "ку", "ви", "по", "ер", "ан", "ел", "ис",
        "ор", "ум",
        "га", "фе", "жи", "во", "ша", "ю", "це", "ди", "го", "ху", "ки", "ла", "ме", "ни", "об", "па", "ру", "се", "то",
        "ва",
    ],
]
let languages = ["en", "ar", "hy", "ru"]
let kinds = SiteKind.allCases.map(\.rawValue)

func word(_ script: Int, using random: inout SplitMix64) -> String {
    let list = syllables[script]
    return (0..<3).map { _ in list[Int.random(in: 0..<list.count, using: &random)] }.joined()
}

var csv = "code,name,name_language,other_names,kind,latitude,longitude,country,description,sensitivity\n"
var points: [GeoPoint] = []
var searchWords: [String] = []
for index in 0..<siteCount {
    // The Middle East and the Caucasus: 25–45° N, 25–55° E.
    let latitude = Double.random(in: 25..<45, using: &random)
    let longitude = Double.random(in: 25..<55, using: &random)
    let script = index % 4
    let name = "\(word(script, using: &random)) \(word(script, using: &random))"
    let other = "\(languages[(script + 1) % 4]):\(word((script + 1) % 4, using: &random))"
    let description =
        "Recorded \(word(0, using: &random)) near \(word(0, using: &random)); \(word(script, using: &random))."
    csv += "BENCH-\(index),\(name),\(languages[script]),\(other),\(kinds[index % kinds.count]),"
    csv += "\(latitude),\(longitude),SY,\(description),\(index % 10 == 0 ? "restricted" : "public")\n"
    if index % 50 == 0 { points.append(try GeoPoint(latitude: latitude, longitude: longitude)) }
    if index % 40 == 0 { searchWords.append(String(name.split(separator: " ")[0])) }
}

let folder = FileManager.default.temporaryDirectory.appending(path: "heritage-bench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: folder) }
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
let csvURL = folder.appending(path: "register.csv")
try csv.write(to: csvURL, atomically: true, encoding: .utf8)
if let index = CommandLine.arguments.firstIndex(of: "--write-csv"), index + 1 < CommandLine.arguments.count {
    // Keep a copy of the generated register, e.g. to time `heritage site import` on it.
    try csv.write(toFile: CommandLine.arguments[index + 1], atomically: true, encoding: .utf8)
}
// --reuse DIR times the queries on an archive a run with --keep-archive left (same --sites).
let reused = CommandLine.arguments.firstIndex(of: "--reuse").flatMap {
    $0 + 1 < CommandLine.arguments.count ? URL(filePath: CommandLine.arguments[$0 + 1]) : nil
}
let archiveURL = reused ?? folder.appending(path: "archive")
let archive =
    try reused.map { try HeritageArchive.open(at: $0) } ?? HeritageArchive.create(at: archiveURL, actor: "bench")

if reused == nil {
    var imported = 0
    var parseMs = 0.0
    let importMs = try milliseconds {
        var register: SiteRegister?
        parseMs = try milliseconds { register = try SiteRegister.read(csvURL) }
        if let register { imported = try archive.importSites(register, actor: "bench") }
    }
    print(
        String(
            format: "import: %d sites from CSV (%.1f MB) in %.2f s (reading and checking the file %.2f s)", imported,
            Double(csv.utf8.count) / 1e6, importMs / 1000, parseMs / 1000))
}

var radius: [Double] = []
var found = 0
for index in 0..<queryCount {
    let center = points[index % points.count]
    radius.append(try milliseconds { found += try archive.sitesNear(center, radiusKm: 10).count })
}
radius.sort()
print(
    String(
        format: "radius 10 km: %d queries, mean %.1f sites found, p50 %.3f ms, p99 %.3f ms",
        queryCount, Double(found) / Double(queryCount), percentile(radius, 0.5), percentile(radius, 0.99)))

var search: [Double] = []
var hits = 0
for index in 0..<queryCount {
    let text = searchWords[index % searchWords.count]
    search.append(try milliseconds { hits += try archive.searchSites(text, filter: SiteFilter(limit: 50)).count })
}
search.sort()
print(
    String(
        format: "full-text search (top 50): %d queries, mean %.1f hits, p50 %.3f ms, p99 %.3f ms",
        queryCount, Double(hits) / Double(queryCount), percentile(search, 0.5), percentile(search, 0.99)))

// --postgres URL: the same register imported into PostgreSQL (an empty database: `heritage
// init --database` then `site import --database`, as a registry that starts there), and the same
// queries answered there, one at a time over one connection.
if let index = CommandLine.arguments.firstIndex(of: "--postgres"), index + 1 < CommandLine.arguments.count {
    let registry = try await PostgresRegistry.connect(try PostgresLocation(CommandLine.arguments[index + 1]))
    try await registry.migrate()
    let started = DispatchTime.now().uptimeNanoseconds
    let register = try SiteRegister.read(csvURL)
    let imported = try await registry.importSites(register, actor: "bench")
    let importSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    print(
        String(
            format: "PostgreSQL: imported %d sites from CSV in %.2f s (reading and checking the file included)",
            imported, importSeconds))
    var radius: [Double] = []
    var found = 0
    for index in 0..<queryCount {
        let center = points[index % points.count]
        let start = DispatchTime.now().uptimeNanoseconds
        found += try await registry.sitesNear(center, radiusKm: 10).count
        radius.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    radius.sort()
    print(
        String(
            format: "PostgreSQL radius 10 km: %d queries, mean %.1f sites found, p50 %.3f ms, p99 %.3f ms",
            queryCount, Double(found) / Double(queryCount), percentile(radius, 0.5), percentile(radius, 0.99)))
    var search: [Double] = []
    var hits = 0
    for index in 0..<queryCount {
        let text = searchWords[index % searchWords.count]
        let start = DispatchTime.now().uptimeNanoseconds
        hits += try await registry.searchSites(text, filter: SiteFilter(limit: 50)).count
        search.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    search.sort()
    print(
        String(
            format: "PostgreSQL full-text search (top 50): %d queries, mean %.1f hits, p50 %.3f ms, p99 %.3f ms",
            queryCount, Double(hits) / Double(queryCount), percentile(search, 0.5), percentile(search, 0.99)))
    await registry.close()
}

if reused == nil, let index = CommandLine.arguments.firstIndex(of: "--keep-archive"),
    index + 1 < CommandLine.arguments.count
{
    let kept = URL(filePath: CommandLine.arguments[index + 1])
    try? FileManager.default.removeItem(at: kept)
    try FileManager.default.moveItem(at: archiveURL, to: kept)
}
