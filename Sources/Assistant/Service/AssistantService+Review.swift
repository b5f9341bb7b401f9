import FluentKit
import Foundation
import Persistence
import QianxueCore

extension AssistantService {
    /// A teacher's edit under `If-Match`: new text and/or quiz items (each validated, each with its
    /// review; an item whose question changed becomes `edited` unless it is removed). The draft
    /// becomes `edited` and a new version is kept; editing an approved draft sends it back for
    /// approval. A published draft is final. One item at a time: `reviewItem`.
    public func edit(_ id: UUID, _ change: DraftEdit, ifMatch: String?, by p: Principal) async throws -> DraftRecord {
        let m = try await editable(id, by: p, to: "edit")
        try Self.check(ifMatch, m)
        guard change.content != nil || change.items != nil else {
            throw AppError.validation("send content or items to change", field: "content")
        }
        try move(m, to: .edited)
        if let content = change.content {
            guard !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, content.count <= Self.maxContent else {
                throw AppError.validation("content is 1 to \(Self.maxContent) characters", field: "content")
            }
            m.content = content
        }
        if let items = change.items {
            guard m.kind == DraftKind.quiz.rawValue else { throw AppError.validation("only a quiz has items", field: "items") }
            guard Self.itemCounts.contains(items.count) else {
                throw AppError.validation("a quiz has \(Self.itemCounts.lowerBound) to \(Self.itemCounts.upperBound) items", field: "items")
            }
            let problems = items.enumerated().flatMap { QuizValidator.problems(of: $1, number: $0 + 1) }
                + (Set(items.map(\.id)).count == items.count ? [] : ["item ids must be different"])
            guard problems.isEmpty else { throw AppError.validation(problems.joined(separator: "; "), field: "items") }
            let band = GradeBand(rawValue: m.band) ?? .junior
            let stored = QuizItem.decode(m.items ?? "[]") ?? []
            let reviewed = items.map { new -> QuizItem in
                var i = new
                if i.bands.isEmpty { i.bands = [band] }
                if i.review != .removed, let old = stored.first(where: { $0.id == i.id }), !old.sameQuestion(as: i) { i.review = .edited }
                return i
            }
            m.items = QuizItem.encode(reviewed)
            if change.content == nil { m.content = DraftPrompt.render(reviewed.filter { $0.review != .removed }) }
        }
        if let note = change.note, note.count > 500 { throw AppError.validation("note is at most 500 characters", field: "note") }
        return try await save(m, expecting: m.version, author: .teacher, by: p, note: change.note)
    }

    /// Approves the version the teacher read (`If-Match`). A quiz is approved only once no item is
    /// pending and at least one is kept.
    public func approve(_ id: UUID, ifMatch: String?, by p: Principal) async throws -> DraftRecord {
        let m = try await decidable(id, by: p, to: "approve")
        try Self.check(ifMatch, m)
        if m.kind == DraftKind.quiz.rawValue, let refusal = Self.unreviewed(QuizItem.decode(m.items ?? "[]") ?? [], draft: id) { throw refusal }
        try move(m, to: .approved)
        m.approvedBy = p.userID
        m.approvedAt = now().wholeMilliseconds
        return try await save(m, expecting: m.version, author: .teacher, by: p, note: "approved")
    }

    /// Publishes an approved draft: from now on it may reach students (a quiz through an assignment).
    public func publish(_ id: UUID, ifMatch: String?, by p: Principal) async throws -> DraftRecord {
        let m = try await decidable(id, by: p, to: "publish")
        try Self.check(ifMatch, m)
        try move(m, to: .published)
        m.publishedAt = now().wholeMilliseconds
        return try await save(m, expecting: m.version, author: .teacher, by: p, note: "published")
    }

    /// A draft the caller may change: its author's, or one made for a class they teach.
    func editable(_ id: UUID, by p: Principal, to action: String) async throws -> DraftModel {
        let (m, reader) = try await accessible(id, for: p)
        guard reader.mayEdit else { throw AppError.forbidden("only the teachers of the draft's class may \(action) draft \(id)") }
        return m
    }

    /// A draft the caller may approve or publish: its author, the school's admin, an admin.
    func decidable(_ id: UUID, by p: Principal, to action: String) async throws -> DraftModel {
        let (m, reader) = try await accessible(id, for: p)
        guard reader.mayDecide else {
            throw AppError.forbidden("only the teacher who asked for draft \(id) or the school's admin may \(action) it; you may edit it")
        }
        return m
    }

    static func check(_ ifMatch: String?, _ m: DraftModel) throws {
        let etag = "\"v\(m.version)\""
        guard let ifMatch else {
            throw AppError(.preconditionRequired, "send If-Match with the draft's ETag (\(etag)) so that you change the version you read", fields: ["If-Match"])
        }
        guard ifMatch == etag || ifMatch == "W/\(etag)" || ifMatch == "v\(m.version)" else {
            throw AppError(.preconditionFailed, "the draft changed since you read it (now \(etag)); read it again", fields: ["If-Match"])
        }
    }

    func move(_ m: DraftModel, to target: DraftState) throws {
        let current = DraftState(rawValue: m.state) ?? .draft
        guard current.canMove(to: target) else {
            throw AppError.conflict("a \(current.rawValue) draft cannot become \(target.rawValue)"
                + (current == .published ? "; it is published and final — ask for a new draft" : ""))
        }
        m.state = target.rawValue
    }

    /// Writes the change and its version, only onto the version that was read.
    func save(_ m: DraftModel, expecting version: Int, author: DraftVersionRecord.Author, by p: Principal, note: String?) async throws -> DraftRecord {
        let instant = now().wholeMilliseconds
        let applied = try await database.db.transaction { db -> Bool in
            guard let fresh = try await DraftModel.find(m.id!, on: db), fresh.version == version else { return false }
            m.version = version + 1
            m.updatedAt = instant
            try await m.update(on: db)
            let v = DraftVersionModel()
            v.draftID = m.id!
            v.version = m.version
            v.state = m.state
            v.content = m.content
            v.items = m.items
            v.author = author.rawValue
            v.authorID = p.userID
            v.note = note
            v.createdAt = instant
            try await v.create(on: db)
            // Approving and publishing AI-written material is a teacher's decision on the record.
            if m.state == DraftState.approved.rawValue || m.state == DraftState.published.rawValue {
                try await audit.append(AuditEvent(actorID: p.userID, actorRole: p.role, action: "assistant.draft.\(m.state == DraftState.approved.rawValue ? "approve" : "publish")",
                                                  targetType: "draft", targetID: m.id!.uuidString, detail: "version \(m.version)"), on: db)
            }
            return true
        }
        guard applied else { throw AppError(.preconditionFailed, "the draft changed while you were changing it; read it again", fields: ["If-Match"]) }
        return DraftRecord(m)
    }
}
