import ArgumentParser
import Foundation
import OpenAPIRuntime
import QianxueAPI
import ZIPFoundation

struct Roster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "OneRoster rosters: import and export.", subcommands: [Import.self, Export.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload a OneRoster 1.2 CSV package (a .zip or a folder of CSV files).",
            discussion: "Example: qx roster import ./roster.zip --county 520302")

        @Argument(help: "A .zip or a folder of CSV files.") var path: String
        @Option(help: "County code for schools whose org identifier is not a 6-digit county code.") var county: String?
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let data = try packageData(path)
            let session = try Session(options)
            let progress = UploadProgress(total: data.count)
            let chunks = stride(from: 0, to: data.count, by: 64 << 10).map { data[$0..<min($0 + (64 << 10), data.count)] }
            let stream = AsyncStream<ArraySlice<UInt8>> { continuation in
                for c in chunks {
                    continuation.yield(ArraySlice(c))
                }
                continuation.finish()
            }.map { chunk -> ArraySlice<UInt8> in
                progress.advance(chunk.count)
                return chunk
            }
            let body = HTTPBody(stream, length: .known(Int64(data.count)), iterationBehavior: .single)
            let out = try await session.call { try await session.client.importOneRoster(query: .init(county: county), body: .applicationZip(body)) }
            progress.finish()
            switch out {
            case .ok(let ok):
                let report = try ok.body.json
                if options.output == .json { return try printJSON(report) }
                printTable(["file", "created", "updated", "unchanged", "deleted", "skipped"],
                           report.files.additionalProperties.sorted { $0.key < $1.key }.map {
                               [$0.key, String($0.value.created), String($0.value.updated), String($0.value.unchanged), String($0.value.deleted), String($0.value.skipped)]
                           })
                print(report.changedNothing ? "Nothing changed: these files were imported before." : "Imported into \(report.schoolIds.count) school(s).")
            case .default(let status, let problem):
                if case .applicationProblemJson(let p) = problem.body, let issues = p.issues, !issues.isEmpty {
                    FileHandle.standardError.write(Data("The package was refused; nothing was written. \(issues.count) problem(s):\n".utf8))
                    for i in issues.prefix(40) {
                        FileHandle.standardError.write(Data("  \(i.file)\(i.line.map { ":\($0)" } ?? "")\(i.column.map { " [\($0)]" } ?? ""): \(i.reason)\n".utf8))
                    }
                    throw ExitCode(1)
                }
                throw QXError(problem: problem, status: status)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a school's roster as a OneRoster 1.2 package.",
            discussion: "Example: qx roster export --school 6f1c… --to roster.zip")

        @Option(help: "School ID.") var school: String
        @Option(help: "The .zip to write.") var to: String
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let session = try Session(options)
            switch try await session.call({ try await session.client.exportOneRoster(query: .init(school: school)) }) {
            case .ok(let ok):
                let data = try await Data(collecting: try ok.body.applicationZip, upTo: 500 << 20)
                try data.write(to: URL(fileURLWithPath: to))
                print("Wrote \(to) (\(data.count) bytes).")
            case .default(let status, let problem): throw QXError(problem: problem, status: status)
            }
        }
    }
}

/// A zip's bytes, or a folder of CSV files zipped in memory.
func packageData(_ path: String) throws -> Data {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw QXError("no such file or folder: \(path)") }
    guard isDir.boolValue else { return try Data(contentsOf: URL(fileURLWithPath: path)) }
    let archive = try Archive(data: Data(), accessMode: .create)
    for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() where name.lowercased().hasSuffix(".csv") {
        let data = try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(name))
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { pos, size in
            data.subdata(in: Int(pos)..<Int(pos) + size)
        }
    }
    guard let out = archive.data else { throw QXError("could not zip \(path)") }
    return out
}

/// A one-line progress bar on standard error (only on a terminal).
final class UploadProgress: @unchecked Sendable {
    private let total: Int
    private var sent = 0
    private let lock = NSLock()
    private let tty = isatty(STDERR_FILENO) == 1

    init(total: Int) { self.total = max(total, 1) }

    func advance(_ n: Int) {
        lock.lock(); defer { lock.unlock() }
        sent += n
        guard tty else { return }
        let width = 30, filled = width * sent / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let mb = { (b: Int) in String(format: "%.1f", Double(b) / 1_048_576) }
        FileHandle.standardError.write(Data("\r\(bar) \(100 * sent / total)%  \(mb(sent))/\(mb(total)) MB\(sent >= total ? "  importing…" : "")".utf8))
    }

    func finish() {
        if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
