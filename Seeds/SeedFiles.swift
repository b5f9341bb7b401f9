import Foundation

/// Locates the seed files embedded in the binary.
public enum SeedFiles {
    /// The URL of an embedded seed file, e.g. `regions.csv`.
    public static func url(_ name: String) -> URL? {
        let dot = name.lastIndex(of: ".")
        let base = dot.map { String(name[..<$0]) } ?? name
        let ext = dot.map { String(name[name.index(after: $0)...]) }
        return Bundle.module.url(forResource: base, withExtension: ext)
    }

    /// The text of an embedded seed file.
    public static func text(_ name: String) throws -> String {
        guard let url = url(name) else { throw CocoaError(.fileNoSuchFile) }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
