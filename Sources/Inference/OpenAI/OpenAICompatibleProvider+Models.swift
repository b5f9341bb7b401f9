import Foundation
import QianxueCore

/// What `GET {base}/models` said about the configured model, for the start-up log line.
public enum ModelCheck: Sendable, Equatable {
    case found(String)
    /// The endpoint serves other models (the configured one is missing).
    case missing(String, available: [String])
    /// No model was configured: the endpoint's first model answers.
    case serverDefault(String?)
    case unreachable(String)

    public var logLine: String {
        switch self {
        case .found(let m): return "inference endpoint serves the model \(m)"
        case .missing(let m, let a): return "inference endpoint does NOT serve the model \(m) (it serves: \(a.joined(separator: ", "))); requests will fail"
        case .serverDefault(let m): return "no inference model configured; the endpoint's default answers\(m.map { " (\($0))" } ?? "")"
        case .unreachable(let why): return "inference endpoint unreachable at start-up (\(why)); the offline provider answers until it is back"
        }
    }
}

extension OpenAICompatibleProvider {
    /// Asks the endpoint which models it serves.
    public func checkModel() async -> ModelCheck {
        var headers: [(name: String, value: String)] = [(name: "accept", value: "application/json")]
        if let key = endpoint.apiKey { headers.append((name: "authorization", value: "Bearer \(key)")) }
        do {
            let response = try await send(OutboundRequest(.get, url: endpoint.baseURL.absoluteString + "/models", headers: headers),
                                          timeout: .seconds(10), limit: 1 << 20)
            guard response.status == 200 else { return .unreachable("GET /models answered \(response.status)") }
            guard let models = try? JSONDecoder().decode(OpenAIWire.Models.self, from: Data(response.body)) else {
                return .unreachable("GET /models did not answer an OpenAI model list")
            }
            let ids = models.data.map { $0.id }
            guard let wanted = endpoint.model else { return .serverDefault(ids.first) }
            // Ollama lists `name:tag`; a configured `name` matches `name:latest`.
            if ids.contains(wanted) || ids.contains(wanted + ":latest") { return .found(wanted) }
            return .missing(wanted, available: ids)
        } catch {
            return .unreachable(String(describing: error))
        }
    }
}
