import Foundation

/// The fixtures made by others live in ../shared/data beside the checkout (on every developer
/// machine and in CI); tests that need them are skipped, saying so, when it is absent.
public enum SharedData {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data")

    public static var available: Bool { FileManager.default.fileExists(atPath: root.path) }

    public static func url(_ path: String) -> URL { root.appendingPathComponent(path) }
}

/// Folders of this repository that tests read.
public enum Repository {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped curriculum content.
    public static var curriculum: URL { root.appendingPathComponent("Curriculum") }
}
