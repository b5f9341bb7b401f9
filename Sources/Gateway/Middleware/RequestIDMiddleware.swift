import Foundation
import HTTPTypes
import Hummingbird
import Logging
import QianxueCore

/// Accepts a sane `X-Request-Id` or makes one, puts it in every log line and echoes it.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = request.headers[.requestID].flatMap(Self.accept) ?? Self.generate()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }

    /// A random (version 4) UUID in lower case. Foundation's `UUID()` opens /dev/urandom on every
    /// call on Linux; the system generator (getrandom) does not.
    static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = (rng.next() as UInt64, rng.next() as UInt64)
        bytes.0 = (bytes.0 & ~(0xF << 12)) | (0x4 << 12)          // version 4 (big-endian layout below)
        bytes.1 = (bytes.1 & ~(0x3 << 62)) | (0x2 << 62)          // RFC 4122 variant
        let hi = bytes.0.bigEndian, lo = bytes.1.bigEndian
        let raw = withUnsafeBytes(of: hi) { Array($0) } + withUnsafeBytes(of: lo) { Array($0) }
        var hex = Array(Digest.hex(raw).utf8)
        for index in [8, 13, 18, 23] { hex.insert(UInt8(ascii: "-"), at: index) }
        return String(decoding: hex, as: UTF8.self)
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
