import Foundation
import Inference
import QianxueAPI
import QianxueCore

extension APIHandler {
    /// The budgets the inference path checks (one instance: its cache sees changes made here at once).
    var quotas: InferenceQuotas { inference.service.quotas ?? InferenceQuotas(database: database) }

    func listInferenceQuotas(_ input: Operations.ListInferenceQuotas.Input) async throws -> Operations.ListInferenceQuotas.Output {
        try RequestScope.caller().require(.admin, to: "read inference budgets")
        let items = try await quotas.list(day: PlatformCalendar.day(of: Date()))
        return .ok(.init(body: .json(.init(items: items.map { Components.Schemas.InferenceQuota($0.scope, $0.dailyTokens, $0.usedToday) }))))
    }

    func setSchoolInferenceQuota(_ input: Operations.SetSchoolInferenceQuota.Input) async throws -> Operations.SetSchoolInferenceQuota.Output {
        try RequestScope.caller().require(.admin, to: "set inference budgets")
        let id = try parseUUID(input.path.id, field: "id")
        guard try await registry.school(id) != nil else { throw AppError.notFound("school \(id)") }
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the budget as JSON") }
        return .ok(.init(body: .json(try await setQuota(.school(id), b.dailyTokens))))
    }

    func removeSchoolInferenceQuota(_ input: Operations.RemoveSchoolInferenceQuota.Input) async throws -> Operations.RemoveSchoolInferenceQuota.Output {
        try RequestScope.caller().require(.admin, to: "remove inference budgets")
        try await quotas.set(.school(try parseUUID(input.path.id, field: "id")), dailyTokens: nil)
        return .noContent(.init())
    }

    func setCountyInferenceQuota(_ input: Operations.SetCountyInferenceQuota.Input) async throws -> Operations.SetCountyInferenceQuota.Output {
        try RequestScope.caller().require(.admin, to: "set inference budgets")
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the budget as JSON") }
        return .ok(.init(body: .json(try await setQuota(.county(try county(input.path.code)), b.dailyTokens))))
    }

    func removeCountyInferenceQuota(_ input: Operations.RemoveCountyInferenceQuota.Input) async throws -> Operations.RemoveCountyInferenceQuota.Output {
        try RequestScope.caller().require(.admin, to: "remove inference budgets")
        try await quotas.set(.county(try county(input.path.code)), dailyTokens: nil)
        return .noContent(.init())
    }

    private func county(_ text: String) throws -> String {
        guard let code = RegionCode(text), code.level == .county else {
            throw AppError.validation("'\(text)' is not a county's GB/T 2260 code (6 digits, e.g. 520302)", field: "code")
        }
        return code.rawValue
    }

    private func setQuota(_ scope: QuotaScope, _ dailyTokens: Int) async throws -> Components.Schemas.InferenceQuota {
        guard dailyTokens >= 0 else { throw AppError.validation("dailyTokens must be 0 or more", field: "dailyTokens") }
        try await quotas.set(scope, dailyTokens: dailyTokens)
        let today = try await quotas.list(day: PlatformCalendar.day(of: Date())).first { $0.scope == scope }
        return .init(scope, dailyTokens, today?.usedToday ?? 0)
    }
}

extension Components.Schemas.InferenceQuota {
    init(_ scope: QuotaScope, _ dailyTokens: Int, _ used: Int) {
        switch scope {
        case .school(let id): self.init(scope: .school, id: id.uuidString.lowercased(), dailyTokens: dailyTokens, usedToday: used)
        case .county(let code): self.init(scope: .county, id: code, dailyTokens: dailyTokens, usedToday: used)
        }
    }
}
