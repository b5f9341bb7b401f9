import Foundation
import QianxueCore

/// A problem with one place in an import: file, line, column and what is wrong.
public struct ImportIssue: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let column: String?
    public let reason: String

    public init(file: String, line: Int? = nil, column: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? "")\(column.map { " [\($0)]" } ?? ""): \(reason)"
    }
}

/// An import refused whole, with every problem found.
public struct ImportRefused: Error, Sendable, CustomStringConvertible {
    public let issues: [ImportIssue]

    public init(issues: [ImportIssue]) {
        self.issues = issues
    }

    /// The problem document form: a validation problem listing every issue.
    public var appError: AppError {
        var e = AppError(.validation, "the package was refused and nothing was written: \(issues.count) problem(s), the first: \(issues.first.map(\.description) ?? "")")
        e.issues = issues.map { ProblemIssue(file: $0.file, line: $0.line, column: $0.column, reason: $0.reason) }
        return e
    }
    public var description: String {
        "the import was refused and nothing was written: \(issues.count) problem(s)\n" + issues.prefix(50).map { "  \($0)" }.joined(separator: "\n")
    }
}

/// One CSV file: its header and rows, each row with the line it started on (RFC 4180: quoted fields
/// may hold commas, quotes and line breaks).
public struct CSVTable: Sendable {
    public let file: String
    public let header: [String]
    public let rows: [(line: Int, fields: [String])]

    /// Reads UTF-8 text (a byte-order mark is accepted and dropped). Other encodings are refused by
    /// name: GBK/GB18030, which Chinese spreadsheet tools write, and UTF-16.
    public static func parse(_ data: Data, file: String) throws(ImportRefused) -> CSVTable {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw ImportRefused(issues: [ImportIssue(file: file, line: 1, reason: "the file is UTF-16; save it as UTF-8")])
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            let line = Self.firstInvalidLine(bytes)
            let hint = Self.looksLikeGBK(bytes) ? "it looks like GBK/GB18030 (as Excel on Chinese Windows saves it); convert it with: iconv -f GB18030 -t UTF-8"
                : "it is not valid UTF-8"
            throw ImportRefused(issues: [ImportIssue(file: file, line: line, reason: "the file must be UTF-8: \(hint)")])
        }
        var records: [(Int, [String])] = []
        var inQuotes = false
        var recordLine = 1
        var sawAny = false
        var fields: [String] = []
        // Quotes, commas and line breaks are ASCII, so the text is split on its UTF-8 bytes (checked
        // valid above); a field's bytes become a String once it ends.
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
            var field: [UInt8] = []
            field.reserveCapacity(256)
            var line = 1
            var i = 0
            sawAny = n > 0
            while i < n {
                let c = b[i]
                if inQuotes {
                    if c == quote {
                        if i + 1 < n, b[i + 1] == quote {
                            field.append(quote)
                            i += 2
                            continue
                        }
                        inQuotes = false
                    } else {
                        if c == lf { line += 1 }
                        field.append(c)
                    }
                    i += 1
                    continue
                }
                switch c {
                case quote where field.isEmpty:
                    inQuotes = true
                case comma:
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                case cr, lf:
                    if c == cr, i + 1 < n, b[i + 1] == lf { i += 1 }
                    fields.append(String(decoding: field, as: UTF8.self))
                    field.removeAll(keepingCapacity: true)
                    records.append((recordLine, fields))
                    fields = []
                    fields.reserveCapacity(records[records.count - 1].1.count)
                    line += 1
                    recordLine = line
                default:
                    field.append(c)
                }
                i += 1
            }
            if inQuotes { return }
            if sawAny, !(fields.isEmpty && field.isEmpty) {
                fields.append(String(decoding: field, as: UTF8.self))
                records.append((recordLine, fields))
            }
        }
        if inQuotes {
            throw ImportRefused(issues: [ImportIssue(file: file, line: recordLine, reason: "a quoted field is never closed")])
        }
        records.removeAll { $0.1.count == 1 && $0.1[0].isEmpty }   // blank lines
        guard let first = records.first else {
            throw ImportRefused(issues: [ImportIssue(file: file, line: 1, reason: "the file is empty: it needs at least its header row")])
        }
        // Trailing empty header cells (seen from spreadsheet exports) are not columns.
        var header = first.1.map { $0.trimmingCharacters(in: .whitespaces) }
        while header.last == "" { header.removeLast() }
        return CSVTable(file: file, header: header, rows: records.dropFirst().map { (line: $0.0, fields: $0.1) })
    }

    static func firstInvalidLine(_ bytes: Data) -> Int {
        var line = 1, i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            let len = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if len == 0 || i + len > bytes.endIndex || (1..<len).contains(where: { bytes[i + $0] >> 6 != 0b10 }) { return line }
            if b == 0x0A { line += 1 }
            i += len
        }
        return line
    }

    /// Double-byte sequences in GBK's lead/trail ranges with no valid UTF-8 reading.
    static func looksLikeGBK(_ bytes: Data) -> Bool {
        var pairs = 0, bad = 0, i = bytes.startIndex
        while i < bytes.endIndex - 1 {
            let b = bytes[i]
            if b >= 0x81 && b <= 0xFE {
                let t = bytes[i + 1]
                if (t >= 0x40 && t <= 0xFE && t != 0x7F) { pairs += 1 } else { bad += 1 }
                i += 2
            } else { i += 1 }
        }
        return pairs > 0 && bad * 10 < pairs
    }

    /// The column index of a header name.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}

/// Writing CSV text (RFC 4180).
public enum CSVText {
    /// One field, quoted when it holds a comma, a quote or a line break.
    public static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
