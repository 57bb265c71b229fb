import HeritageStore

extension HeritageArchive {
    /// The asset version `reference` names: `ASSET` (its latest version), `ASSET@N` or
    /// `ASSET@vN`, the asset by its id or the id's first characters.
    public func resolveVersion(_ reference: String) throws -> (Asset, AssetVersion) {
        let parts = reference.split(separator: "@", maxSplits: 1).map(String.init)
        guard let assetReference = parts.first else {
            throw HeritageStoreError(.invalidInput, "name an asset version as ASSET or ASSET@N")
        }
        let (asset, versions) = try asset(assetReference)
        if parts.count == 2 {
            let number = Int(parts[1].hasPrefix("v") ? String(parts[1].dropFirst()) : parts[1])
            guard let number, let version = versions.first(where: { $0.number == number }) else {
                throw HeritageStoreError(
                    .notFound, "asset \(assetReference) has no version \(parts[1]) (it has \(versions.count))")
            }
            return (asset, version)
        }
        guard let latest = versions.last else {
            throw HeritageStoreError(.notFound, "asset \(assetReference) has no version")
        }
        return (asset, latest)
    }
}
