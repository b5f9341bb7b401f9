import Foundation

/// A report as one tidy RFC 4180 table, one line per cell, that Excel opens with its Chinese intact.
public enum ReportCSV {
    /// The columns of every report's CSV, in order.
    public static let header = ["section", "sectionTitle", "rowKey", "rowLabel", "rowRole", "column", "columnLabel", "value"]

    /// UTF-8 with a byte-order mark (Excel reads BOM-less CSV in the system's ANSI code page) and
    /// CRLF line ends; `<10`, `*` and empty stand for suppressed, withheld and missing cells.
    public static func render(_ report: Report) -> String {
        var out = "\u{FEFF}"
        out += line(header.map { field($0) })
        for section in report.sections {
            for row in section.rows {
                for column in section.columns {
                    let cell = row[column.key]
                    let value = cell.number != nil ? quoted(cell.display) : field(cell.display)
                    out += line([
                        field(section.id), field(section.title), field(row.key), field(row.label),
                        field(row.role.rawValue), field(column.key), field(column.label), value,
                    ])
                }
            }
        }
        return out
    }

    private static func line(_ fields: [String]) -> String { fields.joined(separator: ",") + "\r\n" }

    /// A text field: neutralised against formula injection, then quoted when it must be.
    static func field(_ text: String) -> String { quoted(neutralised(text)) }

    /// Spreadsheets run a cell that starts with `= + - @` (or a tab or CR, which some strip first)
    /// as a formula; a leading apostrophe makes it text. A plain number such as `-3.5` is left alone:
    /// it cannot run anything and must stay a number.
    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return isPlainNumber(text) ? text : "'" + text
    }

    private static func isPlainNumber(_ text: String) -> Bool {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// RFC 4180: a field holding a comma, quote, CR or LF is wrapped in quotes, its quotes doubled.
    static func quoted(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
