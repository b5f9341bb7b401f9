import HTTPTypes
import Hummingbird

/// A streamed response (`text/event-stream`, no length) is written by a task that prefers the
/// client's connection loop as its executor. The answer's events are produced on that loop (the
/// endpoint's connection runs there, see `ConnectionLoop`), so the writer resumes there without a
/// thread switch, and its writes reach the channel without one: NIO's async writer hands a write
/// made on the channel's own loop straight to the pipeline. Without it every chunk woke a thread
/// of Swift's pool and then the loop again.
enum StreamedBodyOnLoop {
    static func apply(to response: inout Response, on executor: EventLoopExecutor?) {
        guard let executor, response.body.contentLength == nil,
              response.headers[.contentType]?.hasPrefix("text/event-stream") == true else { return }
        let body = response.body
        response.body = ResponseBody { writer in
            try await withTaskExecutorPreference(executor) {
                try await body.write(writer)
            }
        }
    }
}
