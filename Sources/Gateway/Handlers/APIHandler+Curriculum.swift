import Curriculum
import Foundation
import QianxueAPI
import QianxueCore

extension APIHandler {
    func listCurriculumBands(_ input: Operations.ListCurriculumBands.Input) async throws -> Operations.ListCurriculumBands.Output {
        let role = try RequestScope.caller().role
        return .ok(.init(body: .json(.init(items: curriculum.bands(for: role).map { s in
            .init(band: .init(s.band), title: s.band.title, titleEn: s.band.titleEn, goal: s.band.goal, grades: s.band.grades,
                  units: s.units, lessons: s.lessons, hours: s.hours)
        }))))
    }

    func listCurriculumUnits(_ input: Operations.ListCurriculumUnits.Input) async throws -> Operations.ListCurriculumUnits.Output {
        let role = try RequestScope.caller().role
        let band = input.query.band.flatMap { ContentBand(rawValue: $0.rawValue) }
        return .ok(.init(body: .json(.init(items: curriculum.units(band: band, for: role).map { v in
            .init(slug: v.unit.slug, order: v.unit.order, band: .init(v.unit.band), title: v.unit.title, titleEn: v.unit.titleEn,
                  summary: v.unit.summary, lessons: v.lessons.map(Components.Schemas.LessonSummary.init))
        }))))
    }

    func getCurriculumLesson(_ input: Operations.GetCurriculumLesson.Input) async throws -> Operations.GetCurriculumLesson.Output {
        let role = try RequestScope.caller().role
        let l = try curriculum.lesson(input.path.slug, for: role)
        let sources = curriculum.content.sources
        // answer keys and hint ladders are for staff; a student gets the prompts (the companion gives the hints)
        let exercises: [Components.Schemas.LessonExercise] = l.exercises.map { e in
            role.isStaff ? .init(id: e.id, prompt: e.prompt, hints: e.hints, answer: e.answer) : .init(id: e.id, prompt: e.prompt)
        }
        return .ok(.init(body: .json(.init(
            slug: l.slug, title: l.title, titleEn: l.titleEn, band: .init(l.band), unit: l.unitSlug, grades: l.grades, hours: l.hours,
            status: .init(rawValue: l.status.rawValue)!, reviewer: l.reviewer, reviewedOn: l.reviewedOn, culture: l.culture,
            competencies: l.competencies, objectives: l.objectives.map { .init(text: $0.text, competency: $0.competency) },
            activities: l.activities.map { .init(title: $0.title, device: $0.needsDevice, ai: $0.usesAI, teacherLed: $0.teacherLed) },
            sources: l.sources.compactMap { sources.sources[$0] }.map {
                .init(id: $0.id, title: $0.title, publisher: $0.publisher, url: $0.url, quality: .init(rawValue: $0.quality) ?? .secondary)
            },
            related: l.related, checks: l.checks, markdown: l.markdown, html: l.html, exercises: exercises))))
    }

    func searchCurriculum(_ input: Operations.SearchCurriculum.Input) async throws -> Operations.SearchCurriculum.Output {
        let q = input.query
        let page = try curriculum.search(
            q.q, band: q.band.flatMap { ContentBand(rawValue: $0.rawValue) }, culture: q.culture, competency: q.competency,
            for: RequestScope.caller().role, page: try PageQuery(size: q.pageSize, token: q.pageToken))
        return .ok(.init(body: .json(.init(
            items: page.items.map { .init(lesson: .init($0.lesson), score: ($0.score * 1000).rounded() / 1000, snippet: $0.snippet) },
            nextPageToken: page.nextPageToken))))
    }

    func getCurriculumCoverage(_ input: Operations.GetCurriculumCoverage.Input) async throws -> Operations.GetCurriculumCoverage.Output {
        let grid = curriculum.coverage(for: try RequestScope.caller().role)
        return .ok(.init(body: .json(.init(
            studentCompetencies: grid.studentCodes, teacherCompetencies: grid.teacherCodes,
            bands: grid.rows.map { r in
                .init(band: .init(r.band), lessons: r.lessons, hours: r.hours,
                      cells: r.cells.map { .init(competency: $0.competency, lessons: $0.lessons, hours: $0.hours) },
                      emptyCells: r.emptyCells)
            }))))
    }
}

extension Components.Schemas.CurriculumBand {
    init(_ b: ContentBand) { self = .init(rawValue: b.rawValue)! }
}

extension Components.Schemas.LessonSummary {
    init(_ l: Lesson) {
        self.init(slug: l.slug, title: l.title, titleEn: l.titleEn, band: .init(l.band), unit: l.unitSlug, grades: l.grades,
                  hours: l.hours, status: .init(rawValue: l.status.rawValue)!, culture: l.culture, competencies: l.competencies)
    }
}
