// Single operations of the diff engine as whole processes, for Tools/bench-diff.sh to time
// beside the peers (which also load, compute and write in one process).
//
//   diff-bench normals CLOUD.ply RADIUS OUT.ply     normals by PCA in a radius, oriented +z
//   diff-bench icp TARGET.ply SOURCE.ply [p2l|p2p]  prints the transform taking SOURCE onto TARGET
import Foundation
import ScanImport
import SurveyDiff

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else { fail("usage: diff-bench normals CLOUD RADIUS OUT | icp TARGET SOURCE [p2l|p2p]") }
do {
    switch arguments[1] {
    case "normals":
        guard arguments.count == 5, let radius = Double(arguments[3]) else { fail("normals CLOUD RADIUS OUT") }
        var cloud = PointCloud(try ScanLoader.load(path: arguments[2], positionsOnly: true).geometry)
        let count = cloud.count
        let started = Date()
        // The tree takes the positions over; node moments without Float leaf offsets (12 bytes a
        // point), leaves of up to 128 points (a quarter of the nodes and moments), and the normals
        // computed a block at a time as they are written: the cloud's normals are never all held.
        // 44 MiB at peak for 24 MB of input (1.2 s; 73 MiB and 0.6 s with the default tree).
        let tree = KDTree(positions: cloud.takePositions(), keeping: [.points, .indices, .moments], leafSize: 128)
        var normals = NormalsInInputOrder(
            tree: tree, count: count, neighbourhood: .radius(radius), orientation: .axis(SIMD3(0, 0, 1)))
        guard FileManager.default.createFile(atPath: arguments[4], contents: nil) else {
            fail("cannot create \(arguments[4])")
        }
        let handle = try FileHandle(forWritingTo: URL(filePath: arguments[4]))
        try PLYWriter.writeBinaryPoints(
            count: count, normals: true, fieldNames: [], emit: { try handle.write(contentsOf: $0) }
        ) { index, position, normal, _ in
            position = normals.position(index)
            normal = normals.normal(index)
        }
        try handle.close()
        let seconds = Date().timeIntervalSince(started)
        print("{\"op\": \"normals\", \"n\": \(count), \"t_normals_and_write\": \(seconds)}")
    case "icp":
        var target = PointCloud(try ScanLoader.load(path: arguments[2]).geometry)
        let source = PointCloud(try ScanLoader.load(path: arguments[3], positionsOnly: true).geometry)
        let metric: ICPParameters.Metric = arguments.count > 4 && arguments[4] == "p2p" ? .pointToPoint : .pointToPlane
        let started = Date()
        // ICP asks nearest neighbours and, for the file's normals (read by input index), input
        // indices. The tree takes the target's positions over.
        let normals = target.normals
        let tree = KDTree(positions: target.takePositions(), keeping: [.points, .indices])
        let (_, report) = try ICP.align(
            source: source, targetNormals: normals, targetTree: tree,
            parameters: ICPParameters(metric: metric, maximumCorrespondenceDistance: 0.2))
        let seconds = Date().timeIntervalSince(started)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(report), as: UTF8.self)
        print("{\"op\": \"icp\", \"t_compute\": \(seconds), \"report\": \(json)}")
    default:
        fail("unknown operation \(arguments[1])")
    }
} catch {
    fail("\(error)")
}
