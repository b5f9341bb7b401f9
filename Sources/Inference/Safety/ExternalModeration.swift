import Foundation
import QianxueCore

/// An optional second opinion on input: an OpenAI-compatible `POST {base}/moderations` endpoint
/// (`{"model": …, "input": …}` → `results[0].categories`), asked after the shipped screen has
/// passed a message. It only ever sees the redacted text. Its categories map onto the screen's:
///
/// | moderation category | screen category | severity |
/// |---|---|---|
/// | self-harm/intent, self-harm/instructions | selfHarm | high |
/// | self-harm | selfHarm | medium |
/// | sexual/minors | sexualMinors | high |
/// | sexual (every user may be a minor) | sexualMinors | medium |
/// | violence, violence/graphic | violence | medium |
/// | harassment/threatening, hate/threatening, illicit/violent | violence | high |
/// | harassment | bullying | medium |
/// | hate | extremism | medium |
/// | illicit | violence | low |
///
/// A failure (unreachable, slow, an error answer) throws; the service then goes on with the
/// shipped screen's verdict alone and counts the failure — a moderation outage must not stop
/// every lesson, and the shipped screen has already looked at the message.
public struct ExternalModeration: Sendable {
    public let endpoint: InferenceEndpoint
    let transport: any OutboundTransport
    public let timeout: Duration
    let lexicon: SafetyLexicon

    static let mapping: [String: (SafetyCategory, SafetySeverity)] = [
        "self-harm/intent": (.selfHarm, .high), "self-harm/instructions": (.selfHarm, .high), "self-harm": (.selfHarm, .medium),
        "sexual/minors": (.sexualMinors, .high), "sexual": (.sexualMinors, .medium),
        "violence": (.violence, .medium), "violence/graphic": (.violence, .medium),
        "harassment/threatening": (.violence, .high), "hate/threatening": (.violence, .high), "illicit/violent": (.violence, .high),
        "harassment": (.bullying, .medium), "hate": (.extremism, .medium), "illicit": (.violence, .low),
    ]

    public init(endpoint: InferenceEndpoint, transport: any OutboundTransport, timeout: Duration = .seconds(2), lexicon: SafetyLexicon = .shipped) {
        self.endpoint = endpoint
        self.transport = transport
        self.timeout = timeout
        self.lexicon = lexicon
    }

    /// The flags the endpoint raises for `text` (already redacted), most severe first.
    public func check(_ text: String) async throws -> [SafetyFlag] {
        var headers = [(name: "content-type", value: "application/json")]
        if let key = endpoint.apiKey { headers.append((name: "authorization", value: "Bearer \(key)")) }
        var body: [String: String] = ["input": text]
        if let model = endpoint.model { body["model"] = model }
        let request = OutboundRequest(.post, url: endpoint.baseURL.absoluteString + "/moderations", headers: headers,
                                      body: Array(try JSONEncoder().encode(body)))
        let response: OutboundResponse
        do {
            response = try await transport.send(request, timeout: timeout, limit: 1 << 20)
        } catch let e as OutboundError {
            throw OpenAICompatibleProvider.inferenceError(e)
        }
        let bytes = response.body
        guard response.status == 200 else { throw OpenAIWire.error(status: response.status, body: bytes, model: endpoint.model) }
        return try flags(from: bytes)
    }

    struct Answer: Decodable {
        struct Result: Decodable {
            let flagged: Bool?
            let categories: [String: Bool?]
        }
        let results: [Result]
    }

    /// The flags of a moderation answer; categories it does not know are ignored.
    func flags(from body: [UInt8]) throws -> [SafetyFlag] {
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(body)), let result = answer.results.first else {
            throw InferenceError.malformed("the moderation endpoint did not answer {results:[{categories}]}")
        }
        var best: [SafetyCategory: (SafetySeverity, String)] = [:]
        for (name, on) in result.categories where on == true {
            guard let (category, severity) = Self.mapping[name] else { continue }
            if let seen = best[category], seen.0 >= severity { continue }
            best[category] = (severity, name)
        }
        return best.map { category, v in
            SafetyFlag(category: category, severity: v.0, ruleID: "moderation.\(v.1)", message: lexicon.message(for: category))
        }.sorted(by: SafetyScreen.moreSevereFirst)
    }
}
