import FluentKit
import Foundation
import Persistence
import QianxueCore

extension AssessmentService {
    /// Removes a student's assessment attempts and every answer in them, in `db` (the caller's
    /// transaction). The literacy rollup keeps the result it counted (a count per level, no
    /// names), so the regional reports read as before; `qianxue reports rebuild`, which counts
    /// from the attempts, would no longer find it.
    public func eraseStudent(_ id: UUID, on db: any Database) async throws -> [ErasedRecords] {
        let attempts = try await AttemptModel.query(on: db).filter(\.$studentID == id).all().compactMap(\.id)
        let responses = attempts.isEmpty ? 0 : try await ResponseModel.query(on: db).filter(\.$attemptID ~~ attempts).deleteCounted()
        let removed = try await AttemptModel.query(on: db).filter(\.$studentID == id).deleteCounted()
        self.attempts.forget(student: id)
        return [
            ErasedRecords("assessmentAttempts", count: removed),
            ErasedRecords("assessmentResponses", count: responses),
        ]
    }
}
