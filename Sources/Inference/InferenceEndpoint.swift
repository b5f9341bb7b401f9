import Foundation
import QianxueCore

/// Where the shared OpenAI-compatible inference endpoint is: its base URL including `/v1` (as
/// OpenAI clients take it), the model, and the key. With none configured the platform uses its
/// embedded offline provider.
public struct InferenceEndpoint: Sendable, Equatable {
    public let baseURL: URL
    public let model: String?
    public let apiKey: String?

    /// Checks a configured base URL: http(s) only, and never a link-local or cloud-metadata address,
    /// which would let a misconfiguration leak the key or students' text to the host's metadata service.
    public init(baseURL text: String, model: String?, apiKey: String?) throws {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let c = URLComponents(string: trimmed), let scheme = c.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = c.host?.lowercased(), !host.isEmpty, let url = c.url else {
            throw InferenceEndpointError("'\(text)' is not an http(s) base URL such as http://127.0.0.1:8081/v1")
        }
        if ForbiddenDestinations.contains(host: host) {
            throw InferenceEndpointError("'\(host)' is a link-local or cloud-metadata address, never an inference endpoint")
        }
        baseURL = url
        self.model = model
        self.apiKey = apiKey
    }

    /// A description for logs: never the key.
    public var description: String { "openai-compatible \(baseURL.absoluteString) model \(model ?? "(server default)")" }
}

/// A configured endpoint that cannot be used.
public struct InferenceEndpointError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
