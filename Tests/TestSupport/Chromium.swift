import Foundation

/// Headless Chromium for tests that look at a rendered page: a screenshot to view, the DOM after
/// the browser has parsed it. `ops/test` installs Debian's `chromium` and `fonts-noto-cjk`.
public enum Chromium {
    /// Why a run of the browser gave nothing.
    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case timedOut(seconds: Int)
        case failed(status: Int32, stderr: String)
        case noOutput(String)

        public var description: String {
            switch self {
            case .notInstalled:
                return "chromium (or chromium-browser) is not on PATH: ops/test installs it (apt-get install chromium fonts-noto-cjk)"
            case .timedOut(let s): return "chromium did not finish within \(s) s and was killed"
            case .failed(let status, let stderr): return "chromium exited with status \(status): \(stderr.suffix(2000))"
            case .noOutput(let what): return "chromium exited without writing \(what)"
            }
        }
    }

    /// How long one run may take before it is killed.
    public static let deadline: TimeInterval = 60

    /// The browser's path: the first `chromium` or `chromium-browser` on PATH.
    public static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in ["chromium", "chromium-browser"] {
            for dir in path.split(separator: ":") {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Whether fontconfig knows a font with Chinese glyphs (without one, Chinese renders as boxes).
    public static func hasChineseFont() async -> Bool {
        guard let out = try? await run("/usr/bin/env", ["fc-list", ":lang=zh", "family"], seconds: 10) else { return false }
        return !out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// Renders `html` in a `width`×`height` window and writes the PNG to `png` (its folder is made).
    public static func screenshot(html: String, to png: URL, width: Int = 1280, height: Int = 1600) async throws {
        try FileManager.default.createDirectory(at: png.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: png)
        _ = try await browse(html, ["--hide-scrollbars", "--screenshot=\(png.path)", "--window-size=\(width),\(height)"])
        guard FileManager.default.fileExists(atPath: png.path) else { throw Failure.noOutput(png.path) }
    }

    /// The document as Chromium serialises it after parsing `html`.
    public static func dumpDOM(html: String) async throws -> String {
        let dom = try await browse(html, ["--dump-dom"])
        guard dom.contains("<html") else { throw Failure.noOutput("a DOM") }
        return dom
    }

    /// Writes the page to a fresh folder and opens it there with its own profile, so that parallel
    /// tests never share (and lock) one.
    private static func browse(_ html: String, _ arguments: [String]) async throws -> String {
        guard let executable else { throw Failure.notInstalled }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("page.html")
        try Data(html.utf8).write(to: page)
        // --no-sandbox: Chromium refuses to start its sandbox as root, which CI runs as.
        let common = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                      "--user-data-dir=\(dir.appendingPathComponent("profile").path)"]
        return try await run(executable, common + arguments + [page.absoluteString], seconds: deadline)
    }

    /// Runs a program, killing it past the deadline (`Shell.run`: output through files, not pipes,
    /// so that a large DOM cannot fill a pipe and stall the browser; the end awaited, not waited for
    /// on a thread of the cooperative pool, which parallel tests need).
    static func run(_ executable: String, _ arguments: [String], seconds: TimeInterval) async throws -> String {
        let run: Shell.Run
        do {
            run = try await Shell.run(URL(fileURLWithPath: executable), arguments, deadline: seconds)
        } catch let timedOut as Shell.TimedOut {
            throw Failure.timedOut(seconds: Int(timedOut.seconds))
        }
        guard run.status == 0 else { throw Failure.failed(status: run.status, stderr: run.err) }
        return run.out
    }
}
