import Foundation
import HTTPTypes
import HeritageOperations
import HeritageServer
import HeritageStore
import HeritageTestSupport
import Hummingbird
import HummingbirdTesting
import ScanImport
import Testing

/// Files served as they are stored, in ranges; a restricted site's photographs without their
/// metadata and its georeferenced scans not at all, unless the caller has clearance.
@Suite struct DownloadTests {
    /// A photograph taken at the restricted site, GPS in its EXIF; one of the public site; a
    /// scan of the restricted site in UTM metres.
    struct Files {
        var restrictedPhoto: ImportedFile
        var publicPhoto: ImportedFile
        var scan: ImportedFile
        var publicBytes: Data
    }

    func files(_ fixture: ServerFixture) throws -> Files {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func jpeg(_ name: String, latitude: Double, longitude: Double) throws -> URL {
            var pixels = [UInt8](repeating: 0, count: 64 * 48 * 3)
            for index in pixels.indices { pixels[index] = UInt8((index * 7) % 251) }
            let tags = ExifWriter.Tags(
                make: "Canon", model: "EOS R6", dateTimeOriginal: "2026:05:02 10:11:12", latitude: latitude,
                longitude: longitude, altitude: 991.5)
            let bytes = try ImageDecoder.encodeJPEG(
                DecodedImage(width: 64, height: 48, channels: 3, pixels: pixels), exif: ExifWriter.app1(tags))
            let url = folder.appending(path: name)
            try Data(bytes).write(to: url)
            return url
        }
        let restricted = try jpeg("chapel.jpg", latitude: 34.236111, longitude: 37.225432)
        let open = try jpeg("bridge.jpg", latitude: 34.5505, longitude: 38.2684)
        var lines = [
            "ply", "format ascii 1.0", "element vertex 300", "property double x", "property double y",
            "property double z", "end_header",
        ]
        for index in 0..<300 {
            lines.append(
                String(
                    format: "%.3f %.3f %.3f", 445_120.125 + Double(index % 20) * 0.1, 4_448_320.375,
                    990 + Double(index / 20) * 0.1))
        }
        let scan = folder.appending(path: "wall.ply")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: scan)
        var request = FileImportRequest(site: "RES-1", files: [.init(path: restricted.path)])
        let restrictedPhoto = try fixture.store.importFiles(request, actor: "surveyor")[0]
        request.files = [.init(path: scan.path)]
        request.crs = "EPSG:32637"
        request.units = "m"
        let imported = try fixture.store.importFiles(request, actor: "surveyor")[0]
        let publicPhoto = try fixture.store.importFiles(
            FileImportRequest(site: "PUB-1", files: [.init(path: open.path)]), actor: "surveyor")[0]
        return Files(
            restrictedPhoto: restrictedPhoto, publicPhoto: publicPhoto, scan: imported,
            publicBytes: try Data(contentsOf: open))
    }

    @Test func aFileIsServedWholeOrInRangesWithItsHash() async throws {
        let fixture = try ServerFixture()
        let files = try files(fixture)
        let size = files.publicBytes.count
        try await fixture.application().test(.router) { client in
            let viewer = try await client.signIn("viewer")
            let uri = "/api/files/\(files.publicPhoto.assetID)@1"
            let etag = try await client.execute(uri: uri, method: .get, headers: [.cookie: viewer]) { response in
                #expect(response.status == .ok)
                #expect(Data(buffer: response.body) == files.publicBytes)
                #expect(response.headers[.contentType] == "image/jpeg")
                #expect(response.headers[.acceptRanges] == "bytes")
                #expect(response.headers[.contentDisposition]?.contains("bridge.jpg") == true)
                #expect(response.headers[.eTag] == "\"\(files.publicPhoto.sha256)\"")
                return response.headers[.eTag] ?? ""
            }
            try await client.execute(
                uri: "/api/files/\(files.publicPhoto.versionID)", method: .get,
                headers: [.cookie: viewer, .range: "bytes=0-99"]
            ) { response in
                #expect(response.status == .partialContent)
                #expect(Data(buffer: response.body) == files.publicBytes.prefix(100))
                #expect(response.headers[.contentRange] == "bytes 0-99/\(size)")
            }
            try await client.execute(uri: uri, method: .get, headers: [.cookie: viewer, .range: "bytes=-10"]) {
                response in
                #expect(response.status == .partialContent)
                #expect(Data(buffer: response.body) == files.publicBytes.suffix(10))
            }
            try await client.execute(uri: uri, method: .get, headers: [.cookie: viewer, .range: "bytes=\(size)-"]) {
                response in
                #expect(response.status == .rangeNotSatisfiable)
                #expect(response.headers[.contentRange] == "bytes */\(size)")
            }
            try await client.execute(uri: uri, method: .get, headers: [.cookie: viewer, .ifNoneMatch: etag]) {
                #expect($0.status == .notModified)
            }
            try await client.execute(uri: "\(uri)/thumbnail", method: .get, headers: [.cookie: viewer]) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/png")
                #expect(Data(buffer: response.body).prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
            }
            try await client.execute(uri: "/api/files/ffffffff", method: .get, headers: [.cookie: viewer]) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: uri, method: .get) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func withoutClearanceAPhotoLosesItsMetadataAndAGeoreferencedScanIsRefused() async throws {
        let fixture = try ServerFixture()
        let files = try files(fixture)
        let exif = Data("Exif".utf8)
        try await fixture.application().test(.router) { client in
            let viewer = try await client.signIn("viewer")
            let cleared = try await client.signIn("cleared")
            let photo = "/api/files/\(files.restrictedPhoto.versionID)"
            try await client.execute(uri: photo, method: .get, headers: [.cookie: viewer]) { response in
                #expect(response.status == .ok)
                let bytes = Data(buffer: response.body)
                #expect(bytes.range(of: exif) == nil, "the EXIF segment was sent")
                #expect(response.headers[HTTPField.Name("X-Metadata-Removed")!] != nil)
                #expect(response.headers[.eTag] != "\"\(files.restrictedPhoto.sha256)\"")
                // The pixels are all there.
                let image = try bytes.withUnsafeBytes { try ImageDecoder.decode($0, format: .jpeg, file: "sent") }
                #expect(image.width == 64 && image.height == 48)
            }
            try await client.execute(uri: photo, method: .get, headers: [.cookie: cleared]) { response in
                #expect(response.status == .ok)
                #expect(Data(buffer: response.body).range(of: exif) != nil)
                #expect(response.headers[.eTag] == "\"\(files.restrictedPhoto.sha256)\"")
            }
            let scan = "/api/files/\(files.scan.versionID)"
            try await client.execute(uri: scan, method: .get, headers: [.cookie: viewer]) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("445120"))
            }
            try await client.execute(uri: scan, method: .get, headers: [.cookie: cleared]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("445120.125"))
            }
        }
    }
}
