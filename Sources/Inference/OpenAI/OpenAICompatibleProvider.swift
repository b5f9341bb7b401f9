import Foundation
import QianxueCore

/// The provider for any OpenAI-compatible endpoint (vLLM, llama.cpp's server, Ollama, OpenAI):
/// `POST {base}/chat/completions`, streamed as server-sent events with the usage chunk last. The
/// platform's one `OutboundTransport` (Gateway's, one connection pool) carries every request.
public struct OpenAICompatibleProvider: InferenceProvider {
    public let endpoint: InferenceEndpoint
    public let settings: OpenAISettings
    let transport: any OutboundTransport
    /// The deadlines of every streamed answer of this provider (and its copies), on one task.
    let watchdogs: WatchdogRounds

    public var kind: String { "openai-compatible" }
    public var model: String { endpoint.model ?? "(server default)" }

    public init(endpoint: InferenceEndpoint, transport: any OutboundTransport, settings: OpenAISettings = OpenAISettings()) {
        self.endpoint = endpoint
        self.transport = transport
        self.settings = settings
        watchdogs = WatchdogRounds(settings: settings)
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        ChunkStream.relaying(self, request)
    }

    /// Reads the endpoint's stream as the transport hands it over (`EventStreamReceiver`) and
    /// hands each chunk to `sink` there; the provider's `WatchdogRounds` enforce the first-token,
    /// idle and total deadlines.
    ///
    /// The read starts at once, on this thread (`Task.immediate`): the request is on its way to
    /// the endpoint before the caller's task goes on (issue 5: a child task waited here for the
    /// rest of the request's work — the response head, the relay — ~0.2 ms of the first token on a
    /// busy core). A deadline that passes stops it by cancelling it, and is then what the read
    /// ends with.
    public func relay(_ request: ChatRequest, to sink: @escaping ChunkSink) async throws {
        let watchdog = StreamWatchdog(settings: settings)
        let wire = try wireRequest(request, stream: true)
        let reading = Task.immediate { try await self.read(wire, into: sink, watchdog: watchdog) }
        watchdogs.watch(watchdog) { reading.cancel() }
        defer { watchdogs.unwatch(watchdog) }
        try await withTaskCancellationHandler {
            do {
                try await reading.value
            } catch {
                throw watchdog.expiry ?? error
            }
        } onCancel: {
            reading.cancel()
        }
    }

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let response = try await send(try wireRequest(request, stream: false), timeout: settings.total,
                                      limit: settings.maxOutputCharacters * 4 + 65_536)
        let body = response.body
        guard response.status == 200 else { throw OpenAIWire.error(status: response.status, body: body, model: endpoint.model) }
        guard let c = try? JSONDecoder().decode(OpenAIWire.Completion.self, from: Data(body)) else {
            throw InferenceError.malformed(Self.excerpt(body))
        }
        let text = c.choices.first?.message?.content ?? ""
        if text.count > settings.maxOutputCharacters { throw InferenceError.outputLimit(settings.maxOutputCharacters) }
        return ChatCompletion(text: text, usage: c.usage?.tokenUsage, model: c.model ?? model, finishReason: c.choices.first?.finish_reason)
    }

    // MARK: - Streaming

    private func read(_ request: OutboundRequest, into sink: @escaping ChunkSink, watchdog: StreamWatchdog) async throws {
        let receiver = EventStreamReceiver(limit: settings.maxOutputCharacters, sink: sink, watchdog: watchdog, model: endpoint.model)
        do {
            try await transport.send(request, timeout: settings.total, to: receiver)   // ended, `[DONE]`, or the sink wants no more
        } catch let e as InferenceError {
            throw watchdog.sawText ? Self.interrupted(e) : e
        } catch let e as OutboundError {
            let error = Self.inferenceError(e)
            throw watchdog.sawText ? Self.interrupted(error) : error
        }
    }

    static func interrupted(_ e: InferenceError) -> InferenceError {
        switch e {
        case .interrupted, .outputLimit, .timeout: return e
        default: return .interrupted(e.description)
        }
    }

    /// What the stream has said so far.
    struct StreamState {
        let limit: Int
        /// One decoder for the whole stream: a chunk arrives every few milliseconds.
        let decoder = JSONDecoder()
        var characters = 0
        var finished = false
        var done = false

        /// Takes the data of one event; `done` once it was `[DONE]` or the sink wants no more.
        mutating func handle(_ payload: UnsafeBufferPointer<UInt8>, sink: ChunkSink, watchdog: StreamWatchdog) throws {
            var body = payload[...]
            while let b = body.first, b == 0x20 || b == 0x09 { body = body.dropFirst() }
            while let b = body.last, b == 0x20 || b == 0x09 { body = body.dropLast() }
            if body.elementsEqual("[DONE]".utf8) { done = true; finished = true; return }
            let chunk = try StreamedChunk.decode(UnsafeBufferPointer(rebasing: body), decoder: decoder)
            if let e = chunk.error { throw e }
            if let text = chunk.text, !text.isEmpty {
                characters += text.unicodeScalars.count
                if characters > limit { throw InferenceError.outputLimit(limit) }
                watchdog.text()
                if !sink(.delta(text)) { done = true; return }
            }
            if let f = chunk.finishReason {
                finished = true
                if !sink(.finish(f)) { done = true; return }
            }
            if let u = chunk.usage, !sink(.usage(u)) { done = true }
        }
    }

    // MARK: - HTTP

    /// The request of an answer, streamed or not.
    private func wireRequest(_ request: ChatRequest, stream: Bool) throws -> OutboundRequest {
        var headers = [(name: "content-type", value: "application/json"), (name: "accept", value: stream ? "text/event-stream" : "application/json")]
        if let key = endpoint.apiKey { headers.append((name: "authorization", value: "Bearer \(key)")) }
        return OutboundRequest(.post, url: endpoint.baseURL.absoluteString + "/chat/completions", headers: headers,
                               body: try wireBody(request, stream: stream).json())
    }

    private func wireBody(_ request: ChatRequest, stream: Bool) -> OpenAIWire.Request {
        OpenAIWire.Request(
            model: request.model ?? endpoint.model, messages: request.messages, stream: stream,
            stream_options: stream ? .init(include_usage: true) : nil,
            max_completion_tokens: request.maxCompletionTokens, max_tokens: request.maxCompletionTokens,
            temperature: request.temperature, response_format: request.responseFormat)
    }

    /// Sends a request whose whole answer is wanted (the transport tries a connection closed
    /// before any answer once more itself).
    func send(_ request: OutboundRequest, timeout: Duration, limit: Int) async throws -> OutboundResponse {
        do {
            return try await transport.send(request, timeout: timeout, limit: limit)
        } catch let e as OutboundError {
            throw Self.inferenceError(e)
        }
    }

    static func inferenceError(_ e: OutboundError) -> InferenceError {
        switch e {
        case .connectTimeout: return .timeout(.connect)
        case .timedOut: return .timeout(.total)
        case .closedBeforeAnswer(let why), .connection(let why): return .connection(why)
        }
    }

    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(120), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("<") { return "an HTML page" }
        return text.isEmpty ? "an empty body" : "'\(text)'"
    }
}

