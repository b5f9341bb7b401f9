import FluentKit
import Foundation
import Persistence
import QianxueCore

extension CompanionService {
    /// What a student's erasure removed from the companion, and the sessions it removed (the
    /// assistant's feedback drafts on them go too).
    public struct Erasure: Sendable {
        public let records: [ErasedRecords]
        public let sessionIDs: [UUID]
    }

    /// Removes everything the companion holds of a student, in `db` (the caller's transaction):
    /// their sessions and every message in them, their safety flags, guardian consents (withdrawn
    /// ones too: they name who recorded them for this child) and daily companion use. The
    /// regional usage figures live in the report rollups and stay.
    public func eraseStudent(_ id: UUID, on db: any Database) async throws -> Erasure {
        let sessions = try await SessionModel.query(on: db).filter(\.$studentID == id).all().compactMap(\.id)
        let flags = try await FlagModel.query(on: db).filter(\.$studentID == id).deleteCounted()
        let messages = sessions.isEmpty ? 0 : try await MessageModel.query(on: db).filter(\.$sessionID ~~ sessions).deleteCounted()
        let removedSessions = try await SessionModel.query(on: db).filter(\.$studentID == id).deleteCounted()
        let consents = try await ConsentModel.query(on: db).filter(\.$studentID == id).deleteCounted()
        let usage = try await UsageModel.query(on: db).filter(\.$studentID == id).deleteCounted()
        return Erasure(records: [
            ErasedRecords("companionSessions", count: removedSessions),
            ErasedRecords("companionMessages", count: messages),
            ErasedRecords("safetyFlags", count: flags),
            ErasedRecords("guardianConsents", count: consents),
            ErasedRecords("companionUsageDays", count: usage),
        ], sessionIDs: sessions)
    }
}
