import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
@_spi(Generated) import OpenAPIRuntime
import QianxueAPI
import QianxueCore
import Registry
import Synchronization

/// The two most frequent authenticated reads, `GET /v1/me` and `GET /v1/regions/{code}`, answered
/// from bytes that the generated server's own converter encoded once, instead of through the
/// generated server on every request (its request conversion and Foundation's `JSONEncoder` cost
/// more than the rest of the request). Only the plain success is served here: no caller, an
/// `Accept` the generated server would refuse, a code that is not a known region — all go on to
/// the generated handler, which answers them as before. Everything around the handler (request id,
/// limits, authentication, security headers, access log, metrics) is the gateway pipeline's, as
/// for every other route. A class: the pipeline holds it, and a struct of this size was copied
/// (and its references retained) on every request.
final class HotReads: Sendable {
    /// A success answer: its headers (the content type) and body.
    struct Answer: Sendable {
        let headers: HTTPFields
        let body: ByteBuffer

        var response: Response { Response(status: .ok, headers: headers, body: .init(byteBuffer: body)) }
    }

    static let meRoute = "/v1/me"
    static let regionRoute = "/v1/regions/{code}"

    private let handler: APIHandler
    private let converter: Converter
    /// Regions change only with a new seed, never while the server runs (the directory is read once
    /// at start), so a region's answer, once encoded, is kept for the life of the process.
    private let regions = Answers<String, String>()
    /// Each user's own record as last answered; reused while the record is the same.
    private let users = Answers<UUID, UserRecord>()

    init(handler: APIHandler, configuration: Configuration) {
        self.handler = handler
        converter = Converter(configuration: configuration)
    }

    /// The answer to a hot read, or nil for the generated handler to answer.
    func answer(_ request: Request, context: AppRequestContext, caller: Caller?) async -> Response? {
        guard request.method == .get, let caller, let route = context.endpointPath else { return nil }
        switch route {
        case Self.meRoute:
            guard accepts(request.headers, Operations.GetMe.AcceptableContentType.self) else { return nil }
            let user = caller.user
            return await answer(users, key: user, id: user.id) { Components.Schemas.User(user) }
        case Self.regionRoute:
            guard let code = context.parameters.get("code"), let region = RegionCode(code).flatMap(handler.registry.regions.region),
                  region.code.rawValue == code, accepts(request.headers, Operations.GetRegion.AcceptableContentType.self)
            else { return nil }
            return await answer(regions, key: code, id: code) { handler.regionNode(region) }
        default:
            return nil
        }
    }

    private func answer<ID, Key>(_ answers: Answers<ID, Key>, key: Key, id: ID, value: () -> some Encodable) async -> Response? {
        if let hit = answers.answer(id: id, key: key) { return hit.response }
        guard let encoded = try? await Self.encode(value(), converter: converter) else { return nil }
        answers.keep(encoded, id: id, key: key)
        return encoded.response
    }

    /// Whether the generated server would accept the request's `Accept` for a JSON answer (it
    /// parses the header when it decodes the input, then checks it against the answer's type).
    private func accepts<T: AcceptableProtocol>(_ headers: HTTPFields, _: T.Type) -> Bool {
        guard headers[.accept] != nil else { return true }
        do {
            let _: [AcceptHeaderContentType<T>] = try converter.extractAcceptHeaderIfPresent(in: headers)
            try converter.validateAcceptIfPresent("application/json", in: headers)
            return true
        } catch {
            return false
        }
    }

    /// Encodes a body exactly as the generated serializer does for a `200` JSON answer.
    static func encode(_ value: some Encodable, converter: Converter) async throws -> Answer {
        var headers = HTTPFields()
        let body = try converter.setResponseBodyAsJSON(value, headerFields: &headers, contentType: "application/json; charset=utf-8")
        let bytes = try await [UInt8](collecting: body, upTo: .max)
        return Answer(headers: headers, body: ByteBuffer(bytes: bytes))
    }
}

/// Encoded answers by id, each valid for the exact value (`key`) it was encoded from: a user whose
/// record changed (role, name, grade, school…) misses and is encoded afresh.
private final class Answers<ID: Hashable & Sendable, Key: Equatable & Sendable>: Sendable {
    private let entries = Mutex<[ID: (key: Key, answer: HotReads.Answer)]>([:])
    private let capacity = 20_000

    func answer(id: ID, key: Key) -> HotReads.Answer? {
        entries.withLock { e in
            guard let hit = e[id], hit.key == key else { return nil }
            return hit.answer
        }
    }

    func keep(_ answer: HotReads.Answer, id: ID, key: Key) {
        entries.withLock { e in
            if e.count >= capacity { e.removeAll(keepingCapacity: true) }
            e[id] = (key, answer)
        }
    }
}
