import Yams

/// Where and what a YAML parse error is, for `file:line: message` diagnostics of every content
/// file (lessons, units, sources, the item bank).
public enum YAMLError {
    /// The line of the error (1 when Yams gives none).
    public static func line(of error: any Error) -> Int {
        switch error as? YamlError {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return 1
        }
    }

    /// The problem in Yams' words.
    public static func text(of error: any Error) -> String {
        switch error as? YamlError {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        default: return String(describing: error)
        }
    }
}
