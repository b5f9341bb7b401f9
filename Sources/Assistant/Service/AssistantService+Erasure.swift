import FluentKit
import Foundation
import Persistence
import QianxueCore

extension AssistantService {
    /// What a student's erasure removed from the assistant, and the quiz submissions it removed.
    public struct Erasure: Sendable {
        public let records: [ErasedRecords]
        public let submissionIDs: [UUID]
    }

    /// Removes a student's quiz submissions and the feedback their teachers drafted on them (a
    /// draft whose subject is one of the student's companion sessions, `sessionIDs`, or one of
    /// their submissions), with every version of those drafts, in `db` (the caller's transaction).
    /// Lesson plans and quizzes written for the class name no student and stay.
    public func eraseStudent(_ id: UUID, sessionIDs: [UUID], on db: any Database) async throws -> Erasure {
        let submissions = try await QuizSubmissionModel.query(on: db).filter(\.$studentID == id).all().compactMap(\.id)
        let subjects = sessionIDs + submissions
        var drafts = 0, versions = 0
        if !subjects.isEmpty {
            let ids = try await DraftModel.query(on: db).filter(\.$subjectID ~~ subjects.map(Optional.some)).all().compactMap(\.id)
            if !ids.isEmpty {
                versions = try await DraftVersionModel.query(on: db).filter(\.$draftID ~~ ids).deleteCounted()
                drafts = try await DraftModel.query(on: db).filter(\.$id ~~ ids).deleteCounted()
            }
        }
        let removed = try await QuizSubmissionModel.query(on: db).filter(\.$studentID == id).deleteCounted()
        return Erasure(records: [
            ErasedRecords("quizSubmissions", count: removed),
            ErasedRecords("feedbackDrafts", count: drafts),
            ErasedRecords("feedbackDraftVersions", count: versions),
        ], submissionIDs: submissions)
    }
}
