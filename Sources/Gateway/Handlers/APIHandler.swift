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
struct APIHandler: APIProtocol {
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
