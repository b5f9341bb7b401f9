@preconcurrency import Prometheus
import Inference
import Synchronization

/// The gateway's Prometheus registry: one per application, emitted at `/metrics`.
public final class GatewayMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private static let requests = MetricNameDescriptor(namespace: "qianxue", subsystem: "http", metricName: "requests", unitName: "total",
                                                helpText: "HTTP requests by method, route template and status")
    private static let latency = MetricNameDescriptor(namespace: "qianxue", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                                               helpText: "HTTP request latency by method, route template and status")
    private static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(10),
    ]

    /// The registry's own lookups allocate label arrays; the series a gateway serves are few, so keep them.
    private let series = Mutex<[SeriesKey: (Counter, DurationHistogram)]>([:])

    /// A series' labels as a key (no string is built per request to find it).
    private struct SeriesKey: Hashable {
        let method: String
        let route: String
        let status: Int
    }
    /// The inference totals at the last scrape, so that counters advance by what happened since.
    let inferenceExported = Mutex(InferenceCounters.Totals())

    public init() {}

    func record(method: String, route: String, status: Int, duration: Duration) {
        let key = SeriesKey(method: method, route: route, status: status)
        let (counter, histogram) = series.withLock { all in
            if let s = all[key] { return s }
            let s = (
                registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]),
                registry.makeDurationHistogram(descriptor: Self.latency, labels: [("method", method), ("route", route), ("status", String(status))],
                                               buckets: Self.buckets)
            )
            all[key] = s
            return s
        }
        counter.increment()
        histogram.record(duration)
    }

    public func exposition() -> String { registry.emitToString() }
}
