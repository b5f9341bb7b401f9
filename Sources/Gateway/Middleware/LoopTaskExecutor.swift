import HTTPTypes
import NIOCore
import Synchronization

/// Runs a task's jobs on an event loop (SE-0417's task executor preference). A streamed answer's
/// request is then handled on its connection's loop — where its bytes were read, where the
/// endpoint's chunks are read (`OutboundAffinity`) and its frames written — instead of hopping to
/// Swift's cooperative pool and back at each await: −12% of the gateway's CPU a stream, measured
/// (Benchmarks/README, issue 5, session 15).
///
/// Only the two streaming routes run so: their work before the first token is bounded (a prompt
/// within the body limit, screened; a few queries), while a report, an import or a calibration
/// computes for long stretches, which on a loop would hold up every stream of that loop.
final class LoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    private init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// The executor of `channel`'s loop when `method` and `path` are a streaming route's and the
    /// channel is a client's connection (Hummingbird's router testing hands an inactive test
    /// channel, whose loop runs jobs only when the test drives it); else nil.
    static func serving(_ method: HTTPRequest.Method, _ path: String, on channel: any Channel) -> LoopTaskExecutor? {
        guard method == .post, isStreamingRoute(path), channel.isActive else { return nil }
        return on(channel.eventLoop)
    }

    /// `POST /v1/inference/chat` and `POST /v1/companion/sessions/{id}/messages`.
    static func isStreamingRoute(_ path: String) -> Bool {
        path == "/v1/inference/chat"
            || (path.hasPrefix("/v1/companion/sessions/") && path.hasSuffix("/messages"))
    }

    /// One executor per loop, made on first use (a server has a loop per core).
    private static let known = Mutex<[ObjectIdentifier: LoopTaskExecutor]>([:])

    static func on(_ loop: any EventLoop) -> LoopTaskExecutor {
        known.withLock { known in
            if let e = known[ObjectIdentifier(loop)] { return e }
            let e = LoopTaskExecutor(loop)
            known[ObjectIdentifier(loop)] = e
            return e
        }
    }
}
