import Assessment
import Assistant
import Companion
import Curriculum
import Foundation
import Inference
import OpenAPIRuntime
import Persistence
import QianxueAPI
import QianxueCore
import Registry
import Reports

/// Implements the generated `APIProtocol`: maps API types to service calls and back. Each concern
/// lives in its own `APIHandler+Concern.swift`.
/// A class, not a struct: the generated server copies its handler into every request's work, and
/// a dozen service references copied (and retained) per request showed in the profile (issue 5).
final class APIHandler: APIProtocol {
    let database: DatabaseStack
    let accounts: AccountService
    let registry: RegistryService
    let curriculum: CurriculumService
    let audit: AuditLog
    let metrics: GatewayMetrics
    let inference: InferenceRuntime
    let companion: CompanionService
    let assessment: AssessmentService
    let assistant: AssistantService
    let reports: ReportsService
    let contract: ContractDocuments

    init(database: DatabaseStack, accounts: AccountService, registry: RegistryService, curriculum: CurriculumService,
         audit: AuditLog, metrics: GatewayMetrics, inference: InferenceRuntime, companion: CompanionService,
         assessment: AssessmentService, assistant: AssistantService, reports: ReportsService, contract: ContractDocuments) {
        self.database = database
        self.accounts = accounts
        self.registry = registry
        self.curriculum = curriculum
        self.audit = audit
        self.metrics = metrics
        self.inference = inference
        self.companion = companion
        self.assessment = assessment
        self.assistant = assistant
        self.reports = reports
        self.contract = contract
    }
}

/// Parses a path or query UUID, answering 400 naming the parameter when it is not one.
func parseUUID(_ text: String, field: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else {
        throw AppError.validation("\(field) '\(text)' is not a UUID", field: field)
    }
    return id
}

extension Components.Schemas.User {
    init(_ u: UserRecord) {
        self.init(
            id: u.id.uuidString.lowercased(), username: u.username, displayName: u.displayName,
            role: Components.Schemas.Role(rawValue: u.role.rawValue)!,
            schoolId: u.schoolID?.uuidString.lowercased(), regionCode: u.regionCode?.rawValue ?? u.functionalArea,
            grade: u.grade?.rawValue, band: u.grade.flatMap { Components.Schemas.GradeBand(rawValue: $0.band.rawValue) },
            createdAt: u.createdAt)
    }
}
