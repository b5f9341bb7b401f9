/// Why a provider could not answer, typed so that the scheduler can decide to retry, open the
/// breaker or fall back, and the gateway can answer the right problem.
public enum InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Phase: String, Sendable { case connect, firstToken = "first token", idle = "between tokens", total }

    /// The endpoint could not be reached, or the connection broke before any byte of the answer.
    case connection(String)
    case timeout(Phase)
    /// An error answer from the endpoint: its HTTP status and the `{error:{message,type,code}}` body.
    case endpoint(status: Int, message: String, type: String?, code: String?)
    /// The endpoint does not serve this model.
    case unknownModel(String)
    /// The endpoint answered something that is not the OpenAI wire format (HTML, garbage).
    case malformed(String)
    /// The stream broke after text had been sent.
    case interrupted(String)
    /// The answer ran past the output limit and was cut.
    case outputLimit(Int)

    /// Retry only errors that happen before the first byte and that a retry can fix.
    public var isRetryable: Bool {
        switch self {
        case .connection: return true
        case .timeout(let phase): return phase == .connect
        case .endpoint(let status, _, _, _): return status == 429 || status == 502 || status == 503
        default: return false
        }
    }

    /// Counts against the endpoint's health (the circuit breaker): failures of the endpoint, not of the request.
    public var isEndpointFailure: Bool {
        switch self {
        case .connection, .timeout, .malformed, .interrupted: return true
        case .endpoint(let status, _, _, _): return status >= 500 || status == 429
        case .unknownModel, .outputLimit: return false
        }
    }

    public var description: String {
        switch self {
        case .connection(let m): return "the inference endpoint cannot be reached: \(m)"
        case .timeout(let p): return "the inference endpoint timed out (\(p.rawValue))"
        case .endpoint(let s, let m, let t, let c):
            return "the inference endpoint answered \(s): \(m)" + (t.map { " (type \($0)" + (c.map { ", code \($0)" } ?? "") + ")" } ?? "")
        case .unknownModel(let m): return "the inference endpoint does not serve the model \(m)"
        case .malformed(let m): return "the inference endpoint answered something that is not an OpenAI-compatible response: \(m)"
        case .interrupted(let m): return "the answer broke off: \(m)"
        case .outputLimit(let n): return "the answer ran past \(n) characters and was cut"
        }
    }
}
