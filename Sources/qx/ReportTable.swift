import Foundation
import OpenAPIRuntime
import QianxueAPI

/// A report in the terminal: its heading, then each section as a table.
enum ReportTable {
    static func print(_ r: Components.Schemas.Report) {
        var heading = "\(r.title) · \(r.unit.name)（\(r.unit.code)）· \(r.period.term ?? "\(r.period.from) 至 \(r.period.to)")"
        if let c = r.comparedTo { heading += " 对比 \(c.term ?? "\(c.from) 至 \(c.to)")" }
        Swift.print(Terminal.bold(heading))
        for section in r.sections {
            Swift.print("")
            Swift.print(Terminal.bold(section.title))
            let columns = section.columns
            printTable([section.rowHeading ?? ""] + columns.map { $0.label + ($0.kind == .percent ? " %" : "") },
                       section.rows.map { row in [row.role == .total ? Terminal.bold(row.label) : row.label] + columns.map { cell(row.cells.additionalProperties[$0.key]) } })
        }
        if !r.notes.isEmpty { Swift.print("") }
        for n in r.notes { Swift.print("· \(n)") }
        Swift.print("· 少于10名学生的单元格显示为 <10；为防止反推而一并隐藏的显示为 *。")
    }

    /// A cell as the table shows it: integers plain, other numbers to one decimal.
    static func cell(_ value: OpenAPIValueContainer?) -> String {
        switch value?.value {
        case let n as Int: return String(n)
        case let d as Double: return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(format: "%.1f", d)
        case let s as String: return s
        default: return ""
        }
    }
}

/// A spinner on the terminal's error stream while a long report is made and downloaded; silent
/// when stderr is not a terminal (pipes and scripts get only the result).
final class ProgressSpinner: @unchecked Sendable {
    /// Bytes received so far, shared with the ticking task.
    private final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var bytes = 0
        func read() -> Int { lock.withLock { bytes } }
        func set(_ n: Int) { lock.withLock { bytes = n } }
    }

    private let task: Task<Void, Never>?
    private let counter = Counter()

    private init(_ label: String) {
        guard isatty(STDERR_FILENO) == 1 else { task = nil; return }
        let start = Date()
        let counter = self.counter
        let frames = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
        task = Task {
            var i = 0
            while !Task.isCancelled {
                let bytes = counter.read()
                let got = bytes > 0 ? " 已接收 \(ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file))" : ""
                FileHandle.standardError.write(Data("\r\(frames[i % frames.count]) \(label) \(Int(Date().timeIntervalSince(start)))s\(got)\u{1B}[K".utf8))
                i += 1
                try? await Task.sleep(for: .milliseconds(120))
            }
        }
    }

    static func start(_ label: String) -> ProgressSpinner { ProgressSpinner(label) }

    /// Reads the body, counting bytes for the spinner.
    func collect(_ body: HTTPBody) async throws -> Data {
        var data = Data()
        for try await chunk in body {
            data.append(contentsOf: chunk)
            counter.set(data.count)
        }
        return data
    }

    func stop() {
        guard let task else { return }
        task.cancel()
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
