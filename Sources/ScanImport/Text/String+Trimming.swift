/// Spaces and tabs trimmed from both ends (text fields of scan headers and EXIF).
extension String {
    var trimmingCharacters: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
