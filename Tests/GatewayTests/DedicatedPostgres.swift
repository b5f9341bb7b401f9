import Foundation
import TestSupport

/// A PostgreSQL cluster of its own (ops/lib/postgres.sh's pg_start), for tests that stop and start
/// the server under a running gateway.
struct DedicatedPostgres {
    let directory: URL
    let url: String
    let port: String
    let bin: String

    static func start() async throws -> DedicatedPostgres {
        let detached = Self.detached
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qx-pg-\(UUID().uuidString.prefix(8))")
        let out = try await shell("source ops/lib/postgres.sh && (\(detached) pg_start \(dir.path) >&2 && echo \"$PG_URL $PG_PORT $PG_BIN\")")
        let parts = out.split(separator: " ").map(String.init)
        guard parts.count == 3 else { throw TestSetupError("pg_start printed '\(out)'") }
        return DedicatedPostgres(directory: dir, url: parts[0], port: parts[1], bin: parts[2])
    }

    /// Stops the server as an operator would (fast: sessions are ended, the server exits).
    func stop() async throws {
        _ = try await Self.shell("source ops/lib/postgres.sh && pg_as \(bin)/pg_ctl -D \(directory.path)/data -m fast -w stop >&2")
    }

    /// Starts it again on the same port.
    func start() async throws {
        _ = try await Self.shell("""
            source ops/lib/postgres.sh && (\(Self.detached) pg_as \(bin)/pg_ctl -D \(directory.path)/data -l \(directory.path)/server.log -w \
              -o "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1" start >&2)
            """)
    }

    /// Stops the server if it runs and removes its files.
    func remove() async {
        _ = try? await Self.shell("source ops/lib/postgres.sh && pg_as \(bin)/pg_ctl -D \(directory.path)/data -m immediate stop >/dev/null 2>&1; true")
        try? FileManager.default.removeItem(at: directory)
    }

    /// Closes every descriptor above 2 in the subshell that starts the server: Foundation's
    /// `Process` learns that a child ended from a descriptor the child inherits, and a server that
    /// kept it would make the test wait for the server's end instead of pg_ctl's.
    static let detached = "for fd in /proc/$BASHPID/fd/*; do n=${fd##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done 2>/dev/null;"

    @discardableResult
    static func shell(_ script: String) async throws -> String {
        let run = try await Shell.bash(script)
        guard run.status == 0 else { throw TestSetupError("'\(script)' failed (\(run.status)): \(run.err)") }
        return run.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
