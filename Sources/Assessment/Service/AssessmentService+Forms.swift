import FluentKit
import Foundation
import Persistence
import QianxueCore
import Registry

/// Where a student stands on a fixed form, kept in the attempt between requests.
struct FormProgress: Codable, Sendable {
    let formID: String
    let itemIDs: [String]
}

extension AssessmentService {
    /// Published forms, optionally of one band or term, by term then band then purpose (pre first).
    /// Their items are not listed: anyone signed in may see which forms exist, not what they ask.
    public func forms(band: GradeBand? = nil, term: String? = nil) throws -> [TestFormSummary] {
        if let term, AcademicTerm(term) == nil {
            throw AppError.validation("term must look like 2026-2027-1 (autumn) or 2026-2027-2 (spring), not \(term)", field: "term")
        }
        return items.forms.filter { $0.isUsable && (band == nil || $0.band == band) && (term == nil || $0.term == term) }
            .sorted { ($0.term, GradeBand.allCases.firstIndex(of: $0.band)!, $0.purpose.rawValue == "post" ? 1 : 0)
                < ($1.term, GradeBand.allCases.firstIndex(of: $1.band)!, $1.purpose.rawValue == "post" ? 1 : 0) }
            .map(items.bank.summary(of:))
    }

    /// The form a student starts: the one named, or else the form of a window open now for one of
    /// their classes. A form of another band, an unknown or unpublished form, or a form the student
    /// finished already is refused.
    func formToSit(_ formID: String?, band: GradeBand, student: UUID) async throws -> TestForm {
        let form: TestForm
        if let formID {
            guard let named = items.form(id: formID), named.isUsable else { throw AppError.notFound("form \(formID)") }
            form = named
        } else {
            let classes = try await registry.classIDs(of: student)
            let at = now()
            let open = classes.isEmpty ? [] : try await WindowModel.query(on: database.db).filter(\.$classID ~~ Array(classes))
                .filter(\.$kind == AttemptKind.form.rawValue).filter(\.$startsAt <= at).filter(\.$until >= at)
                .sort(\.$startsAt, .descending).all()
            guard let found = open.compactMap({ $0.formID.flatMap(items.form(id:)) }).first(where: { $0.isUsable && $0.band == band }) else {
                throw AppError.validation("name a formId: no form window is open for your class now", field: "formId")
            }
            form = found
        }
        guard form.band == band else {
            throw AppError.validation("form \(form.id) is for the \(form.band.rawValue) band; this student is in \(band.rawValue)", field: "formId")
        }
        let sat = try await AttemptModel.query(on: database.db).filter(\.$studentID == student).filter(\.$formID == form.id)
            .filter(\.$status == AttemptStatus.finished.rawValue).first()
        if sat != nil { throw AppError.conflict("this student has sat form \(form.id) already") }
        return form
    }

    /// Moves a form attempt past the answer just given: on to the next item, or finished.
    func formStep(_ m: AttemptModel, responses: [ResponseModel]) throws {
        let progress = try Self.decoder.decode(FormProgress.self, from: Data(m.state.utf8))
        if responses.count >= progress.itemIDs.count {
            try finishAttempt(m, result: try formResult(m, responses: responses, finishedAt: now()))
        } else {
            m.currentItem = progress.itemIDs[responses.count]
        }
    }

    /// A form attempt's profile from its responses: keyed answers and written answers a teacher has
    /// scored count (a score at or above the rubric's cut as correct); those still waiting do not,
    /// and are counted so that the result says it may change.
    func formResult(_ m: AttemptModel, responses: [ResponseModel], finishedAt: Date) throws -> LiteracyResult {
        let scored = try responses.compactMap { r -> ScoredResponse? in
            guard let correct = r.correct else { return nil }
            guard let item = items.bank.item(id: r.itemID), let parameters = items.parameters(of: r.itemID) else {
                throw AppError.conflict("item \(r.itemID) of this attempt is no longer in the item bank")
            }
            return ScoredResponse(item: parameters, dimension: item.competency.dimension, correct: correct)
        }
        let band = GradeBand(rawValue: m.band) ?? .primaryLower
        let prior = configuration.prior(for: band).quadrature(on: items.pool.quadrature)
        return LiteracyResult(attemptID: m.id!, kind: .form, formID: m.formID, finishedAt: finishedAt,
                              profile: LiteracyProfile(responses: scored, prior: prior, cutScores: cutScores),
                              pendingTeacherScores: responses.filter { $0.correct == nil }.count)
    }
}
