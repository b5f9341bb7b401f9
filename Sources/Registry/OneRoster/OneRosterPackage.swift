import Foundation
import ZIPFoundation

/// The files of a OneRoster CSV package, read from a folder or a zip, with the manifest checked.
struct OneRosterPackage: Sendable {
    /// file name (without .csv) → rows read by column name, with line numbers.
    var tables: [String: [(line: Int, values: RosterValues)]]
    var modes: [String: String]

    static func load(folder: URL) throws(ImportRefused) -> OneRosterPackage {
        var files: [String: Data] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.lowercased().hasSuffix(".csv") {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) { files[name] = data }
        }
        return try parse(files)
    }

    static func load(zip data: Data) throws(ImportRefused) -> OneRosterPackage {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw ImportRefused(issues: [ImportIssue(file: "upload", reason: "the upload is not a zip archive")])
        }
        var files: [String: Data] = [:]
        var total = 0
        for entry in archive where entry.type == .file && entry.path.lowercased().hasSuffix(".csv") {
            total += Int(entry.uncompressedSize)
            guard total <= 500 << 20 else {
                throw ImportRefused(issues: [ImportIssue(file: "upload", reason: "the archive unpacks to more than 500 MB")])
            }
            var buffer = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { buffer.append($0) }
            } catch {
                throw ImportRefused(issues: [ImportIssue(file: entry.path, reason: "the archive entry cannot be read: \(error)")])
            }
            files[(entry.path as NSString).lastPathComponent] = buffer
        }
        return try parse(files)
    }

    static func parse(_ files: [String: Data]) throws(ImportRefused) -> OneRosterPackage {
        var issues: [ImportIssue] = []
        guard let manifestData = files["manifest.csv"] else {
            throw ImportRefused(issues: [ImportIssue(file: "manifest.csv", reason: "the package has no manifest.csv")])
        }
        let manifest = try CSVTable.parse(manifestData, file: "manifest.csv")
        var props: [String: String] = [:]
        for row in manifest.rows where row.fields.count >= 2 { props[row.fields[0].trimmingCharacters(in: .whitespaces)] = row.fields[1].trimmingCharacters(in: .whitespaces) }
        if props["oneroster.version"] != "1.2" {
            issues.append(ImportIssue(file: "manifest.csv", column: "oneroster.version",
                                      reason: "oneroster.version is '\(props["oneroster.version"] ?? "")'; only 1.2 is read"))
        }
        var modes: [String: String] = [:]
        for name in OneRosterSpec.files + OneRosterSpec.otherFiles {
            let mode = props["file.\(name)"] ?? "absent"
            guard ["bulk", "delta", "absent"].contains(mode) else {
                issues.append(ImportIssue(file: "manifest.csv", column: "file.\(name)", reason: "'\(mode)' is not bulk, delta or absent"))
                modes[name] = "absent"
                continue
            }
            if OneRosterSpec.otherFiles.contains(name), mode != "absent" {
                issues.append(ImportIssue(file: "manifest.csv", column: "file.\(name)", reason: "\(name) is not rostering data; leave it absent"))
            }
            modes[name] = mode
        }
        var tables: [String: [(line: Int, values: RosterValues)]] = [:]
        for name in OneRosterSpec.files where modes[name] != "absent" {
            let fileName = "\(name).csv"
            guard let data = files[fileName] else {
                issues.append(ImportIssue(file: fileName, reason: "the manifest lists \(name) as \(modes[name] ?? "") but the file is missing"))
                continue
            }
            let table: CSVTable
            do {
                table = try CSVTable.parse(data, file: fileName)
            } catch {
                issues += error.issues
                continue
            }
            let expected = OneRosterSpec.headers[name]!
            if table.header != expected {
                let i = (0..<min(table.header.count, expected.count)).first { table.header[$0] != expected[$0] }
                    ?? min(table.header.count, expected.count)
                let found = i < table.header.count ? "'\(table.header[i])'" : "nothing"
                let want = i < expected.count ? "'\(expected[i])'" : "no more columns"
                issues.append(ImportIssue(file: fileName, line: 1, column: i < expected.count ? expected[i] : nil,
                                          reason: "header column \(i + 1) is \(found), expected \(want) (OneRoster 1.2.1 headers, in order)"))
                continue
            }
            var rows: [(line: Int, values: RosterValues)] = []
            rows.reserveCapacity(table.rows.count)
            let columns = RosterColumns.of(name)
            for row in table.rows {
                guard row.fields.count == expected.count else {
                    issues.append(ImportIssue(file: fileName, line: row.line, reason: "the row has \(row.fields.count) fields, the header \(expected.count)"))
                    continue
                }
                rows.append((row.line, RosterValues(columns: columns, fields: row.fields)))
            }
            tables[name] = rows
        }
        if !issues.isEmpty { throw ImportRefused(issues: issues) }
        return OneRosterPackage(tables: tables, modes: modes)
    }
}

/// The columns of a OneRoster file, by name, and the order in which a row of it is kept as JSON.
final class RosterColumns: Sendable {
    let names: [String]
    let index: [String: Int]
    /// Column positions in the order `JSONEncoder` with `.sortedKeys` writes the keys, each with its
    /// key as JSON (`"name":`), so that a row is kept exactly as an encoded `[String: String]` is.
    let json: [(position: Int, key: [UInt8])]
    /// The bytes of a row's JSON besides its values (the key order, quotes, commas and braces).
    let jsonSize: Int

    init(_ names: [String]) {
        self.names = names
        index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // The order is the encoder's own: encode the names once and read where each key landed.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let probe = String(decoding: (try? encoder.encode(Dictionary(names.map { ($0, "") }, uniquingKeysWith: { a, _ in a }))) ?? Data(), as: UTF8.self)
        let order = names.indices.sorted { a, b in
            (probe.range(of: "\"\(names[a])\":")?.lowerBound ?? probe.endIndex) < (probe.range(of: "\"\(names[b])\":")?.lowerBound ?? probe.endIndex)
        }
        json = order.map { ($0, Array(RosterValues.jsonString(names[$0]).utf8) + [UInt8(ascii: ":")]) }
        // Braces aside: every key, two quotes a value, and the commas between.
        jsonSize = 1 + json.reduce(0) { $0 + $1.key.count + 2 } + max(0, json.count - 1)
    }

    static let byFile: [String: RosterColumns] = OneRosterSpec.headers.mapValues { RosterColumns($0) }

    /// Every OneRoster file begins with these three columns (the package reads only files whose
    /// header is the spec's), so hot loops read them by position.
    static let sourcedId = 0, status = 1, dateLastModified = 2

    /// A column's position in a file's rows (the file's header is the spec's).
    static func position(_ file: String, _ column: String) -> Int? { of(file).index[column] }

    static func of(_ file: String) -> RosterColumns { byFile[file] ?? RosterColumns(OneRosterSpec.headers[file] ?? []) }
}

/// One row of a package file, read by column name.
struct RosterValues: Sendable {
    let columns: RosterColumns
    var fields: [String]

    subscript(_ name: String) -> String? {
        get { columns.index[name].map { fields[$0] } }
        set { if let i = columns.index[name] { fields[i] = newValue ?? "" } }
    }

    /// Column → value.
    var dictionary: [String: String] {
        Dictionary(zip(columns.names, fields), uniquingKeysWith: { a, _ in a })
    }

    /// The row as kept in `roster_records.fields`: the same text `RosterRecordModel.encode` makes of
    /// `dictionary`, written directly.
    var json: String {
        // The common case: no value needs escaping, so the text's length is known up front.
        var size = 1 + columns.jsonSize
        for f in fields {
            var f = f
            let plain = f.withUTF8 { b in b.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "/") } }
            guard plain else { return escapedJSON }
            size += f.utf8.count
        }
        return String(unsafeUninitializedCapacity: size) { out in
            var o = 0
            func put(_ b: UInt8) { out[o] = b; o += 1 }
            put(UInt8(ascii: "{"))
            for (n, c) in columns.json.enumerated() {
                if n > 0 { put(UInt8(ascii: ",")) }
                for b in c.key { put(b) }
                put(UInt8(ascii: "\""))
                var f = fields[c.position]
                f.withUTF8 { b in
                    for x in b { out[o] = x; o += 1 }
                }
                put(UInt8(ascii: "\""))
            }
            put(UInt8(ascii: "}"))
            return o
        }
    }

    /// `json` when some value needs escaping.
    var escapedJSON: String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (n, c) in columns.json.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: c.key)
            Self.appendJSON(fields[c.position], to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// A string as `JSONEncoder` writes it: as it is when nothing in it needs escaping (quotes,
    /// backslashes, slashes, control characters), else through the encoder itself.
    static func appendJSON(_ s: String, to out: inout [UInt8]) {
        let plain = s.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "/") }
        if plain {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: jsonString(s).utf8)
        }
    }

    static func jsonString(_ s: String) -> String {
        let array = String(decoding: (try? JSONEncoder().encode([s])) ?? Data("[\"\"]".utf8), as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }
}
