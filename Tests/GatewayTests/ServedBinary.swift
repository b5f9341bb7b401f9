import ChildProcesses
import Foundation
import TestSupport

/// The built `qianxue` binary: its one-off commands, and `serve` as a process on a loopback port,
/// for tests of what an operator does with it.
struct QianxueBinary: Sendable {
    static let path = Repository.root.appendingPathComponent(".build/debug/qianxue")
    static var exists: Bool { FileManager.default.isExecutableFile(atPath: path.path) }

    /// `--data-dir`, and `DATABASE_URL` when the platform runs on PostgreSQL.
    let dataDir: URL
    let databaseURL: String?
    var extraPath: String?

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in ["DATABASE_URL", "QIANXUE_ENV", "QIANXUE_PORT", "QIANXUE_HOST", "QIANXUE_INFERENCE_URL"] { env.removeValue(forKey: key) }
        if let databaseURL { env["DATABASE_URL"] = databaseURL }
        if let extraPath { env["PATH"] = extraPath + ":" + (env["PATH"] ?? "/usr/bin:/bin") }
        return env
    }

    var common: [String] { ["--data-dir", dataDir.path, "--curriculum", Repository.curriculum.path] }

    /// Runs `qianxue <arguments> --data-dir … --curriculum …`.
    func run(_ arguments: [String]) async throws -> Shell.Run {
        try await Shell.run(Self.path, arguments + common, environment: environment, in: Repository.root)
    }

    /// Creates an admin (its password goes through standard input, as an operator types it).
    func createAdmin(_ username: String, password: String) async throws {
        let exports = environment.filter { ["DATABASE_URL"].contains($0.key) }.map { "export \($0.key)='\($0.value)'; " }.joined()
        let line = ([Self.path.path, "users", "create", "--username", username, "--role", "admin", "--password-stdin"] + common)
            .map { "'\($0)'" }.joined(separator: " ")
        let run = try await Shell.bash("unset DATABASE_URL QIANXUE_ENV; \(exports)echo '\(password)' | \(line)")
        guard run.status == 0 else { throw TestSetupError("users create: \(run.status) \(run.out) \(run.err)") }
    }

    /// Starts `qianxue serve` on a free port and waits until `/ready` answers 200.
    func serve() async throws -> ServedProcess {
        let log = dataDir.appendingPathComponent("serve-\(UUID().uuidString.prefix(8)).log")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
        for _ in 0..<3 {
            let port = Int.random(in: 20_000..<40_000)
            let p = try ChildProcess(Self.path.path, ["serve", "--port", "\(port)"] + common, environment: environment,
                                     directory: Repository.root.path, stdout: .file(log.path, append: true), stderr: .file(log.path, append: true))
            let served = ServedProcess(process: p, api: LiveAPI(base: "http://127.0.0.1:\(port)"), log: log)
            let deadline = ContinuousClock.now + .seconds(120)
            while p.isRunning, ContinuousClock.now < deadline {
                if let r = try? await served.api.get("/ready", token: nil), r.status == 200 { return served }
                try await Task.sleep(for: .milliseconds(100))
            }
            await served.stop()
            // A port someone else holds ends the server at once: try another one.
            guard (try? String(contentsOf: log, encoding: .utf8))?.contains("ddress already in use") == true else { break }
        }
        throw TestSetupError("qianxue serve did not become ready: \((try? String(contentsOf: log, encoding: .utf8))?.suffix(2000) ?? "")")
    }
}

/// A running `qianxue serve`.
final class ServedProcess: Sendable {
    let process: ChildProcess
    let api: LiveAPI
    let log: URL

    init(process: ChildProcess, api: LiveAPI, log: URL) {
        self.process = process
        self.api = api
        self.log = log
    }

    var pid: Int32 { process.pid }

    /// SIGTERM, as an operator stops it; killed if still there after 30 s.
    func stop() async {
        guard process.isRunning else { return }
        process.signal(SIGTERM)
        let killer = Task {
            try await Task.sleep(for: .seconds(30))
            process.signal(SIGKILL)
        }
        _ = await process.exitStatus()
        killer.cancel()
    }
}
