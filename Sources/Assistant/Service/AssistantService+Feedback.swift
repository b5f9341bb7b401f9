import Companion
import Foundation
import Inference
import QianxueCore

extension AssistantService {
    /// The student's side of a companion session for a feedback draft, under the companion's rules:
    /// only a session of a student in the teacher's care (the read is audited with its purpose), and
    /// only with a guardian's consent when the student is under the consent age. Names are redacted
    /// by the inference path (the student becomes `[本人]`).
    func feedbackConversation(_ new: NewDraft, brief: Brief, by p: Principal) async throws -> (text: String, names: [NameToRedact]) {
        guard let id = new.sessionID else { throw AppError.validation("give sessionId", field: "sessionId") }
        let session: SessionRecord
        do {
            session = try await companion.session(id, for: p, reason: "teacher-assistant feedback draft")
        } catch let e as AppError where e.type == .notFound {
            throw AppError.validation("there is no companion session \(id) of a student you teach", field: "sessionId")
        }
        guard session.lessonSlug == brief.lesson.slug else {
            throw AppError.validation("session \(id) is on lesson '\(session.lessonSlug)', not '\(brief.lesson.slug)'", field: "lessonSlug")
        }
        guard let student = try await registry.user(session.studentID) else { throw AppError.notFound("student \(session.studentID)") }
        let age = PolicyContext.age(birthDate: student.birthDate, at: now())
        if companion.policy.needsConsent(age: age), try await companion.consent(of: student.id) == nil {
            throw AppError(.consentRequired, "this student is under \(companion.policy.consentAge) and has no recorded guardian consent: their words may not go to the AI")
        }
        let page = try await companion.messages(of: session, page: try PageQuery(size: 200))
        let lines = page.items.filter { $0.role != .notice }.map { m in
            (m.role == .student ? "学生：" : "学伴：") + String(m.content.prefix(600))
        }
        guard !lines.isEmpty else { throw AppError.conflict("session \(id) has no messages to give feedback on") }
        var text = ""
        for line in lines.reversed() where text.count + line.count < 6_000 { text = line + "\n" + text }
        let names = try await registry.memberNames(ofClasses: try await registry.classIDs(of: student.id)).map { m in
            NameToRedact(name: m.name, role: m.id == student.id ? .student : m.role == .teacher ? .teacher : .classmate)
        }
        return (text, names)
    }
}
