import Foundation
import Inference
import OpenAPIRuntime
import QianxueAPI

extension APIHandler {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }

    func getReady(_ input: Operations.GetReady.Input) async throws -> Operations.GetReady.Output {
        let reachable = await database.ping()
        let engine: Components.Schemas.Readiness.DatabasePayload.EnginePayload = database.isPostgres ? .postgres : .sqlite
        let body = Components.Schemas.Readiness(
            status: reachable ? .ready : .unavailable,
            database: .init(engine: engine, reachable: reachable),
            inference: .init(provider: inference.endpoint?.baseURL.absoluteString ?? "offline",
                             model: inference.endpoint == nil ? OfflineProvider.modelName : inference.endpoint?.model,
                             state: .init(rawValue: inference.state.rawValue) ?? .unavailable,
                             breaker: inference.breaker.flatMap { .init(rawValue: $0.state.rawValue) }))
        if reachable { return .ok(.init(body: .json(body))) }
        return .serviceUnavailable(.init(headers: .init(retryAfter: 5), body: .json(body)))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        await metrics.updateInference(inference)
        return .ok(.init(body: .plainText(HTTPBody(metrics.exposition()))))
    }

    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws -> Operations.GetOpenAPIDocument.Output {
        .ok(.init(body: .yaml(HTTPBody(contract.yaml))))
    }

    func getDocs(_ input: Operations.GetDocs.Input) async throws -> Operations.GetDocs.Output {
        .ok(.init(body: .html(HTTPBody(contract.html))))
    }
}
