import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program started with `posix_spawn`, its end awaited by a thread of its own that sits in
/// `waitpid` — no libdispatch source, no `Pipe` with a `readabilityHandler`.
///
/// Why not Foundation's `Process`: on Linux its teardown of a child's pipes races libdispatch's
/// cancellation of the read sources, and the process crashes now and then in
/// `_dispatch_event_loop_drain` (a known swift-corelibs-foundation problem; SourceKit-LSP's tests
/// hit it too). Our test run crashed so about once in ten runs of a test that starts `qx` fifteen
/// times. Output goes to files or to this process's own descriptors instead of pipes.
public final class ChildProcess: Sendable {
    /// Where one of the child's standard descriptors goes.
    public enum Stream: Sendable {
        /// The same as this process's.
        case inherit
        /// `/dev/null`.
        case null
        /// A file: read from (standard input) or written to, created if missing, truncated unless `append`.
        case file(String, append: Bool = false)
    }

    public struct SpawnFailed: Error, CustomStringConvertible {
        public let program: String
        public let code: Int32
        public var description: String { "cannot start \(program): \(String(cString: strerror(code)))" }
    }

    private struct State {
        var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    public let pid: pid_t
    private let state = Mutex(State())

    /// Starts `program` (a path) with `arguments` (without the program's name); `environment`
    /// replaces this process's when given; `directory` is where it starts. Signals the child gets
    /// back to their defaults (this process ignores SIGPIPE) and no descriptor of ours but the
    /// three standard ones stays open in it.
    public init(_ program: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
                stdin: Stream = .null, stdout: Stream = .inherit, stderr: Stream = .inherit) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let path, let append):
                let flags = fd == 0 ? O_RDONLY : O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
                posix_spawn_file_actions_addopen(&actions, fd, path, flags, 0o644)
            }
        }
        if let directory {
            guard let addChdir = SpawnExtensions.addChdir else { throw SpawnFailed(program: program, code: ENOSYS) }
            _ = addChdir(&actions, directory)
        }
        if let closeFrom = SpawnExtensions.addCloseFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var child: pid_t = 0
        let code = posix_spawn(&child, program, &actions, &attributes, argv, envp)
        guard code == 0 else { throw SpawnFailed(program: program, code: code) }
        pid = child

        let thread = Thread { [self] in reap() }
        thread.name = "child-\(child)"
        thread.start()
    }

    private func reap() {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        // Exited: its code; killed by a signal: 128 + the signal, as shells say it.
        let code = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        let waiters = state.withLock { s in
            s.status = code
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume(returning: code) }
    }

    /// Still running (its end not yet seen).
    public var isRunning: Bool { state.withLock { $0.status == nil } }

    /// The exit status once it ended; nil before.
    public var status: Int32? { state.withLock { $0.status } }

    /// Waits for the end; the exit status (128 + N after signal N).
    public func exitStatus() async -> Int32 {
        await withCheckedContinuation { c in
            let done: Int32? = state.withLock { s in
                if let status = s.status { return status }
                s.waiters.append(c)
                return nil
            }
            if let done { c.resume(returning: done) }
        }
    }

    /// Sends `signal` (SIGTERM by default) unless it already ended.
    public func signal(_ signal: Int32 = SIGTERM) {
        state.withLock { s in
            if s.status == nil { _ = kill(pid, signal) }
        }
    }

    /// The program's path for a name, looked up on `PATH` as a shell does.
    public static func onPath(_ name: String, path: String? = nil) -> String? {
        let dirs = (path ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return dirs.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29) and `…_addclosefrom_np` (2.34), which the
/// Swift module does not show (they are GNU extensions): looked up once by name.
private enum SpawnExtensions {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    static let addChdir: AddChdir? = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }
    static let addCloseFrom: AddCloseFrom? = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }
}
