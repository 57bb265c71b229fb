import ArgumentParser
import Foundation
import ScanImport

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read a scan or photo completely and summarise it; needs no archive.",
        discussion: """
            Every record is decoded and every face index checked, so a file that inspects cleanly
            will import. JSON keys: format, vertexCount, faceCount (as written, before
            triangulation), triangleCount, lineCount, bounds {min, max}, properties, elements,
            comments, relatedFiles, width, height, exif, gps, warnings; null where a key does not
            apply.

            Example:
              heritage inspect scan.ply
              heritage inspect DSCN0010.jpg --json
            """)

    @Argument(help: "The file to read.") var file: String
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(help: "For a photograph: also write an upright PNG thumbnail (longest side 512) here.")
    var thumbnail: String?

    func run() throws {
        // A progress bar on a terminal while a large file is read.
        let progress = FileProgress(verb: "reading")
        let url = URL(filePath: file)
        let pass = FilePass(progress: { passed, total in
            progress.update(url, passed: Int64(passed), total: Int64(total))
        })
        let inspection = try ScanInspector.examine(path: file, pass: pass)
        let summary = inspection.summary
        if let thumbnail {
            guard let photo = inspection.photo else {
                throw ValidationError("--thumbnail needs a JPEG or PNG photograph")
            }
            let mapped = try MappedFile(path: file)
            let png = try mapped.withBytes { bytes throws(ScanImportError) in
                try Thumbnail.png(of: bytes, photo: photo, file: file)
            }
            do {
                try Data(png).write(to: URL(filePath: thumbnail), options: .withoutOverwriting)
            } catch {
                throw ValidationError("cannot write \(thumbnail): \(error.localizedDescription)")
            }
        }
        if json {
            try printJSON(summary)
        } else {
            print(describe(summary))
        }
    }

    func describe(_ summary: ScanSummary) -> String {
        var lines = ["\(file): \(summary.format.rawValue.uppercased())"]
        func add(_ label: String, _ value: String) {
            lines.append("  \(label)\(String(repeating: " ", count: max(1, 13 - label.count)))\(value)")
        }
        if let vertices = summary.vertexCount { add("vertices", vertices.formatted()) }
        if let faces = summary.faceCount, faces > 0 || [.ply, .obj].contains(summary.format) {
            add("faces", "\(faces.formatted()) (\((summary.triangleCount ?? 0).formatted()) triangles)")
        }
        if let lines = summary.lineCount, lines > 0 { add("lines", lines.formatted()) }
        if let bounds = summary.bounds {
            add("bounds", "min " + bounds.min.map(format).joined(separator: ", "))
            add("", "max " + bounds.max.map(format).joined(separator: ", "))
        }
        for element in summary.elements ?? [] { add("element", "\(element.name) × \(element.count.formatted())") }
        if !summary.properties.isEmpty { add("properties", summary.properties.joined(separator: ", ")) }
        for comment in summary.comments { add("comment", comment) }
        for scan in summary.scans ?? [] {
            let grid = scan.columns.flatMap { columns in scan.rows.map { "\(columns) × \($0) grid, " } } ?? ""
            let origin = scan.transform.map { " from " + $0[3].prefix(3).map(format).joined(separator: ", ") } ?? ""
            let invalid = scan.invalidCount > 0 ? " (\(scan.invalidCount.formatted()) invalid left out)" : ""
            add("scan", "\(scan.name): \(grid)\(scan.pointCount.formatted()) points\(invalid)\(origin)")
        }
        for image in summary.images ?? [] {
            let size = image.width.flatMap { width in image.height.map { " \(width) × \($0)" } } ?? ""
            add(
                "image",
                "\(image.name): \(image.representation) \(image.format.uppercased())\(size), \(image.byteCount.formatted()) bytes"
            )
        }
        for related in summary.relatedFiles ?? [] { add("refers to", related) }
        if let width = summary.width, let height = summary.height { add("size", "\(width) × \(height) pixels") }
        if let exif = summary.exif {
            let camera = [exif.make, exif.model].compactMap { $0 }.joined(separator: " ")
            if !camera.isEmpty { add("camera", camera) }
            if let date = exif.dateTimeOriginal { add("taken", date) }
            if let orientation = exif.orientation { add("orientation", String(orientation)) }
        }
        if let gps = summary.gps, let latitude = gps.latitude, let longitude = gps.longitude {
            add(
                "gps",
                String(format: "%.6f, %.6f", latitude, longitude)
                    + (gps.altitude.map { String(format: ", %.1f m", $0) } ?? ""))
        }
        if let crs = summary.crs { add("crs", crs.count > 100 ? String(crs.prefix(99)) + "…" : crs) }
        if let units = summary.units { add("units", units) }
        for warning in summary.warnings { add("warning", warning) }
        return lines.joined(separator: "\n")
    }

    private func format(_ value: Double) -> String { String(format: "%.10g", value) }
}
