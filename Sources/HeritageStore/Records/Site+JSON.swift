import Foundation

/// A site's JSON as ``JSONText/encode(_:)`` writes it (sorted keys, slashes unescaped, absent
/// values left out), byte for byte, without Foundation's encoder: a bulk import writes one for
/// every site's audit event, and the encoder, building a tree of boxed values for each, took as
/// long as SQLite's work for the site. A site whose text holds a control character is handed to
/// the encoder, which alone decides how those are escaped. Tests compare both on many sites.
package enum SiteJSON {
    package static func encode(_ site: Site) throws -> String {
        guard isPlain(site) else { return try JSONText.encode(site) }
        var out = Writer()
        out.raw("{")
        if let adminArea = site.adminArea { out.key("adminArea", first: true); out.string(adminArea) }
        if let boundary = site.boundary { out.key("boundary", first: out.isEmptyObject); out.string(boundary) }
        out.key("code", first: out.isEmptyObject)
        out.string(site.code)
        if let community = site.community { out.key("community"); out.string(community) }
        if let country = site.country { out.key("country"); out.string(country) }
        if let description = site.description { out.key("description"); out.string(description) }
        out.key("designations")
        out.list(site.designations) { out, entry in
            out.raw("{")
            var first = true
            if let date = entry.date { out.key("date", first: true); out.string(date); first = false }
            if let reference = entry.reference {
                out.key("reference", first: first); out.string(reference); first = false
            }
            out.key("type", first: first)
            out.string(entry.type.rawValue)
            out.raw("}")
        }
        out.key("externalIDs")
        out.list(site.externalIDs) { out, entry in
            out.raw("{")
            out.key("scheme", first: true)
            out.string(entry.scheme.rawValue)
            out.key("value")
            out.string(entry.value)
            out.raw("}")
        }
        out.key("id")
        out.string(site.id)
        out.key("kind")
        out.string(site.kind.rawValue)
        out.key("location")
        out.raw("{")
        out.key("certainty", first: true)
        out.string(site.location.certainty.rawValue)
        out.key("latitude")
        out.number(site.location.latitude)
        out.key("longitude")
        out.number(site.location.longitude)
        if let precision = site.location.precisionMetres { out.key("precisionMetres"); out.number(precision) }
        out.raw("}")
        out.key("names")
        out.list(site.names) { out, entry in
            out.raw("{")
            out.key("isPrimary", first: true)
            out.raw(entry.isPrimary ? "true" : "false")
            out.key("language")
            out.string(entry.language)
            out.key("name")
            out.string(entry.name)
            out.raw("}")
        }
        if let period = site.period { out.key("period"); out.string(period) }
        out.key("sensitivity")
        out.string(site.sensitivity.rawValue)
        out.key("sources")
        out.list(site.sources) { out, entry in out.string(entry) }
        out.raw("}")
        return out.text
    }

    /// No control character in any of the site's text, and every number finite.
    static func isPlain(_ site: Site) -> Bool {
        func plain(_ value: String?) -> Bool { value?.utf8.allSatisfy { $0 >= 0x20 } ?? true }
        return plain(site.id) && plain(site.code) && plain(site.community) && plain(site.period)
            && plain(site.description) && plain(site.boundary) && plain(site.country) && plain(site.adminArea)
            && site.names.allSatisfy { plain($0.language) && plain($0.name) }
            && site.designations.allSatisfy { plain($0.reference) && plain($0.date) }
            && site.externalIDs.allSatisfy { plain($0.value) } && site.sources.allSatisfy { plain($0) }
            && site.location.latitude.isFinite && site.location.longitude.isFinite
            && (site.location.precisionMetres?.isFinite ?? true)
    }

    private struct Writer {
        var text = ""

        init() { text.reserveCapacity(512) }

        var isEmptyObject: Bool { text == "{" }

        mutating func raw(_ value: String) { text += value }

        mutating func key(_ name: String, first: Bool = false) {
            if !first { text += "," }
            text += "\""
            text += name
            text += "\":"
        }

        /// A JSON string: only `"` and `\` need escaping once control characters are ruled out.
        mutating func string(_ value: String) {
            text += "\""
            if value.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                for scalar in value.unicodeScalars {
                    if scalar == "\"" || scalar == "\\" { text += "\\" }
                    text.unicodeScalars.append(scalar)
                }
            } else {
                text += value
            }
            text += "\""
        }

        /// As the encoder writes a finite Double: its shortest round-tripping description, an
        /// integral value without ".0".
        mutating func number(_ value: Double) {
            var description = value.description
            if description.hasSuffix(".0") { description.removeLast(2) }
            text += description
        }

        mutating func list<T>(_ values: [T], _ write: (inout Writer, T) -> Void) {
            text += "["
            for (index, value) in values.enumerated() {
                if index > 0 { text += "," }
                write(&self, value)
            }
            text += "]"
        }
    }
}
