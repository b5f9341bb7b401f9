import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry

extension AssessmentService {
    /// Starts an adaptive test or a fixed form for the signed-in student, or answers the attempt
    /// already in progress (one at a time, whatever its kind). `created` is false for the one in
    /// progress. A form attempt without `formID` sits the form of a window open now for one of the
    /// student's classes.
    public func start(kind: AttemptKind = .adaptive, formID: String? = nil, by p: Principal) async throws -> (view: AttemptView, created: Bool) {
        try p.require(.student, to: "sit the AI-literacy test")
        if let running = try await AttemptModel.query(on: database.db).filter(\.$studentID == p.userID)
            .filter(\.$status == AttemptStatus.inProgress.rawValue).first() {
            try remember(running)
            return (try view(running), false)
        }
        try await refreshParameters()
        guard let student = try await registry.user(p.userID), let school = student.schoolID else {
            throw AppError.forbidden("this student account has no school")
        }
        let band = student.grade?.band ?? .primaryLower
        let m = AttemptModel()
        m.studentID = student.id
        m.schoolID = school
        m.band = band.rawValue
        m.kind = kind.rawValue
        m.status = AttemptStatus.inProgress.rawValue
        m.answered = 0
        m.startedAt = now()
        switch kind {
        case .adaptive:
            if formID != nil { throw AppError.validation("an adaptive test has no formId", field: "formId") }
            guard items.pool.count(in: band) > 0 else { throw AppError.conflict("the item bank has no items for the \(band.rawValue) band yet") }
            var test = AdaptiveTest(band: band, configuration: configuration, pool: items.pool)
            guard let first = test.next(from: items.pool) else { throw AppError.conflict("the item bank has no items for the \(band.rawValue) band yet") }
            m.state = try Self.encode(test)
            m.currentItem = first
            m.maxItems = configuration.maxItems
        case .form:
            let form = try await formToSit(formID, band: band, student: student.id)
            m.formID = form.id
            m.state = try Self.encode(FormProgress(formID: form.id, itemIDs: form.itemIDs))
            m.currentItem = form.itemIDs.first
            m.maxItems = form.itemIDs.count
        }
        try await m.create(on: database.db)
        try remember(m)
        return (try view(m), true)
    }

    /// One of the student's attempts, as it stands (to resume after a disconnect).
    public func attempt(_ id: UUID, by p: Principal) async throws -> AttemptView {
        try view(try await own(id, by: p))
    }

    /// Answers the item the attempt waits on; the attempt then waits on the next item or is finished.
    /// Anything else — another item, a second answer, a finished attempt, an answer of the wrong
    /// type — is refused and leaves the attempt as it was. On a form, a written answer is stored for
    /// its teacher to score and the form goes on.
    public func answer(_ id: UUID, itemID: String, answer: ItemAnswer, by p: Principal) async throws -> AttemptView {
        if database.isPostgres, let view = try await answerFromCache(id, itemID: itemID, answer: answer, by: p) { return view }
        let m = try await own(id, by: p)
        guard m.status == AttemptStatus.inProgress.rawValue else { throw AppError.conflict("this attempt is finished") }
        // An adaptive attempt's state lists the items it has taken; a form's answers are read (it
        // scores from them when it finishes).
        let adaptive = m.kind != AttemptKind.form.rawValue
        let test = adaptive ? try Self.decode(m.state) : nil
        let earlier = adaptive ? [] : try await ResponseModel.query(on: database.db).filter(\.$attemptID == id).sort(\.$seq).all()
        let answered = test?.responses.map(\.itemID) ?? earlier.map(\.itemID)
        if answered.contains(itemID) { throw AppError.conflict("item \(itemID) was answered already") }
        guard m.currentItem == itemID, let item = items.bank.item(id: itemID) else {
            throw AppError.validation("item \(itemID) is not the one this attempt asks; answer \(m.currentItem ?? "none")", field: "itemId")
        }
        let correct: Bool?
        switch item.score(answer) {
        case .scored(_, _, let c): correct = c
        case .invalid(let reason): throw AppError.validation(reason, field: "answer")
        case .pendingTeacherScore:
            guard !adaptive else {
                throw AppError.validation("item \(itemID) takes a written answer scored by the teacher", field: "text")
            }
            correct = nil
        }
        let r = try ResponseModel(attempt: id, seq: answered.count + 1, item: item, answer: answer, correct: correct, at: now())
        m.answered = answered.count + 1
        var stepped: AdaptiveTest?
        if let test {
            stepped = try adaptiveStep(m, test: test, itemID: itemID, correct: correct ?? false, answered: answered)
        } else {
            try formStep(m, responses: earlier + [r])
        }
        let finished = m.status == AttemptStatus.finished.rawValue
        if !finished, database.isPostgres {
            try await advance(m.id!, state: m.state, currentItem: m.currentItem, answered: m.answered, from: answered.count, storing: r)
            try remember(m, test: stepped)
            return try view(m)
        }
        attempts.forget(id)
        do {
            try await database.db.transaction { db in
                try await r.create(on: db)
                try await m.update(on: db)
                if finished { try await countFinished(m, on: db) }
            }
        } catch let e as any DatabaseError where e.isConstraintFailure {
            // The same answer sent twice at once: the first one stored it.
            throw AppError.conflict("item \(itemID) was answered already")
        }
        return try view(m)
    }

    /// PostgreSQL, an answer that does not finish the attempt (all but the last): the attempt moves
    /// on and the answer is stored in one statement instead of a transaction of four — the answer is
    /// stored only if the attempt still stood where this request found it, so that of two answers
    /// racing in, the second gets 409.
    func advance(_ id: UUID, state: String, currentItem: String?, answered: Int, from answeredBefore: Int, storing r: ResponseModel) async throws {
        let stored = try await database.sql.raw("""
            WITH moved AS (
                UPDATE \(unsafeRaw: AttemptModel.schema) SET state = \(bind: state), current_item = \(bind: currentItem),
                    answered = \(bind: answered)
                WHERE id = \(bind: id) AND status = \(bind: AttemptStatus.inProgress.rawValue) AND answered = \(bind: answeredBefore)
                RETURNING id)
            INSERT INTO \(unsafeRaw: ResponseModel.schema) (id, attempt_id, seq, item_id, answer, correct, points, answered_at)
            SELECT \(bind: UUID()), id, \(bind: r.seq), \(bind: r.itemID), \(bind: r.answer), \(bind: r.correct), \(bind: r.points),
                \(bind: r.answeredAt)
            FROM moved
            RETURNING id
            """).all()
        guard !stored.isEmpty else {
            throw AppError.conflict("the attempt moved on while this answer was on its way; fetch it and answer the item it asks now")
        }
    }

    /// Records the answer in the test and moves `m` on (or finishes it); returns the test as it now stands.
    private func adaptiveStep(_ m: AttemptModel, test: AdaptiveTest, itemID: String, correct: Bool, answered: [String]) throws -> AdaptiveTest {
        var test = test
        do {
            try test.record(itemID, correct: correct, pool: items.pool)
        } catch {
            throw AppError.conflict("the attempt could not take this answer: \(error)")
        }
        if test.isFinished || test.next(from: items.pool, excluding: Set(answered + [itemID])) == nil {
            let result = LiteracyResult(attemptID: m.id!, kind: .adaptive, formID: nil, finishedAt: now(),
                                        profile: try test.profile(pool: items.pool, cutScores: cutScores), pendingTeacherScores: 0)
            try finishAttempt(m, result: result)
        } else {
            m.currentItem = test.pending
        }
        m.state = try Self.encode(test)
        return test
    }

    func finishAttempt(_ m: AttemptModel, result: LiteracyResult) throws {
        m.result = String(decoding: try Self.encoder.encode(result), as: UTF8.self)
        // The result at completion stays as it was (the xAPI `completed` statement carries it).
        if m.status != AttemptStatus.finished.rawValue { m.finishedResult = m.result }
        m.status = AttemptStatus.finished.rawValue
        m.finishedAt = result.finishedAt
        m.currentItem = nil
    }

    func own(_ id: UUID, by p: Principal) async throws -> AttemptModel {
        guard let m = try await AttemptModel.find(id, on: database.db), m.studentID == p.userID else { throw AppError.notFound("attempt \(id)") }
        return m
    }

    func view(_ m: AttemptModel) throws -> AttemptView {
        AttemptView(id: m.id!, studentID: m.studentID, kind: AttemptKind(rawValue: m.kind) ?? .adaptive, formID: m.formID,
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

    static func encode(_ state: some Encodable) throws -> String { String(decoding: try encoder.encode(state), as: UTF8.self) }
    static func encode(_ test: AdaptiveTest) throws -> String { try test.stateJSON() }
    static func decode(_ state: String) throws -> AdaptiveTest { try decoder.decode(AdaptiveTest.self, from: Data(state.utf8)) }
}
