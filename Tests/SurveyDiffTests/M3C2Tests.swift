import ScanImport
import Testing

@testable import SurveyDiff

@Suite struct M3C2Tests {
    /// PDAL's own filters.m3c2 test on the Autzen pair: distances 1.396, 0.670, 1.246 ft and
    /// 95 % levels of detection 0.275, 0.140, 0.226 ft, all significant.
    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func autzenMatchesPDAL() throws {
        let before = try ScanLoader.load(path: SharedData.path("lidar/autzen-bmx/autzen-bmx-2010.las"))
        let after = try ScanLoader.load(path: SharedData.path("lidar/autzen-bmx/autzen-bmx-2023.las"))
        let cores = try ScanLoader.load(path: SharedData.path("lidar/autzen-bmx/autzen-bmx-cores.txt"))
        #expect(cores.geometry.vertexCount == 3)
        let parameters = M3C2Parameters(
            normalRadii: [5.24414], cylinderRadius: 10.4882815, cylinderHalfLength: 2.763006)
        let result = try M3C2.compare(
            reference: PointCloud(before.geometry), compared: PointCloud(after.geometry),
            corePoints: PointCloud(cores.geometry), parameters: parameters)
        let expectedDistance = [1.396, 0.670, 1.246]
        let expectedLOD = [0.275, 0.140, 0.226]
        for (index, m) in result.measurements.enumerated() {
            #expect(abs(m.distance - expectedDistance[index]) <= 0.01)
            #expect(abs(m.levelOfDetection - expectedLOD[index]) <= 0.01)
            #expect(m.isSignificant)
        }
    }
}
