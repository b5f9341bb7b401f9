/// How a domain module reaches an endpoint outside the platform — the inference endpoint, the
/// moderation endpoint, the alert webhook — without knowing HTTP: one request goes out and its
/// answer comes back in pieces. Gateway implements it (`HTTPOutboundTransport`: SwiftNIO's HTTP/1
/// codec for `http://`, AsyncHTTPClient for `https://`, connections kept for reuse) and hands it to
/// the modules that need it; only Gateway knows HTTP.
public protocol OutboundTransport: Sendable {
    /// Sends `request` and hands its answer to `receiver`: `head` once, then the body in pieces, in
    /// order, then `end` — one call at a time, possibly on a thread of the transport's own. Returns
    /// when the answer has ended, or early when `receiver` wants no more (the connection is then
    /// closed, or kept if the answer's end follows at once). A connection closed before any
    /// answer began is tried once more on a new one. What `receiver` throws is rethrown unchanged; the transport's own failures are
    /// `OutboundError`s, and a cancelled task stops the exchange with `CancellationError`.
    func send(_ request: OutboundRequest, timeout: Duration, to receiver: any OutboundReceiver) async throws
}

/// One request to an outside endpoint.
public struct OutboundRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method
    public var url: String
    /// Header names and values, in order.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(_ method: Method, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// Takes one answer as it arrives. The transport calls it from one thread at a time and never
/// concurrently, so a receiver's state needs no lock.
public protocol OutboundReceiver: AnyObject, Sendable {
    /// The status and the content type (lowercased; empty when the answer named none).
    func head(status: Int, contentType: String) throws
    /// A piece of the body, valid only during the call; false: read no more.
    func body(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Bool
    /// The answer ended (not called when the receiver stopped it early or it failed).
    func end() throws
}

/// Why an exchange failed, as far as the caller needs to know to decide about trying again.
public enum OutboundError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connection closed or was reset before any answer began, also on the transport's second
    /// try on a new connection (servers close idle keep-alive connections as a request goes out).
    case closedBeforeAnswer(String)
    /// No connection within the transport's connect timeout.
    case connectTimeout
    /// The whole exchange took longer than its timeout.
    case timedOut
    /// Could not connect, or the connection broke while the answer came.
    case connection(String)

    public var description: String {
        switch self {
        case .closedBeforeAnswer(let why): return "the connection closed before an answer: \(why)"
        case .connectTimeout: return "no connection within the connect timeout"
        case .timedOut: return "no complete answer within the timeout"
        case .connection(let why): return why
        }
    }
}
