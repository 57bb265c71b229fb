import Foundation
import SampleSurveys

// Writes the demo's sample surveys (scans and photographs of two fictional sites, before and
// after deliberate destruction) into a folder, for use outside `heritage demo`.
//   swift run -c release sample-surveys /tmp/samples [spacing-in-metres]
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: sample-surveys FOLDER [SPACING]\n".utf8))
    exit(2)
}
let spacing = arguments.count > 2 ? Double(arguments[2]) ?? 0.05 : 0.05
do {
    for site in try SampleSurveys.write(to: URL(filePath: arguments[1]), spacing: spacing) {
        print(
            "\(site.code): \(site.before.scan.lastPathComponent), \(site.after.scan.lastPathComponent), \(site.before.photos.count + site.after.photos.count) photographs"
        )
        print("  truth: \(site.truth)")
    }
} catch {
    FileHandle.standardError.write(Data("sample-surveys: \(error)\n".utf8))
    exit(1)
}
