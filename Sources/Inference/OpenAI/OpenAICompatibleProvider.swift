import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The provider for any OpenAI-compatible endpoint (vLLM, llama.cpp's server, Ollama, OpenAI):
/// `POST {base}/chat/completions`, streamed as server-sent events with the usage chunk last. One
/// shared `HTTPClient` (its connection pool) serves every request.
public struct OpenAICompatibleProvider: InferenceProvider {
    public let endpoint: InferenceEndpoint
    public let settings: OpenAISettings
    let http: HTTPClient

    public var kind: String { "openai-compatible" }
    public var model: String { endpoint.model ?? "(server default)" }

    public init(endpoint: InferenceEndpoint, http: HTTPClient, settings: OpenAISettings = OpenAISettings()) {
        self.endpoint = endpoint
        self.http = http
        self.settings = settings
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        ChunkStream.relaying(self, request)
    }

    /// Reads the endpoint's stream on the HTTP client's event loop (`EventStreamDelegate`) and
    /// hands each chunk to `sink` there; a watchdog beside it enforces the first-token, idle and
    /// total deadlines.
    public func relay(_ request: ChatRequest, to sink: @escaping ChunkSink) async throws {
        let watchdog = StreamWatchdog(settings: settings)
        let http = try wireRequest(request, stream: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.read(http, into: sink, watchdog: watchdog) }
            group.addTask { try await watchdog.watch() }
            try await group.next()
            group.cancelAll()
        }
    }

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        let response = try await send(request, stream: false, deadline: .now() + TimeAmount(settings.total))
        let body = try await collect(response.body, limit: settings.maxOutputCharacters * 4 + 65_536)
        guard response.status == .ok else { throw OpenAIWire.error(status: Int(response.status.code), body: body, model: endpoint.model) }
        guard let c = try? JSONDecoder().decode(OpenAIWire.Completion.self, from: Data(body)) else {
            throw InferenceError.malformed(Self.excerpt(body))
        }
        let text = c.choices.first?.message?.content ?? ""
        if text.count > settings.maxOutputCharacters { throw InferenceError.outputLimit(settings.maxOutputCharacters) }
        return ChatCompletion(text: text, usage: c.usage?.tokenUsage, model: c.model ?? model, finishReason: c.choices.first?.finish_reason)
    }

    // MARK: - Streaming

    private func read(_ request: HTTPClient.Request, into sink: @escaping ChunkSink, watchdog: StreamWatchdog) async throws {
        var retried = false
        while true {
            let delegate = EventStreamDelegate(limit: settings.maxOutputCharacters, sink: sink, watchdog: watchdog, model: endpoint.model)
            let task = http.execute(request: request, delegate: delegate, deadline: .now() + TimeAmount(settings.total))
            do {
                try await withTaskCancellationHandler { try await task.get() } onCancel: { task.cancel() }
                return
            } catch is EventStreamDelegate.Stopped {
                return                                                          // [DONE], or the sink wants no more
            } catch let e as InferenceError {
                throw watchdog.sawText ? Self.interrupted(e) : e
            } catch {
                if Task.isCancelled { throw CancellationError() }
                guard !delegate.answered else {
                    throw watchdog.sawText ? InferenceError.interrupted("\(error)") : InferenceError.connection("\(error)")
                }
                switch error as? HTTPClientError {
                case .some(let e) where e == .remoteConnectionClosed && !retried:
                    // The pooled connection was closed by the server as the request went out — no
                    // answer began. llama.cpp's server (cpp-httplib) closes a keep-alive connection
                    // after a few requests or seconds, sometimes right after a stream ends; the
                    // request goes once more, on a new connection.
                    retried = true
                    continue
                case .some(let e) where e == .connectTimeout: throw InferenceError.timeout(.connect)
                case .some(let e) where e == .deadlineExceeded: throw InferenceError.timeout(.total)
                default: throw InferenceError.connection(String(describing: error))
                }
            }
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

    /// The request of a streamed answer, for the delegate API.
    private func wireRequest(_ request: ChatRequest, stream: Bool) throws -> HTTPClient.Request {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
        if let key = endpoint.apiKey { headers.add(name: "authorization", value: "Bearer \(key)") }
        do {
            return try HTTPClient.Request(url: endpoint.baseURL.absoluteString + "/chat/completions", method: .POST, headers: headers,
                                          body: .byteBuffer(ByteBuffer(bytes: try JSONEncoder().encode(wireBody(request, stream: stream)))))
        } catch let e as InferenceError {
            throw e
        } catch {
            throw InferenceError.connection(String(describing: error))
        }
    }

    private func wireBody(_ request: ChatRequest, stream: Bool) -> OpenAIWire.Request {
        OpenAIWire.Request(
            model: request.model ?? endpoint.model, messages: request.messages, stream: stream,
            stream_options: stream ? .init(include_usage: true) : nil,
            max_completion_tokens: request.maxCompletionTokens, max_tokens: request.maxCompletionTokens,
            temperature: request.temperature, response_format: request.responseFormat)
    }

    private func send(_ request: ChatRequest, stream: Bool, deadline: NIODeadline) async throws -> HTTPClientResponse {
        var r = HTTPClientRequest(url: endpoint.baseURL.absoluteString + "/chat/completions")
        r.method = .POST
        r.headers.add(name: "content-type", value: "application/json")
        r.headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
        if let key = endpoint.apiKey { r.headers.add(name: "authorization", value: "Bearer \(key)") }
        r.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(wireBody(request, stream: stream))))
        do {
            do {
                return try await http.execute(r, deadline: deadline)
            } catch let e as HTTPClientError where e == .remoteConnectionClosed {
                // The pooled connection was closed by the server as the request went out — no
                // answer began. llama.cpp's server (cpp-httplib) closes a keep-alive connection after
                // a few requests or seconds, sometimes right after a stream ends; the request goes
                // once more, on a new connection.
                return try await http.execute(r, deadline: deadline)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch let e as HTTPClientError where e == .connectTimeout {
            throw InferenceError.timeout(.connect)
        } catch let e as HTTPClientError where e == .deadlineExceeded {
            throw InferenceError.timeout(.total)
        } catch {
            throw InferenceError.connection(String(describing: error))
        }
    }

    private func collect(_ body: HTTPClientResponse.Body, limit: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await buffer in body {
            out.append(contentsOf: buffer.readableBytesView.prefix(max(0, limit - out.count)))
            if out.count >= limit { break }
        }
        return out
    }

    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(120), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("<") { return "an HTML page" }
        return text.isEmpty ? "an empty body" : "'\(text)'"
    }
}

extension TimeAmount {
    init(_ d: Duration) {
        let (s, atto) = d.components
        self = .nanoseconds(s * 1_000_000_000 + atto / 1_000_000_000)
    }
}
