extension String {
    /// The text made safe for HTML and XML content and attribute values: `& < > " '` written as
    /// character references (`&#39;` for the apostrophe, which both HTML and XML read).
    public var markupEscaped: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for c in self {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
