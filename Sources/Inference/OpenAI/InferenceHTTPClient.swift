import AsyncHTTPClient
import NIOCore

/// The one HTTP client the platform keeps for the inference endpoint (and the moderation endpoint):
/// created once, shared by every request, shut down with the platform.
public enum InferenceHTTPClient {
    public static func make(settings: OpenAISettings = OpenAISettings(), maxConnections: Int = 1024) -> HTTPClient {
        var config = HTTPClient.Configuration()
        config.timeout.connect = TimeAmount(settings.connect)
        // Qianxue decides about retries itself (only before the first byte, with jitter): the pool
        // must not keep re-dialling a refused endpoint until the request's deadline.
        config.connectionPool.retryConnectionEstablishment = false
        // One connection per stream in flight: hundreds of classrooms stream at once.
        config.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = maxConnections
        config.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }
}
