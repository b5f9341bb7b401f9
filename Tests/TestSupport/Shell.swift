import Foundation

/// Runs a program to its end from async tests: output goes to files (no pipe that a daemon the
/// program starts could keep open) and the end is awaited with a termination handler (Foundation's
/// `waitUntilExit` can wait forever when called from a concurrency thread on Linux).
public enum Shell {
    public struct Run: Sendable {
        public let status: Int32
        public let out: String
        public let err: String
    }

    /// The program ran past its deadline and was killed.
    public struct TimedOut: Error {
        public let seconds: TimeInterval
    }

    /// Runs `executable` to its end; past `deadline` seconds (if given) it gets SIGTERM, 5 s later
    /// SIGKILL, and `TimedOut` is thrown.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                           in directory: URL? = nil, deadline: TimeInterval? = nil) async throws -> Run {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qx-shell-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        if let environment { p.environment = environment }
        if let directory { p.currentDirectoryURL = directory }
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = out
        p.standardError = err
        let ended = AsyncStream<Void>.makeStream()
        p.terminationHandler = { _ in ended.continuation.finish() }
        try p.run()
        let watchdog = deadline.map { seconds in
            Task { () -> Bool in
                guard (try? await Task.sleep(for: .seconds(seconds))) != nil, p.isRunning else { return false }
                p.terminate()
                try? await Task.sleep(for: .seconds(5))
                if p.isRunning { kill(p.processIdentifier, SIGKILL) }
                return true
            }
        }
        for await _ in ended.stream {}
        watchdog?.cancel()
        try? out.close()
        try? err.close()
        if let watchdog, await watchdog.value, let deadline { throw TimedOut(seconds: deadline) }
        return Run(status: p.terminationStatus,
                   out: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                   err: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// `bash -c script` in the repository's root.
    public static func bash(_ script: String) async throws -> Run {
        try await run(URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: Repository.root)
    }
}
