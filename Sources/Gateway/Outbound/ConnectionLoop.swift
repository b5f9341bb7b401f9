import NIOCore
import NIOPosix

/// The event loop of the client's connection that a request arrived on, so that a streamed
/// answer is read from the endpoint and written to the client on that one thread: the endpoint's
/// connection runs on it (`HTTPOutboundTransport`) and so does the task that writes the response
/// body (`StreamedBodyOnLoop`). A chunk then goes from one socket to the other without waking
/// another thread — two thread switches per chunk fewer, the largest cost of a streamed chunk.
///
/// Only the platform's own loops (`MultiThreadedEventLoopGroup.singleton`, which Hummingbird's
/// server and AsyncHTTPClient both use) qualify: AsyncHTTPClient refuses a loop of another group,
/// and a test channel's loop runs its tasks only when the test tells it to.
enum ConnectionLoop {
    /// The client's loop for the request in flight (nil outside a request, or when it is not one
    /// of the platform's loops). Inherited by the answer's task, which calls the endpoint.
    @TaskLocal static var current: (any EventLoop)?

    private static let executors: [ObjectIdentifier: EventLoopExecutor] = {
        var out: [ObjectIdentifier: EventLoopExecutor] = [:]
        for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
            out[ObjectIdentifier(loop)] = EventLoopExecutor(loop)
        }
        return out
    }()

    /// `loop` if it is one of the platform's loops.
    static func platformLoop(_ loop: any EventLoop) -> (any EventLoop)? {
        executors[ObjectIdentifier(loop)]?.loop
    }

    /// A task executor that runs jobs on `loop`, if it is one of the platform's loops.
    static func executor(for loop: any EventLoop) -> EventLoopExecutor? {
        executors[ObjectIdentifier(loop)]
    }
}

/// Runs a task's jobs on one NIO event loop (as a task executor preference). A job enqueued from
/// the loop itself joins the loop's queue without a wake-up; from elsewhere it wakes the loop.
final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
