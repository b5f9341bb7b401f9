import FluentKit
import Foundation
import QianxueCore
import Registry

/// What one student did with the companion inside an assignment.
public struct StudentActivity: Sendable, Hashable {
    public let studentID: UUID
    public let name: String
    public let sessions: Int
    public let firstOpenedAt: Date?
    /// Messages the student sent.
    public let messages: Int
    /// Replies of the companion in the assignment's sessions: in an assignment it gives hints, never the answer.
    public let hintsUsed: Int
    /// Active minutes (DESIGN.md §4), counted by the same rule as the daily usage meter.
    public let minutes: Int
    public let flags: Int
    public let openFlags: Int
}

extension CompanionService {
    /// Per student of the assignment's class, their sessions, messages, hints and active minutes in
    /// it, and the safety flags its sessions raised (its class's teachers, school admins).
    public func activity(in assignmentID: UUID, for p: Principal) async throws -> (assignment: AssignmentRecord, students: [StudentActivity]) {
        let a = try await assignment(assignmentID, for: p)
        let students = try await registry.members(ofClasses: [a.classID], role: .student)
        let names = try await registry.displayNames(students)
        let sessions = try await SessionModel.query(on: database.db).filter(\.$assignmentID == a.id).all()
        let sessionIDs = sessions.compactMap(\.id)
        let messages = sessionIDs.isEmpty ? [] : try await MessageModel.query(on: database.db).filter(\.$sessionID ~~ sessionIDs).all()
        let flags = sessionIDs.isEmpty ? [] : try await FlagModel.query(on: database.db).filter(\.$sessionID ~~ sessionIDs).all()
        let owner = Dictionary(sessions.map { ($0.id!, $0.studentID) }, uniquingKeysWith: { a, _ in a })
        let rows = students.map { s -> StudentActivity in
            let mine = sessions.filter { $0.studentID == s }
            let said = messages.filter { owner[$0.sessionID] == s }
            let sent = said.filter { $0.role == MessageRecord.Role.student.rawValue }
            let raised = flags.filter { $0.studentID == s }
            return StudentActivity(
                studentID: s, name: names[s] ?? "", sessions: mine.count, firstOpenedAt: mine.map(\.createdAt).min(),
                messages: sent.count, hintsUsed: said.filter { $0.role == MessageRecord.Role.companion.rawValue }.count,
                minutes: UsageMeter.activeMinutes(sent.map(\.createdAt)), flags: raised.count,
                openFlags: raised.filter { $0.status == StudentFlagRecord.Status.open.rawValue }.count)
        }
        return (a, rows.sorted { ($0.name, $0.studentID.uuidString) < ($1.name, $1.studentID.uuidString) })
    }
}
