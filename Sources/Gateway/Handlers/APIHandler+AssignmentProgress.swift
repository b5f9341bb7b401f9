import Assistant
import Companion
import Foundation
import QianxueAPI
import QianxueCore

extension APIHandler {
    func getAssignment(_ input: Operations.GetAssignment.Input) async throws -> Operations.GetAssignment.Output {
        let a = try await companion.assignment(try parseUUID(input.path.id, field: "id"), for: RequestScope.caller())
        return .ok(.init(body: .json(.init(a, lessonTitle: companion.lessonTitle(a.lessonSlug)))))
    }

    func editAssignment(_ input: Operations.EditAssignment.Input) async throws -> Operations.EditAssignment.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the changes as JSON") }
        let caller = try RequestScope.caller()
        let id = try parseUUID(input.path.id, field: "id")
        let current = try await companion.assignment(id, for: caller)
        let quiz = try await b.quizId.asyncFlatMap {
            try await assistant.quizForAssignment(try parseUUID($0, field: "quizId"), lessonSlug: current.lessonSlug, by: caller)
        }
        let a = try await companion.editAssignment(id, AssignmentChanges(companionMode: b.companionMode.map(CompanionMode.init), dueAt: b.dueAt,
                                                                         note: b.note, quizID: quiz), by: caller)
        return .ok(.init(body: .json(.init(a, lessonTitle: companion.lessonTitle(a.lessonSlug)))))
    }

    func withdrawAssignment(_ input: Operations.WithdrawAssignment.Input) async throws -> Operations.WithdrawAssignment.Output {
        let a = try await companion.withdrawAssignment(try parseUUID(input.path.id, field: "id"), by: RequestScope.caller())
        return .ok(.init(body: .json(.init(a, lessonTitle: companion.lessonTitle(a.lessonSlug)))))
    }

    func getAssignmentProgress(_ input: Operations.GetAssignmentProgress.Input) async throws -> Operations.GetAssignmentProgress.Output {
        let caller = try RequestScope.caller()
        let (a, students) = try await companion.activity(in: try parseUUID(input.path.id, field: "id"), for: caller)
        let className = try await registry.classTaught(a.classID, by: caller).name
        let scores = try await assistant.quizScores(a.id)
        try await auditStaffAccess("assignment.progress.read", targetType: "assignment", targetID: a.id.uuidString, purpose: "class progress",
                                   detail: "class=\(a.classID.uuidString) students=\(students.count)")
        let now = Date()
        let rows = students.map { s -> Components.Schemas.StudentProgress in
            let quiz = scores[s.studentID]
            var reasons: [String] = []
            if s.openFlags > 0 { reasons.append("open safety flag") }
            if let q = quiz, q.maxScore > 0, Double(q.score) / Double(q.maxScore) < 0.6 { reasons.append("quiz score under 60%") }
            if s.sessions == 0, let due = a.dueAt, due.timeIntervalSince(now) < 86_400 { reasons.append(due < now ? "not opened, past due" : "not opened, due within a day") }
            return .init(studentId: s.studentID.uuidString.lowercased(), name: s.name, opened: s.sessions > 0, firstOpenedAt: s.firstOpenedAt,
                         sessions: s.sessions, minutes: s.minutes, messages: s.messages, hintsUsed: s.hintsUsed, quizScore: quiz?.score,
                         quizMaxScore: quiz?.maxScore, quizSubmissionId: quiz?.id.uuidString.lowercased(), flags: s.flags, openFlags: s.openFlags, atRisk: !reasons.isEmpty,
                         reasons: reasons.isEmpty ? nil : reasons)
        }
        let submitted = rows.compactMap { r in r.quizScore.flatMap { s in r.quizMaxScore.map { Double(s) / Double(max(1, $0)) } } }
        let totals = Components.Schemas.AssignmentProgress.TotalsPayload(
            students: rows.count, opened: rows.filter(\.opened).count, minutes: rows.reduce(0) { $0 + $1.minutes },
            messages: rows.reduce(0) { $0 + $1.messages }, hintsUsed: rows.reduce(0) { $0 + $1.hintsUsed }, quizSubmitted: submitted.count,
            quizAverage: submitted.isEmpty ? nil : submitted.reduce(0, +) / Double(submitted.count),
            flags: rows.reduce(0) { $0 + $1.flags }, atRisk: rows.filter(\.atRisk).count)
        return .ok(.init(body: .json(.init(assignment: .init(a, lessonTitle: companion.lessonTitle(a.lessonSlug), className: className), students: rows, totals: totals))))
    }
}

extension APIHandler {
    func getAssignmentQuiz(_ input: Operations.GetAssignmentQuiz.Input) async throws -> Operations.GetAssignmentQuiz.Output {
        let id = try parseUUID(input.path.id, field: "id")
        let (quiz, result) = try await assistant.studentQuiz(id, by: RequestScope.caller())
        let items = (quiz.liveItems ?? []).map { item in
            Components.Schemas.AssignmentQuiz.ItemsPayloadPayload(id: item.id, _type: item.type == .multiple ? .multiple : .single, stem: item.stem,
                                                                  options: item.options.map(Components.Schemas.QuizOption.init))
        }
        return .ok(.init(body: .json(.init(assignmentId: id.uuidString.lowercased(), quizId: quiz.id.uuidString.lowercased(), title: quiz.title,
                                           items: items, result: result.map(Components.Schemas.QuizResult.init)))))
    }

    func submitQuizAnswers(_ input: Operations.SubmitQuizAnswers.Input) async throws -> Operations.SubmitQuizAnswers.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the answers as JSON") }
        var answers: [String: [String]] = [:]
        for a in b.answers {
            guard let chosen = a.choices ?? a.choice.map({ [$0] }), a.choice == nil || a.choices == nil else {
                throw AppError.validation("answer item \(a.itemId) with choice (single choice) or choices (multiple choice), one of them", field: "answers")
            }
            let set = chosen.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            guard Set(set).count == set.count else { throw AppError.validation("item \(a.itemId) has an option chosen twice", field: "answers") }
            guard answers.updateValue(set, forKey: a.itemId) == nil else {
                throw AppError.validation("item \(a.itemId) is answered twice", field: "answers")
            }
        }
        let result = try await assistant.submitAnswers(try parseUUID(input.path.id, field: "id"), answers: answers, by: RequestScope.caller())
        return .created(.init(body: .json(.init(result))))
    }
}

extension Components.Schemas.QuizResult {
    init(_ r: QuizResult) {
        self.init(assignmentId: r.assignmentID.uuidString.lowercased(), score: r.score, maxScore: r.maxScore, submittedAt: r.submittedAt,
                  items: r.items.map {
                      .init(itemId: $0.itemID, _type: $0.type == .multiple ? .multiple : .single, choice: $0.type == .single ? $0.choices.first : nil,
                            choices: $0.choices, correct: $0.correct, key: $0.type == .single ? $0.keys.first : nil, keys: $0.keys, rationale: $0.rationale)
                  })
    }
}
