import Curriculum
import Foundation
import Inference
import QianxueCore

extension AssistantService {
    /// Starts a quiz: the model writes it as JSON under the quiz schema; the answer is read and
    /// validated before anything is stored, and asked for once more when it is invalid. When the
    /// offline provider answers, or the model fails twice, the quiz is written from the lesson
    /// itself (`LessonQuizWriter`) and labelled offline. The validated quiz streams as readable text.
    func startQuiz(_ b: Brief) async throws -> DraftStream {
        let competencies = b.lesson.competencies.compactMap { Competency(code: $0) }
        let format = QuizSchema.responseFormat(count: b.itemCount, competencies: competencies)
        let messages = DraftPrompt.messages(kind: .quiz, lesson: b.lesson, band: b.band, className: b.className,
                                            instructions: b.new.instructions, itemCount: b.itemCount, conversation: nil,
                                            lessonCharacters: lessonCharacters)
        let job = job(b, messages: messages, maxTokens: 120 + 150 * b.itemCount, responseFormat: format)
        // The first attempt is started here, so that a full queue or a spent budget is an HTTP answer.
        let first = try await inference.start(job)
        let validator = QuizValidator(count: b.itemCount, band: b.band, competencies: competencies)
        let events = AsyncStream<DraftEvent> { out in
            let task = Task {
                var attempt = await collect(first, out: out)
                var notes: [String] = []
                var items: [QuizItem]?
                if attempt.stopped == nil, attempt.provider != "offline" {
                    switch validator.read(attempt.text) {
                    case .success(let valid): items = valid
                    case .failure(let invalid):
                        notes.append("first answer invalid: \(invalid.summary)")
                        if let again = try? await inference.start(job) {
                            attempt = await collect(again, out: out)
                            switch validator.read(attempt.text) {
                            case .success(let valid): items = valid
                            case .failure(let invalid): notes.append("second answer invalid: \(invalid.summary)")
                            }
                        }
                    }
                }
                if let why = attempt.stopped {
                    out.yield(.done(DraftDone(draft: nil, usage: attempt.usage, provider: attempt.provider, model: attempt.model,
                                              finishReason: attempt.finish, reason: why)))
                    return out.finish()
                }
                var provider = attempt.provider
                var model = attempt.model
                if items == nil {
                    let written = offlineQuiz(b)
                    guard !written.isEmpty else {
                        out.yield(.error("no valid quiz could be written for '\(b.lesson.slug)'" + (notes.isEmpty ? "" : ": " + notes.joined(separator: "; "))))
                        return out.finish()
                    }
                    if written.count < b.itemCount { notes.append("the lesson gave \(written.count) of the \(b.itemCount) items asked for") }
                    items = written
                    provider = "offline"
                    model = OfflineProvider.modelName
                    notes.append("written offline from the lesson's text")
                }
                let text = DraftPrompt.render(items ?? [])
                for piece in text.split(separator: "\n", omittingEmptySubsequences: false) { out.yield(.delta(piece + "\n")) }
                do {
                    let stored = try await store(b, content: text, items: items, provider: provider, model: model,
                                                 note: notes.isEmpty ? nil : notes.joined(separator: "; "))
                    out.yield(.done(DraftDone(draft: stored, usage: attempt.usage, provider: provider, model: model, finishReason: "stop", reason: nil)))
                } catch {
                    logger.error("a quiz could not be stored", metadata: ["draft": "\(b.id)", "error": "\(error)"])
                    out.yield(.error("the quiz could not be stored"))
                }
                out.finish()
            }
            out.onTermination = { _ in task.cancel() }
        }
        return DraftStream(draftID: b.id, events: events)
    }

    /// The lesson's own quiz, with the band's other lessons for distractors.
    func offlineQuiz(_ b: Brief) -> [QuizItem] {
        let others = curriculum.lessons(band: b.lesson.band, for: .teacher).filter { $0.slug != b.lesson.slug }
        return LessonQuizWriter(lesson: b.lesson, band: b.band, others: others).write(count: b.itemCount)
    }

    struct Attempt {
        var text = ""
        var provider = "offline"
        var model = OfflineProvider.modelName
        var usage: TokenUsage?
        var finish = "stop"
        /// Why the answer cannot be used at all (refused or stopped by the safety screen).
        var stopped: String?
    }

    /// Reads one answer whole; its flags go to the client at once, its text is held for validation.
    private func collect(_ events: AsyncStream<ChatEvent>, out: AsyncStream<DraftEvent>.Continuation) async -> Attempt {
        var a = Attempt()
        for await e in events {
            switch e {
            case .delta(let d): a.text += d
            case .flag(let f): out.yield(.flag(f))
            case .error(let failure): a.text = ""; a.provider = "failed"; a.model = failure.description
            case .done(let d):
                a.provider = d.provider
                a.model = d.model
                a.usage = d.usage
                a.finish = d.finishReason
                if d.finishReason == "refused" { a.stopped = "the request was refused by the safety screen" }
                if d.finishReason == "content_filter" { a.stopped = "the quiz was stopped by the safety screen" }
            }
        }
        return a
    }
}
