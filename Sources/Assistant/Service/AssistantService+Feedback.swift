import Assessment
import Companion
import FluentKit
import Foundation
import Inference
import Persistence
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
        try await companion.requireConsentForModel(student, at: now())
        let page = try await companion.messages(of: session, page: try PageQuery(size: 200))
        let lines = page.items.filter { $0.role != .notice }.map { m in
            (m.role == .student ? "学生：" : "学伴：") + String(m.content.prefix(600))
        }
        guard !lines.isEmpty else { throw AppError.conflict("session \(id) has no messages to give feedback on") }
        var text = ""
        for line in lines.reversed() where text.count + line.count < 6_000 { text = line + "\n" + text }
        return ("学生和学伴的对话：\n" + text, try await companion.namesToRedact(forStudent: student.id))
    }

    /// A student's quiz answers for a feedback draft, under the same rules: only a submission to an
    /// assignment of a class the caller teaches (the read is audited with its purpose), only with
    /// a guardian's consent under the consent age, names redacted. The model reads each item, its
    /// key and rationale, and the student's choice; the score stays the one the key gave.
    func feedbackAnswers(_ new: NewDraft, brief: Brief, by p: Principal) async throws -> (text: String, names: [NameToRedact]) {
        guard let id = new.submissionID else { throw AppError.validation("give submissionId", field: "submissionId") }
        let none = AppError.validation("there is no quiz submission \(id) of a student you teach", field: "submissionId")
        guard let m = try await QuizSubmissionModel.find(id, on: database.db) else { throw none }
        let assignment: AssignmentRecord
        do { assignment = try await companion.assignment(m.assignmentID, for: p) } catch let e as AppError where e.type == .notFound { throw none }
        guard assignment.lessonSlug == brief.lesson.slug else {
            throw AppError.validation("submission \(id) is on lesson '\(assignment.lessonSlug)', not '\(brief.lesson.slug)'", field: "lessonSlug")
        }
        guard let student = try await registry.user(m.studentID) else { throw AppError.notFound("student \(m.studentID)") }
        try await companion.requireConsentForModel(student, at: now())
        guard let quizModel = try await DraftModel.find(m.quizID, on: database.db) else { throw AppError.notFound("quiz \(m.quizID)") }
        let quiz = DraftRecord(quizModel)
        try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "assistant.quiz-answers.read", targetType: "quiz-submission",
                                          targetID: id.uuidString, purpose: "teacher-assistant feedback draft",
                                          detail: "student \(student.id), assignment \(assignment.id)"))
        let result = Self.result(m, quiz: quiz)
        var text = "学生的小测验作答（得分 \(m.score)/\(m.maxScore)，由答案自动判定）：\n"
        for (i, item) in (quiz.liveItems ?? []).enumerated() {
            let mine = result.items.first { $0.itemID == item.id }
            text += "\(i + 1).（\(item.type == .multiple ? "多选，全部选对才得分" : "单选")）\(item.stem)\n"
            text += item.options.map { "\($0.id). \($0.text)" }.joined(separator: "  ") + "\n"
            let chosen = mine?.choices ?? []
            text += "正确答案：\(item.keys.joined(separator: "、"))；学生的答案：\(chosen.isEmpty ? "未作答" : chosen.joined(separator: "、"))"
                + "（\(mine?.correct == true ? "对" : "错")）\n解析：\(item.rationale)\n"
        }
        return (String(text.prefix(6_000)), try await companion.namesToRedact(forStudent: student.id))
    }
}
