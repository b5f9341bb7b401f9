import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Accepts a sane `X-Request-Id` or makes one, puts it in every log line and echoes it.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = request.headers[.requestID].flatMap(Self.accept) ?? UUID().uuidString.lowercased()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }

    /// 1–128 characters of letters, digits, `-`, `_`, `.`, `:`; anything else is replaced.
    static func accept(_ s: String) -> String? {
        guard (1...128).contains(s.count),
              s.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.:".unicodeScalars.contains($0) })
        else { return nil }
        return s
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
