import NIOCore
import NIOPosix
import Synchronization

/// An event loop and a thread for one SQLite database at a time: its one connection's blocking
/// calls run on the thread, its pool's bookkeeping and FluentKit's decoding of its rows on the
/// loop. A database that works hard (a test that writes a province, a rollup rebuild) then holds up
/// no other database of the process.
///
/// Lanes are never shut down: a stack gives its lane back when it closes, and the next stack takes
/// it. A connection released (or opened) after its pool shut down is closed on the lane's thread
/// — on a stopped thread pool that close failed and SQLiteNIO freed the connection open, which its
/// debug assertion turns into a crash (session 9's thread per stack, stopped with it); a request
/// that outlived its server reaches the closed pool on a running loop and fails there (a loop shut
/// down with its stack crashed the process, NIO's "leaking promise"). Shared lanes had their own
/// trouble: with one loop and NIO's one-thread-a-core pool for every SQLite database of ops/test's
/// parallel phase, a retention purge of six rows took 90 s and tests' queries waited past the
/// pool's 60 s.
final class SQLiteLane: Sendable {
    private let group: MultiThreadedEventLoopGroup
    let loop: any EventLoop
    let threads: NIOThreadPool

    fileprivate init() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
    }
}

enum SQLiteLanes {
    /// Lanes given back, oldest first: the one taken next has been idle longest, so whatever its
    /// last database left behind (a late close) has most likely run.
    private static let idle = Mutex<[SQLiteLane]>([])

    static func take() -> SQLiteLane {
        idle.withLock { $0.isEmpty ? nil : $0.removeFirst() } ?? SQLiteLane()
    }

    static func giveBack(_ lane: SQLiteLane) {
        idle.withLock { $0.append(lane) }
    }
}
