import Foundation
import Inference
import QianxueCore
import Registry

/// The rules for a student's own words on their way to a model — the companion's turns, and the
/// teacher assistant's feedback and score suggestions alike.
extension CompanionService {
    /// The names the inference path keeps from the model: the student (`[本人]`), their classmates
    /// and teachers, in one order on every call (so a conversation keeps its placeholders).
    public func namesToRedact(forStudent id: UUID, classes: Set<UUID>? = nil) async throws -> [NameToRedact] {
        let ofClasses: Set<UUID>
        if let classes { ofClasses = classes } else { ofClasses = try await registry.classIDs(of: id) }
        return Self.namesToRedact(forStudent: id, members: try await registry.memberNames(ofClasses: ofClasses))
    }

    /// The same, from the members of the student's classes already read.
    static func namesToRedact(forStudent id: UUID, members: [(id: UUID, name: String, role: Role)]) -> [NameToRedact] {
        members.map { member in
            NameToRedact(name: member.name, role: member.id == id ? .student : member.role == .teacher ? .teacher : .classmate)
        }
    }

    /// Under the consent age a student's words go to a model only with a guardian's consent on record
    /// (403 `consent-required` otherwise, before anything is sent).
    public func requireConsentForModel(_ student: UserRecord, at instant: Date) async throws {
        let age = PolicyContext.age(birthDate: student.birthDate, at: instant)
        if policy.needsConsent(age: age), try await consent(of: student.id) == nil {
            throw AppError(.consentRequired, "this student is under \(policy.consentAge) and has no recorded guardian consent: their words may not go to the AI")
        }
    }
}
