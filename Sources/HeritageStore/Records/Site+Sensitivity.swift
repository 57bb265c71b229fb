extension Site {
    /// The precision given to a generalised position: the half-diagonal of a 0.1° cell at the equator.
    public static let generalisedPrecisionMetres = 7_900.0

    /// Whether a release of this site (listing, export, report) must hide its exact position.
    public func mustGeneralise(includeRestricted: Bool) -> Bool {
        sensitivity == .restricted && !includeRestricted
    }

    /// This site as it may be released: for a restricted site unless `includeRestricted`, the
    /// position snapped to the centre of its 0.1° cell and the boundary removed.
    public func released(includeRestricted: Bool) -> Site {
        guard mustGeneralise(includeRestricted: includeRestricted) else { return self }
        var copy = self
        let cell = location.point.generalised
        copy.location.latitude = cell.latitude
        copy.location.longitude = cell.longitude
        copy.location.precisionMetres = Self.generalisedPrecisionMetres
        copy.boundary = nil
        return copy
    }
}
