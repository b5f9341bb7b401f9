import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import Persistence
import QianxueCore
import Registry

/// Turns any error into an RFC 9457 problem document; nothing else in the gateway writes one.
enum ProblemRenderer {
    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let instance: String?
        let requestId: String
        let fields: [String]?
        let retryAfter: Int?
        let issues: [Issue]?
    }

    struct Issue: Encodable {
        let file: String
        let line: Int?
        let column: String?
        let reason: String
    }

    /// Classifies an error: a domain error keeps its type; request-decoding failures of the generated
    /// server are 4xx validation problems; anything else is a 500 that says nothing of its insides.
    static func appError(from error: any Error) -> AppError {
        if let e = error as? AppError { return e }
        if let e = error as? ImportRefused { return e.appError }
        if let e = InferenceProblems.appError(error) { return e }
        if let e = DatabaseOutage.appError(error) { return e }
        if let e = error as? ServerError {
            if let inner = e.underlyingError as? AppError { return inner }
            if let inner = e.underlyingError as? ImportRefused { return inner.appError }
            if let inner = InferenceProblems.appError(e.underlyingError) { return inner }
            if let inner = DatabaseOutage.appError(e.underlyingError) { return inner }
            let status = Int(e.httpStatus.code)
            if (400..<500).contains(status) {
                let detail = DecodingErrorText.describe(e.underlyingError) ?? "\(e.causeDescription) \(e.underlyingError)"
                let type: ProblemType = status == 415 ? .unsupportedMediaType : status == 404 ? .notFound : .validation
                return AppError(type, detail, fields: DecodingErrorText.fields(e.underlyingError))
            }
            return AppError(.internal, "the server failed to handle this request")
        }
        if let e = error as? DecodingError {
            return AppError(.validation, DecodingErrorText.describe(e) ?? "the body is not valid JSON", fields: DecodingErrorText.fields(e))
        }
        if let e = error as? HTTPError {
            switch e.status.code {
            case 404: return AppError(.notFound, "there is no such route; see /openapi.yaml")
            case 405: return AppError(.methodNotAllowed, "this route does not take that method")
            case 413: return AppError(.payloadTooLarge, "the request body is too large")
            case 400..<500: return AppError(.validation, e.body ?? "the request is not valid")
            default: return AppError(.internal, "the server failed to handle this request")
            }
        }
        return AppError(.internal, "the server failed to handle this request")
    }

    static func response(for error: AppError, requestID: String, path: String?) -> Response {
        let status = error.type.status
        let body = Body(type: error.type.uri, title: error.type.title, status: status, detail: error.detail,
                        instance: path, requestId: requestID, fields: error.fields.isEmpty ? nil : error.fields,
                        retryAfter: error.retryAfter,
                        issues: error.issues.isEmpty ? nil : error.issues.map { Issue(file: $0.file, line: $0.line, column: $0.column, reason: $0.reason) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let r = error.retryAfter { headers[.retryAfter] = String(r) }
        if error.type == .unauthenticated { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Readable sentences for JSON decoding failures, naming the field.
enum DecodingErrorText {
    static func describe(_ error: any Error) -> String? {
        guard let e = error as? DecodingError else { return nil }
        switch e {
        case .keyNotFound(let key, let ctx):
            return "the field '\(path(ctx.codingPath + [key]))' is missing"
        case .typeMismatch(let type, let ctx):
            if ctx.codingPath.isEmpty { return "the body has the wrong type (expected \(typeName(type)))" }
            return "the field '\(path(ctx.codingPath))' has the wrong type (expected \(typeName(type)))"
        case .valueNotFound(let type, let ctx):
            return "the field '\(path(ctx.codingPath))' is null (expected \(typeName(type)))"
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty { return "the body is not valid JSON (an empty body is not JSON either: send {} for no fields)" }
            return "the field '\(path(ctx.codingPath))' has an invalid value: \(ctx.debugDescription)"
        @unknown default:
            return "the body could not be read"
        }
    }

    static func fields(_ error: any Error) -> [String] {
        guard let e = error as? DecodingError else { return [] }
        switch e {
        case .keyNotFound(let key, let ctx): return [path(ctx.codingPath + [key])]
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx):
            return ctx.codingPath.isEmpty ? [] : [path(ctx.codingPath)]
        @unknown default: return []
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return "\(t)".contains("Array") ? "an array" : "an object"
        }
    }
}
