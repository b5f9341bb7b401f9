/// One problem found in the curriculum, printed the way compilers do: `file:line: message`.
public struct CurriculumDiagnostic: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// Path relative to the curriculum root's parent (`Curriculum/junior/…/x.md`).
    public let file: String
    /// 1-based line; 1 when the problem concerns the whole file.
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = max(1, line)
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }

    public static func < (a: Self, b: Self) -> Bool {
        (a.file, a.line, a.message) < (b.file, b.line, b.message)
    }
}

/// Collects diagnostics while a file is read.
final class DiagnosticSink {
    private(set) var items: [CurriculumDiagnostic] = []
    func add(_ file: String, _ line: Int, _ message: String) {
        items.append(CurriculumDiagnostic(file: file, line: line, message: message))
    }
    func append(contentsOf more: [CurriculumDiagnostic]) { items.append(contentsOf: more) }
}
