import FluentKit
import Foundation
import Persistence
import QianxueCore

/// A page of statements and where the next one starts.
public struct XAPIStatementPage: Sendable {
    public let statements: [XAPIStatement]
    /// The cursor of the next page; nil at the end.
    public let more: String?
}

extension AssessmentService {
    /// The assessment's xAPI statements stored after `since` (exclusive), oldest first, at most
    /// `limit`; `after` is the cursor a previous page's `more` carried. Admins read every school,
    /// school admins their own.
    public func xapiStatements(since: Date?, after cursor: String?, limit: Int, for p: Principal) async throws -> XAPIStatementPage {
        try p.require(.admin, .schoolAdmin, to: "read xAPI statements")
        guard (1...500).contains(limit) else { throw AppError.validation("limit is 1…500", field: "limit") }
        let position = try cursor.map(Self.decodeCursor)
        let from = [since, position?.stored].compactMap { $0 }.max() ?? .distantPast
        let school = p.role == .admin ? nil : p.schoolID
        if p.role == .schoolAdmin, school == nil { throw AppError.forbidden("this school admin has no school") }
        let take = limit + 1

        var startedQ = AttemptModel.query(on: database.db).filter(\.$startedAt >= from).sort(\.$startedAt).limit(take)
        var finishedQ = AttemptModel.query(on: database.db).filter(\.$finishedAt >= from).sort(\.$finishedAt).limit(take)
        var answeredQ = ResponseModel.query(on: database.db).join(AttemptModel.self, on: \ResponseModel.$attemptID == \AttemptModel.$id)
            .filter(\.$answeredAt >= from).sort(\.$answeredAt).limit(take)
        var rescoredQ = AttemptModel.query(on: database.db).filter(\.$rescoredAt >= from).sort(\.$rescoredAt).limit(take)
        var scoredQ = ResponseModel.query(on: database.db).join(AttemptModel.self, on: \ResponseModel.$attemptID == \AttemptModel.$id)
            .filter(\.$scoredAt >= from).sort(\.$scoredAt).limit(take)
        if let school {
            startedQ = startedQ.filter(\.$schoolID == school)
            finishedQ = finishedQ.filter(\.$schoolID == school)
            rescoredQ = rescoredQ.filter(\.$schoolID == school)
            answeredQ = answeredQ.filter(AttemptModel.self, \.$schoolID == school)
            scoredQ = scoredQ.filter(AttemptModel.self, \.$schoolID == school)
        }
        var out: [XAPIStatement] = []
        for m in try await startedQ.all() { out.append(statement(attempt: m, verb: .attempted, at: m.startedAt)) }
        for m in try await finishedQ.all() { if let at = m.finishedAt { out.append(statement(attempt: m, verb: .completed, at: at)) } }
        for m in try await rescoredQ.all() { if let at = m.rescoredAt { out.append(statement(attempt: m, verb: .scored, at: at)) } }
        for r in try await answeredQ.all() { out.append(try statement(response: r, attempt: try r.joined(AttemptModel.self), verb: .answered, at: r.answeredAt)) }
        for r in try await scoredQ.all() {
            if let at = r.scoredAt { out.append(try statement(response: r, attempt: try r.joined(AttemptModel.self), verb: .scored, at: at)) }
        }
        let ordered = out.filter { s in
            // Statements show milliseconds, so `since` (exclusive) is read at that precision.
            if let since, Self.micros(s.stored) / 1_000 <= Self.micros(since) / 1_000 { return false }
            if let position { return (Self.micros(s.stored), s.id.uuidString) > (Self.micros(position.stored), position.id) }
            return true
        }.sorted { ($0.stored, $0.id.uuidString) < ($1.stored, $1.id.uuidString) }
        let page = Array(ordered.prefix(limit))
        let more = ordered.count > limit ? page.last.map { Self.encodeCursor(stored: $0.stored, id: $0.id.uuidString) } : nil
        return XAPIStatementPage(statements: page, more: more)
    }

    /// `attempted`, `completed` (with the result at completion), or `scored`: the test rescored at
    /// `at` by a teacher's score of a written answer (with the result since; a later rescore is a
    /// statement of its own).
    private func statement(attempt m: AttemptModel, verb: XAPIStatement.Verb, at: Date) -> XAPIStatement {
        let kind = AttemptKind(rawValue: m.kind) ?? .adaptive
        let stored: String? = switch verb {
        case .completed: m.finishedResult ?? m.result
        case .scored: m.result
        default: nil
        }
        let result = stored.flatMap { try? Self.decoder.decode(LiteracyResult.self, from: Data($0.utf8)) }
        return XAPIStatement(
            id: verb == .scored ? XAPIStatement.derivedID(m.id!, verb, at: at) : XAPIStatement.derivedID(m.id!, verb), studentID: m.studentID, verb: verb,
            object: XAPIStatement.testActivity(kind: kind, form: m.formID.flatMap(items.form(id:))), parent: nil, registration: m.id!,
            timestamp: at, stored: at, success: nil, completion: verb != .attempted ? true : nil, response: nil, score: nil,
            extensions: result.map { [XAPIStatement.thetaExtension: $0.profile.overall.theta, XAPIStatement.standardErrorExtension: $0.profile.overall.se] } ?? [:])
    }

    private func statement(response r: ResponseModel, attempt m: AttemptModel, verb: XAPIStatement.Verb, at: Date) throws -> XAPIStatement {
        guard let item = items.bank.item(id: r.itemID) else { throw AppError.conflict("item \(r.itemID) is no longer in the item bank") }
        let answer = try? JSONDecoder().decode(ItemAnswer.self, from: Data(r.answer.utf8))
        let max = Double(item.rubric?.maxPoints ?? 1)
        let scored = verb == .scored || item.type != .constructed
        return XAPIStatement(
            id: verb == .scored ? XAPIStatement.derivedID(r.id!, verb, at: at) : XAPIStatement.derivedID(r.id!, verb), studentID: m.studentID, verb: verb,
            object: XAPIStatement.itemActivity(item),
            parent: XAPIStatement.testActivity(kind: AttemptKind(rawValue: m.kind) ?? .adaptive, form: m.formID.flatMap(items.form(id:))),
            registration: m.id!, timestamp: verb == .scored ? at : r.answeredAt, stored: at, success: scored ? r.correct : nil, completion: nil,
            response: verb == .answered ? answer.flatMap(XAPIStatement.responsePattern) : nil,
            score: scored ? r.points.map { (Double($0), 0, max) } : nil, extensions: [:])
    }

    /// Whole microseconds, the precision cursors carry and PostgreSQL keeps.
    static func micros(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1_000_000).rounded()) }

    static func encodeCursor(stored: Date, id: String) -> String {
        Data("\(String(format: "%.6f", stored.timeIntervalSince1970))|\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ text: String) throws -> (stored: Date, id: String) {
        var b = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b.count % 4 != 0 { b += "=" }
        guard let data = Data(base64Encoded: b), let s = String(data: data, encoding: .utf8) else {
            throw AppError.validation("after is not a cursor this server gave", field: "after")
        }
        let parts = s.split(separator: "|")
        guard parts.count == 2, let t = Double(parts[0]) else { throw AppError.validation("after is not a cursor this server gave", field: "after") }
        return (Date(timeIntervalSince1970: t), String(parts[1]))
    }
}
