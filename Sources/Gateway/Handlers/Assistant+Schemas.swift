import Assessment
import Assistant
import Foundation
import QianxueAPI
import QianxueCore

extension Components.Schemas.Draft {
    init(_ d: DraftRecord) {
        self.init(
            id: d.id.uuidString.lowercased(), kind: .init(rawValue: d.kind.rawValue) ?? .lessonPlan, lessonSlug: d.lessonSlug,
            classId: d.classID?.uuidString.lowercased(), band: .init(rawValue: d.band.rawValue) ?? .junior,
            state: .init(rawValue: d.state.rawValue) ?? .draft, version: d.version, title: d.title, content: d.content,
            items: d.items?.map(Components.Schemas.QuizItem.init), instructions: d.instructions,
            sessionId: d.sessionID?.uuidString.lowercased(), advisory: d.advisory, aiGenerated: d.provider != "teacher",
            provider: d.provider, model: d.model, createdAt: d.createdAt, updatedAt: d.updatedAt,
            approvedBy: d.approvedBy?.uuidString.lowercased(), approvedAt: d.approvedAt, publishedAt: d.publishedAt)
    }
}

extension Components.Schemas.DraftVersion {
    init(_ v: DraftVersionRecord) {
        self.init(version: v.version, state: .init(rawValue: v.state.rawValue) ?? .draft, content: v.content,
                  items: v.items?.map(Components.Schemas.QuizItem.init), author: v.author == .ai ? .ai : .teacher,
                  authorId: v.authorID.uuidString.lowercased(), note: v.note, createdAt: v.createdAt)
    }
}

extension Components.Schemas.QuizItem {
    init(_ q: QuizItem) {
        self.init(id: q.id, _type: .single, stem: q.stem,
                  options: q.options.map { Components.Schemas.QuizOption(id: Components.Schemas.QuizOption.IdPayload(rawValue: $0.id) ?? .a, text: $0.text) },
                  key: Components.Schemas.QuizItem.KeyPayload(rawValue: q.key) ?? .a, rationale: q.rationale, competency: q.competency.code,
                  bands: q.bands.compactMap { .init(rawValue: $0.rawValue) }, approved: q.approved)
    }
}

extension QuizItem {
    /// A teacher's item from the API, its competency code checked.
    init(_ b: Components.Schemas.QuizItem, at index: Int) throws {
        guard let competency = Competency(code: b.competency) else {
            throw AppError.validation("items[\(index)].competency '\(b.competency)' is not a code such as TA-A", field: "items[\(index)].competency")
        }
        self.init(id: b.id, stem: b.stem, options: b.options.map { ItemOption(id: $0.id.rawValue, text: $0.text) }, key: b.key.rawValue,
                  rationale: b.rationale, competency: competency, bands: b.bands.compactMap { GradeBand(rawValue: $0.rawValue) },
                  approved: b.approved)
    }
}
