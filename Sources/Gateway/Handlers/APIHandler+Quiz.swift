import Assistant
import Foundation
import QianxueAPI
import QianxueCore

extension APIHandler {
    func getAssignmentQuiz(_ input: Operations.GetAssignmentQuiz.Input) async throws -> Operations.GetAssignmentQuiz.Output {
        let id = try parseUUID(input.path.id, field: "id")
        let (quiz, result) = try await assistant.studentQuiz(id, by: RequestScope.caller())
        let items = (quiz.items ?? []).map { item in
            Components.Schemas.AssignmentQuiz.ItemsPayloadPayload(
                id: item.id, stem: item.stem,
                options: item.options.map { Components.Schemas.QuizOption(id: Components.Schemas.QuizOption.IdPayload(rawValue: $0.id) ?? .a, text: $0.text) })
        }
        return .ok(.init(body: .json(.init(assignmentId: id.uuidString.lowercased(), quizId: quiz.id.uuidString.lowercased(), title: quiz.title,
                                           items: items, result: result.map(Components.Schemas.QuizResult.init)))))
    }

    func submitQuizAnswers(_ input: Operations.SubmitQuizAnswers.Input) async throws -> Operations.SubmitQuizAnswers.Output {
        guard case .json(let b) = input.body else { throw AppError(.unsupportedMediaType, "send the answers as JSON") }
        var answers: [String: String] = [:]
        for a in b.answers {
            guard answers.updateValue(a.choice.uppercased(), forKey: a.itemId) == nil else {
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
                  items: r.items.map { .init(itemId: $0.itemID, choice: $0.choice, correct: $0.correct, key: $0.key, rationale: $0.rationale) })
    }
}
