import Foundation
import Synchronization

/// An event stream's bytes with an SSE comment line (`: keep-alive`) written whenever `interval`
/// passes with nothing else on the wire. A quiz draft says nothing while the model writes its JSON
/// and the server checks it (and asks again when it is invalid): a minute or more with a real
/// model, longer than the idle timeout of many proxies (nginx's `proxy_read_timeout` is 60 s) and
/// clients. SSE readers skip comment lines, so the API's events are unchanged.
enum KeepAliveFrames {
    static let comment: ArraySlice<UInt8> = ArraySlice(": keep-alive\n\n".utf8)
    /// Well under the usual 60-second proxy and client idle timeouts.
    static let defaultInterval: Duration = .seconds(15)

    static func frames<Upstream: AsyncSequence & Sendable>(_ upstream: Upstream, every interval: Duration = defaultInterval)
        -> AsyncStream<ArraySlice<UInt8>> where Upstream.Element == ArraySlice<UInt8> {
        AsyncStream { out in
            let lastSent = LastSent()
            let task = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await frame in upstream {
                                lastSent.instant.withLock { $0 = .now }
                                out.yield(frame)
                            }
                        } catch {
                            // The upstream broke off: the body ends here, as it would have without us.
                        }
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            let due = lastSent.instant.withLock { $0 } + interval
                            if ContinuousClock.now >= due {
                                lastSent.instant.withLock { $0 = .now }
                                out.yield(comment)
                                continue
                            }
                            try? await Task.sleep(until: due, clock: .continuous)
                        }
                    }
                    // When the events end, the ticker stops with them.
                    await group.next()
                    group.cancelAll()
                }
                out.finish()
            }
            out.onTermination = { _ in task.cancel() }
        }
    }

    /// When the stream last carried something.
    private final class LastSent: Sendable {
        let instant = Mutex(ContinuousClock.now)
    }
}
