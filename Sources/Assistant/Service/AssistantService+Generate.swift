import Companion
import Curriculum
import FluentKit
import Foundation
import Inference
import QianxueCore
import Registry
import SQLKit

extension AssistantService {
    /// What a draft is written from: the lesson, the class and its band, the names to keep from the
    /// endpoint, the scheduler ticket at teacher priority.
    struct Brief: Sendable {
        let id: UUID
        let new: NewDraft
        let owner: UUID
        let lesson: Lesson
        let band: GradeBand
        let classID: UUID?
        let className: String?
        let schoolID: UUID?
        let county: String?
        let names: [NameToRedact]
        let itemCount: Int
    }

    /// Checks the request, then starts writing the draft through the inference path. Refusals that
    /// need a status (a bad field, a class not taught, a full queue) are thrown before anything streams.
    public func startDraft(_ new: NewDraft, by p: Principal) async throws -> DraftStream {
        let brief = try await brief(for: new, by: p)
        if new.kind == .quiz { return try await startQuiz(brief) }
        if inference.provider.kind == OfflineProvider().kind, new.kind != .feedback {
            // No model is configured: the draft is the lesson's own outline, not the offline companion's hint.
            return offlineOutline(brief)
        }
        var conversation: String?
        var job = job(brief, messages: [], maxTokens: 900, responseFormat: nil)
        if new.kind == .feedback {
            let read = try await new.submissionID == nil ? feedbackConversation(new, brief: brief, by: p) : feedbackAnswers(new, brief: brief, by: p)
            conversation = read.text
            job.names = read.names
        }
        job.messages = DraftPrompt.messages(kind: new.kind, lesson: brief.lesson, band: brief.band, className: brief.className,
                                            instructions: new.instructions, itemCount: brief.itemCount, conversation: conversation,
                                            lessonCharacters: lessonCharacters)
        let events = try await inference.start(job)
        return DraftStream(draftID: brief.id, events: relay(events, brief: brief))
    }

    func brief(for new: NewDraft, by p: Principal) async throws -> Brief {
        try p.require(.teacher, .schoolAdmin, .admin, to: "ask the teacher assistant for drafts")
        let lesson: Lesson
        do {
            lesson = try curriculum.lesson(new.lessonSlug, for: p.role)
        } catch {
            throw AppError.validation("there is no lesson '\(new.lessonSlug)' (see GET /v1/curriculum/search)", field: "lessonSlug")
        }
        guard let lessonBand = lesson.band.gradeBand else {
            throw AppError.validation("'\(lesson.slug)' is a teacher-development lesson; drafts are for students' lessons", field: "lessonSlug")
        }
        let cls = try await new.classID.asyncFlatMap { try await registry.classTaught($0, by: p) }
        if let text = new.instructions {
            guard text.count <= Self.maxInstructions else {
                throw AppError.validation("instructions are at most \(Self.maxInstructions) characters; these have \(text.count)", field: "instructions")
            }
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0) }) {
                throw AppError.validation("instructions have control characters", field: "instructions")
            }
        }
        if new.kind != .quiz, new.itemCount != nil { throw AppError.validation("itemCount is for quizzes only", field: "itemCount") }
        let count = new.itemCount ?? 8
        guard Self.itemCounts.contains(count) else {
            throw AppError.validation("itemCount must be between \(Self.itemCounts.lowerBound) and \(Self.itemCounts.upperBound)", field: "itemCount")
        }
        if new.kind == .feedback, (new.sessionID == nil) == (new.submissionID == nil) {
            throw AppError.validation("a feedback draft is about a student's companion session or quiz answers: give sessionId or submissionId, one of them",
                                      field: new.sessionID == nil ? "sessionId" : "submissionId")
        }
        if new.kind != .feedback, new.sessionID != nil { throw AppError.validation("sessionId is for feedback drafts only", field: "sessionId") }
        if new.kind != .feedback, new.submissionID != nil { throw AppError.validation("submissionId is for feedback drafts only", field: "submissionId") }
        let schoolID = cls?.schoolID ?? p.schoolID
        let names = try await registry.memberNames(ofClasses: cls.map { [$0.id] } ?? []).map { m in
            NameToRedact(name: m.name, role: m.role == .teacher ? .teacher : .classmate)
        }
        let county = try await schoolID.asyncFlatMap { try await registry.school($0) }?.countyCode.rawValue
        return Brief(id: UUID(), new: new, owner: p.userID, lesson: lesson, band: cls?.grade.band ?? lessonBand, classID: cls?.id,
                     className: cls?.name, schoolID: schoolID, county: county, names: names, itemCount: count)
    }

    func job(_ b: Brief, messages: [ChatMessage], maxTokens: Int, responseFormat: ResponseFormat?) -> ChatJob {
        var job = ChatJob(
            messages: messages, maxCompletionTokens: min(maxTokens, inference.maxCompletionTokens), temperature: 0.3,
            passages: b.lesson.sections.filter { !$0.text.isEmpty }.prefix(4).map {
                GroundingPassage(source: "\(b.lesson.slug)#\($0.heading)", title: b.lesson.title, text: String($0.text.prefix(600)))
            },
            names: b.names,
            ticket: InferenceTicket(user: b.owner, school: b.schoolID, priority: .teacherInteractive,
                                    estimatedTokens: maxTokens + messages.reduce(0) { $0 + $1.content.count }),
            purpose: b.new.kind.purpose, county: b.county)
        job.responseFormat = responseFormat
        return job
    }

    /// The outline of the lesson as the draft, streamed piece by piece and stored like a model's.
    func offlineOutline(_ b: Brief) -> DraftStream {
        let text = LessonPlanOutline.write(b.new.kind, lesson: b.lesson, band: b.band, className: b.className, instructions: b.new.instructions)
        let events = AsyncStream<DraftEvent> { out in
            let task = Task {
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) { out.yield(.delta(line + "\n")) }
                do {
                    let stored = try await store(b, content: text, items: nil, provider: OfflineProvider().kind, model: OfflineProvider.modelName,
                                                 note: "written offline from the lesson's parts")
                    out.yield(.done(DraftDone(draft: stored, usage: nil, provider: stored.provider, model: stored.model, finishReason: "stop", reason: nil)))
                } catch {
                    logger.error("a draft could not be stored", metadata: ["draft": "\(b.id)", "error": "\(error)"])
                    out.yield(.error("the draft could not be stored"))
                }
                out.finish()
            }
            out.onTermination = { _ in task.cancel() }
        }
        return DraftStream(draftID: b.id, events: events)
    }

    /// Relays a free-text draft as it is written and stores it when it ends whole (or at the length
    /// limit), whether or not the client is still there.
    func relay(_ events: AsyncStream<ChatEvent>, brief: Brief) -> AsyncStream<DraftEvent> {
        AsyncStream { out in
            let task = Task {
                var text = ""
                for await e in events {
                    switch e {
                    case .delta(let d):
                        text += d
                        out.yield(.delta(d))
                    case .flag(let f): out.yield(.flag(f))
                    case .error(let failure): out.yield(.error(failure.description))
                    case .done(let d):
                        var text = d.text
                        if d.provider == OfflineProvider().kind, brief.new.kind != .feedback {
                            // The endpoint failed and the offline companion answered: the lesson's outline is the draft.
                            text = LessonPlanOutline.write(brief.new.kind, lesson: brief.lesson, band: brief.band, className: brief.className,
                                                           instructions: brief.new.instructions)
                            out.yield(.delta("\n\n" + text))
                        }
                        out.yield(.done(await finish(brief, text: text, done: d)))
                    }
                }
                out.finish()
            }
            out.onTermination = { _ in task.cancel() }
        }
    }

    private func finish(_ b: Brief, text: String, done d: ChatDone) async -> DraftDone {
        let why: String?
        switch d.finishReason {
        case "refused": why = "the request was refused by the safety screen"
        case "content_filter": why = "the draft was stopped by the safety screen"
        default: why = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "the model wrote nothing" : nil
        }
        if let why {
            return DraftDone(draft: nil, usage: d.usage, provider: d.provider, model: d.model, finishReason: d.finishReason, reason: why)
        }
        do {
            let stored = try await store(b, content: text, items: nil, provider: d.provider, model: d.model,
                                         note: d.finishReason == "length" ? "the model reached its length limit; the end may be cut off" : nil)
            return DraftDone(draft: stored, usage: d.usage, provider: d.provider, model: d.model, finishReason: d.finishReason, reason: nil)
        } catch {
            logger.error("a draft could not be stored", metadata: ["draft": "\(b.id)", "error": "\(error)"])
            return DraftDone(draft: nil, usage: d.usage, provider: d.provider, model: d.model, finishReason: d.finishReason,
                             reason: "the draft could not be stored")
        }
    }

    /// Stores a new draft with its first version, written by the AI at the teacher's request.
    func store(_ b: Brief, content: String, items: [QuizItem]?, provider: String, model: String, note: String?) async throws -> DraftRecord {
        let instant = now().wholeMilliseconds
        let m = DraftModel()
        m.id = b.id
        m.kind = b.new.kind.rawValue
        m.lessonSlug = b.lesson.slug
        m.classID = b.classID
        m.schoolID = b.schoolID
        m.ownerID = b.owner
        m.band = b.band.rawValue
        m.state = DraftState.draft.rawValue
        m.version = 1
        m.title = "《\(b.lesson.title)》\(b.new.kind.title)" + (b.className.map { " · \($0)" } ?? "")
        m.content = content
        m.items = items.map(QuizItem.encode)
        m.instructions = b.new.instructions
        m.subjectID = b.new.sessionID ?? b.new.submissionID
        m.subjectKind = b.new.submissionID != nil ? DraftSubjectKind.quizSubmission.rawValue : b.new.sessionID != nil ? DraftSubjectKind.session.rawValue : nil
        m.provider = provider
        m.model = model
        m.createdAt = instant
        m.updatedAt = instant
        let v = DraftVersionModel()
        v.draftID = b.id
        v.version = 1
        v.state = DraftState.draft.rawValue
        v.content = content
        v.items = m.items
        v.author = DraftVersionRecord.Author.ai.rawValue
        v.authorID = b.owner
        v.note = note
        v.createdAt = instant
        try await database.db.transaction { db in
            try await m.create(on: db)
            try await v.create(on: db)
            if let school = b.schoolID { try await Self.countDraft(owner: b.owner, school: school, at: instant, on: db as! any SQLDatabase) }
        }
        return DraftRecord(m)
    }
}
