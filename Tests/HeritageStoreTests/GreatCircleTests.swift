import HeritageStore
import HeritageTestSupport
import Testing

@Suite struct GreatCircleTests {
    @Test func losAngelesToNewYorkMatchesTheAviationFormulary() throws {
        // Ed Williams' Aviation Formulary worked example: LAX (33°57′N 118°24′W) to JFK (40°38′N 73°47′W)
        // is 0.623585 radians.
        let lax = try GeoPoint(latitude: 33 + 57.0 / 60, longitude: -(118 + 24.0 / 60))
        let jfk = try GeoPoint(latitude: 40 + 38.0 / 60, longitude: -(73 + 47.0 / 60))
        #expect(abs(GreatCircle.angle(lax, jfk) - 0.623585) < 1e-6)
    }

    @Test func acrossTheAntimeridianIsOneDegree() throws {
        let west = try GeoPoint(latitude: 0, longitude: 179.5)
        let east = try GeoPoint(latitude: 0, longitude: -179.5)
        #expect(abs(GreatCircle.distanceKm(west, east) - 111.19508) < 1e-4)
    }

    @Test func acrossTheNorthPole() throws {
        let a = try GeoPoint(latitude: 89.9, longitude: 0)
        let b = try GeoPoint(latitude: 89.9, longitude: 180)
        #expect(abs(GreatCircle.distanceKm(a, b) - 22.23902) < 1e-4)
    }

    @Test func boxesSplitAtTheAntimeridianAndOpenAtThePoles() throws {
        let nearDateLine = GreatCircle.boundingBoxes(
            around: try GeoPoint(latitude: -17.7, longitude: 179.9), radiusKm: 50)
        #expect(nearDateLine.count == 2)
        #expect(nearDateLine.contains { $0.east == 180 } && nearDateLine.contains { $0.west == -180 })
        let nearPole = GreatCircle.boundingBoxes(around: try GeoPoint(latitude: 89.8, longitude: 10), radiusKm: 50)
        #expect(nearPole == [GeoBox(south: nearPole[0].south, west: -180, north: 90, east: 180)])
    }

    @Test(arguments: [
        ("43°20′14.16″N", true, 43.337267), ("17 48 54.19 E", false, 17.815053), ("-3.00713", false, -3.00713),
        ("33°57'S", true, -33.95),
    ])
    func coordinatesParse(text: String, isLatitude: Bool, expected: Double) throws {
        #expect(abs(try parseCoordinate(text, isLatitude: isLatitude) - expected) < 1e-6)
    }

    @Test func badCoordinatesAreRefused() {
        #expect(throws: HeritageStoreError.self) { try GeoPoint(latitude: 91, longitude: 0) }
        #expect(throws: HeritageStoreError.self) { try GeoPoint(latitude: 0, longitude: .nan) }
        #expect(throws: HeritageStoreError.self) { try parseCoordinate("43°20′N", isLatitude: false) }
        #expect(throws: HeritageStoreError.self) { try parseCoordinate("12°75′N", isLatitude: true) }
    }

    @Test func generalisationSnapsToTheCellCentre() throws {
        let point = try GeoPoint(latitude: 34.236111, longitude: 37.225).generalised
        #expect(point.latitude == 34.25 && point.longitude == 37.25)
        let south = try GeoPoint(latitude: -3.00713, longitude: -0.01).generalised
        #expect(south.latitude == -3.05 && south.longitude == -0.05)
    }
}
