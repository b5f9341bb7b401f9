import HTTPTypes

/// Headers every answer carries: browsers must not guess content types, frame our pages or send
/// our addresses on as referrers, and nothing that answers for a signed-in caller — a pupil's
/// messages, a report — may be kept by a shared cache. No `Server` header names what we run on.
enum SecurityHeaders {
    /// Paths whose answers are public and the same for everyone, which caches may keep.
    static let cacheable: Set<String> = ["/openapi.yaml", "/docs"]

    static func apply(to headers: inout HTTPFields, path: String) {
        headers[.xContentTypeOptions] = "nosniff"
        headers[.xFrameOptions] = "DENY"
        headers[.referrerPolicy] = "no-referrer"
        if headers[.cacheControl] == nil, !cacheable.contains(path) {
            headers[.cacheControl] = "no-store"
        }
        headers[.server] = nil
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
