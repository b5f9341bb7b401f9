import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry

extension AssessmentService {
    /// Starts an adaptive test for the signed-in student, or answers the attempt already in progress
    /// (one at a time). `created` is false for the one in progress.
    public func start(by p: Principal) async throws -> (view: AttemptView, created: Bool) {
        try p.require(.student, to: "sit the AI-literacy test")
        if let running = try await AttemptModel.query(on: database.db).filter(\.$studentID == p.userID)
            .filter(\.$status == AttemptStatus.inProgress.rawValue).first() {
            return (try view(running), false)
        }
        guard let student = try await registry.user(p.userID), let school = student.schoolID else {
            throw AppError.forbidden("this student account has no school")
        }
        let band = student.grade?.band ?? .primaryLower
        guard items.pool.count(in: band) > 0 else { throw AppError.conflict("the item bank has no items for the \(band.rawValue) band yet") }
        var test = AdaptiveTest(band: band, configuration: configuration, pool: items.pool)
        guard let first = test.next(from: items.pool) else { throw AppError.conflict("the item bank has no items for the \(band.rawValue) band yet") }
        let m = AttemptModel()
        m.studentID = student.id
        m.schoolID = school
        m.band = band.rawValue
        m.kind = AttemptKind.adaptive.rawValue
        m.status = AttemptStatus.inProgress.rawValue
        m.state = try Self.encode(test)
        m.currentItem = first
        m.answered = 0
        m.maxItems = configuration.maxItems
        m.startedAt = now()
        try await m.create(on: database.db)
        return (try view(m), true)
    }

    /// One of the student's attempts, as it stands (to resume after a disconnect).
    public func attempt(_ id: UUID, by p: Principal) async throws -> AttemptView {
        try view(try await own(id, by: p))
    }

    /// Answers the item the attempt waits on; the attempt then waits on the next item or is finished.
    /// Anything else — another item, a second answer, a finished attempt, an answer of the wrong
    /// type — is refused and leaves the attempt as it was.
    public func answer(_ id: UUID, itemID: String, answer: ItemAnswer, by p: Principal) async throws -> AttemptView {
        let m = try await own(id, by: p)
        guard m.status == AttemptStatus.inProgress.rawValue else { throw AppError.conflict("this attempt is finished") }
        if try await ResponseModel.query(on: database.db).filter(\.$attemptID == id).filter(\.$itemID == itemID).first() != nil {
            throw AppError.conflict("item \(itemID) was answered already")
        }
        guard m.currentItem == itemID, let item = items.bank.item(id: itemID) else {
            throw AppError.validation("item \(itemID) is not the one this attempt asks; answer \(m.currentItem ?? "none")", field: "itemId")
        }
        let correct: Bool
        switch item.score(answer) {
        case .scored(_, _, let c): correct = c
        case .invalid(let reason): throw AppError.validation(reason, field: "answer")
        case .pendingTeacherScore: throw AppError.validation("item \(itemID) takes a written answer scored by the teacher", field: "text")
        }
        var test = try Self.decode(m.state)
        do {
            try test.record(itemID, correct: correct, pool: items.pool)
        } catch {
            throw AppError.conflict("the attempt could not take this answer: \(error)")
        }
        let answered = try await ResponseModel.query(on: database.db).filter(\.$attemptID == id).all().map(\.itemID)
        let r = ResponseModel()
        r.attemptID = id
        r.seq = answered.count + 1
        r.itemID = itemID
        r.answer = String(decoding: try JSONEncoder().encode(answer), as: UTF8.self)
        r.correct = correct
        r.answeredAt = now()
        m.answered = answered.count + 1
        if test.isFinished || test.next(from: items.pool, excluding: Set(answered + [itemID])) == nil {
            let result = LiteracyResult(attemptID: id, kind: .adaptive, finishedAt: now(), profile: try test.profile(pool: items.pool, cutScores: cutScores),
                                        pendingTeacherScores: 0)
            m.result = String(decoding: try Self.encoder.encode(result), as: UTF8.self)
            m.status = AttemptStatus.finished.rawValue
            m.finishedAt = result.finishedAt
            m.currentItem = nil
        } else {
            m.currentItem = test.pending
        }
        m.state = try Self.encode(test)
        try await database.db.transaction { db in
            try await r.create(on: db)
            try await m.update(on: db)
        }
        return try view(m)
    }

    func own(_ id: UUID, by p: Principal) async throws -> AttemptModel {
        guard let m = try await AttemptModel.find(id, on: database.db), m.studentID == p.userID else { throw AppError.notFound("attempt \(id)") }
        return m
    }

    func view(_ m: AttemptModel) throws -> AttemptView {
        AttemptView(id: m.id!, studentID: m.studentID, kind: AttemptKind(rawValue: m.kind) ?? .adaptive,
                    status: AttemptStatus(rawValue: m.status) ?? .finished, answered: m.answered, maxItems: m.maxItems, startedAt: m.startedAt,
                    item: m.currentItem.flatMap { items.bank.item(id: $0)?.publicView },
                    result: try m.result.map { try Self.decoder.decode(LiteracyResult.self, from: Data($0.utf8)) })
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    static func encode(_ test: AdaptiveTest) throws -> String { String(decoding: try encoder.encode(test), as: UTF8.self) }
    static func decode(_ state: String) throws -> AdaptiveTest { try decoder.decode(AdaptiveTest.self, from: Data(state.utf8)) }
}
