import ChildProcesses
import Foundation

/// Runs a program to its end from async tests: output goes to files (no pipe that a daemon the
/// program starts could keep open), and the program is a `ChildProcess` (posix_spawn, its end
/// awaited by a thread in waitpid): Foundation's `Process` with pipes crashed the test process now
/// and then on Linux (libdispatch, `_dispatch_event_loop_drain`, as the pipes' read sources were torn
/// down).
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

    /// Runs `executable` to its end with `input` on its standard input; past `deadline` seconds (if
    /// given) it gets SIGTERM, 5 s later SIGKILL, and `TimedOut` is thrown.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                           in directory: URL? = nil, input: String? = nil, deadline: TimeInterval? = nil) async throws -> Run {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qx-shell-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        var stdin = ChildProcess.Stream.null
        if let input {
            let inURL = dir.appendingPathComponent("in")
            try Data(input.utf8).write(to: inURL)
            stdin = .file(inURL.path)
        }
        let p = try ChildProcess(executable.path, arguments, environment: environment, directory: directory?.path,
                                 stdin: stdin, stdout: .file(outURL.path), stderr: .file(errURL.path))
        let watchdog = deadline.map { seconds in
            Task { () -> Bool in
                guard (try? await Task.sleep(for: .seconds(seconds))) != nil, p.isRunning else { return false }
                p.signal(SIGTERM)
                try? await Task.sleep(for: .seconds(5))
                p.signal(SIGKILL)
                return true
            }
        }
        let status = await p.exitStatus()
        watchdog?.cancel()
        if let watchdog, await watchdog.value, let deadline { throw TimedOut(seconds: deadline) }
        return Run(status: status,
                   out: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                   err: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// `bash -c script` in the repository's root.
    public static func bash(_ script: String) async throws -> Run {
        try await run(URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: Repository.root)
    }
}
