import Foundation
import ZIPFoundation

/// The files of a OneRoster CSV package, read from a folder or a zip, with the manifest checked.
struct OneRosterPackage: Sendable {
    /// file name (without .csv) → rows as column → value, with line numbers.
    var tables: [String: [(line: Int, values: [String: String])]]
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
        var tables: [String: [(line: Int, values: [String: String])]] = [:]
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
            var rows: [(line: Int, values: [String: String])] = []
            for row in table.rows {
                guard row.fields.count == expected.count else {
                    issues.append(ImportIssue(file: fileName, line: row.line, reason: "the row has \(row.fields.count) fields, the header \(expected.count)"))
                    continue
                }
                rows.append((row.line, Dictionary(uniqueKeysWithValues: zip(expected, row.fields))))
            }
            tables[name] = rows
        }
        if !issues.isEmpty { throw ImportRefused(issues: issues) }
        return OneRosterPackage(tables: tables, modes: modes)
    }
}
