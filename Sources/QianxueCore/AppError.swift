import Foundation

/// The problem-type catalogue of the API (DESIGN.md §5). The raw value is the stable `type` slug;
/// the problem document's `type` URI is `https://qianxue.dev/problems/<slug>`.
public enum ProblemType: String, Sendable, CaseIterable {
    case validation
    case unauthenticated
    case forbidden
    case notFound = "not-found"
    case methodNotAllowed = "method-not-allowed"
    case conflict
    case preconditionFailed = "precondition-failed"
    case preconditionRequired = "precondition-required"
    case payloadTooLarge = "payload-too-large"
    case unsupportedMediaType = "unsupported-media-type"
    case idempotencyMismatch = "idempotency-mismatch"
    case rateLimited = "rate-limited"
    case quotaExceeded = "quota-exceeded"
    case usageLimitReached = "usage-limit-reached"
    case consentRequired = "consent-required"
    case examLocked = "exam-locked"
    case classModeRequired = "class-mode-required"
    case overloaded
    case inferenceUnavailable = "inference-unavailable"
    case databaseUnavailable = "database-unavailable"
    /// What the request names existed and was removed for good (a student's data erased).
    case gone
    case `internal`

    /// The HTTP status a problem of this type answers with.
    public var status: Int {
        switch self {
        case .validation: return 400
        case .unauthenticated: return 401
        case .forbidden, .consentRequired, .classModeRequired: return 403
        case .notFound: return 404
        case .methodNotAllowed: return 405
        case .conflict: return 409
        case .preconditionFailed: return 412
        case .preconditionRequired: return 428
        case .payloadTooLarge: return 413
        case .unsupportedMediaType: return 415
        case .idempotencyMismatch: return 422
        case .gone: return 410
        case .examLocked: return 423
        case .rateLimited, .quotaExceeded, .usageLimitReached: return 429
        case .overloaded, .inferenceUnavailable, .databaseUnavailable: return 503
        case .internal: return 500
        }
    }

    /// A short human title, the problem document's `title`.
    public var title: String {
        switch self {
        case .validation: return "The request is not valid"
        case .unauthenticated: return "Sign-in required"
        case .forbidden: return "Not allowed for your role"
        case .notFound: return "Not found"
        case .methodNotAllowed: return "Method not allowed"
        case .conflict: return "Conflict"
        case .preconditionFailed: return "Precondition failed"
        case .preconditionRequired: return "If-Match required"
        case .payloadTooLarge: return "Request body too large"
        case .unsupportedMediaType: return "Unsupported media type"
        case .idempotencyMismatch: return "Idempotency key reused with a different request"
        case .rateLimited: return "Too many requests"
        case .quotaExceeded: return "Quota exceeded"
        case .usageLimitReached: return "Daily usage limit reached"
        case .consentRequired: return "Guardian consent required"
        case .examLocked: return "Locked during an exam"
        case .classModeRequired: return "Class mode required"
        case .overloaded: return "Service overloaded"
        case .inferenceUnavailable: return "AI service unavailable"
        case .databaseUnavailable: return "Database unavailable"
        case .gone: return "Gone"
        case .internal: return "Internal error"
        }
    }

    public var uri: String { "https://qianxue.dev/problems/\(rawValue)" }
}

/// One problem at one place of a batch: a file, a line, a column.
public struct ProblemIssue: Sendable, Hashable {
    public let file: String
    public let line: Int?
    public let column: String?
    public let reason: String

    public init(file: String, line: Int?, column: String?, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }
}

/// A domain error that maps one-to-one onto an RFC 9457 problem document.
public struct AppError: Error, Sendable, CustomStringConvertible {
    public var type: ProblemType
    public var detail: String
    /// Seconds the client should wait before retrying (429/503).
    public var retryAfter: Int?
    /// Names of the offending fields or parameters, when known.
    public var fields: [String]
    /// Every problem of a refused batch (an import), each at its place.
    public var issues: [ProblemIssue] = []

    public init(_ type: ProblemType, _ detail: String, retryAfter: Int? = nil, fields: [String] = []) {
        self.type = type
        self.detail = detail
        self.retryAfter = retryAfter
        self.fields = fields
    }

    public var description: String { "\(type.rawValue): \(detail)" }

    public static func validation(_ detail: String, field: String? = nil) -> AppError {
        AppError(.validation, detail, fields: field.map { [$0] } ?? [])
    }
    public static func notFound(_ what: String) -> AppError { AppError(.notFound, "\(what) was not found") }
    public static func forbidden(_ detail: String) -> AppError { AppError(.forbidden, detail) }
    public static func unauthenticated(_ detail: String) -> AppError { AppError(.unauthenticated, detail) }
    public static func conflict(_ detail: String) -> AppError { AppError(.conflict, detail) }
}
