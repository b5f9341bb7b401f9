/// The `exercises` of a lesson's front matter. Answer keys live only there, so the rules keep
/// each key whole and definite and every hint short of it.
extension LessonParser {
    static let hintCount = 2...4
    static let minimumAnswerLength = 2

    static func parseExercises(_ f: YAMLFields) -> [Lesson.Exercise] {
        guard f.value("exercises") != nil, let records = f.records("exercises") else { return [] }
        var seen = Set<String>()
        return records.compactMap { r in
            r.refuseUnknown(["id", "prompt", "answer", "hints"])
            let id = r.text("id")
            let prompt = r.text("prompt")
            let answer = r.text("answer")
            let hints = r.textLines("hints", required: true)
            if let id {
                if !isSlug(id) { r.problem("id", "must be a short slug of lower-case letters, digits and hyphens, not \(id)") }
                if !seen.insert(id).inserted { r.problem("id", "\(id) is used by another exercise of this lesson") }
            }
            if let answer, answer.count < minimumAnswerLength {
                r.problem("answer", "must be at least \(minimumAnswerLength) characters; write a choice with its text (`B. 训练数据`), not the letter alone")
            }
            if r.value("hints") != nil, !hintCount.contains(hints.count) {
                r.problem("hints", "needs \(hintCount.lowerBound) to \(hintCount.upperBound) hints, from gentle to specific, not \(hints.count)")
            }
            guard let id, let prompt, let answer else { return nil }
            let exercise = Lesson.Exercise(id: id, prompt: prompt, answer: answer, hints: hints.map(\.text))
            for hint in hints where exercise.answerIsRevealed(by: hint.text) {
                r.sink.add(r.file, hint.line, "a hint of exercise \(id) gives its answer away; hints stop short of the answer")
            }
            return exercise
        }
    }

    /// Words that mark a worked answer (`参考答案：…`, `活动一答案：…`).
    static let answerMarkers = ["参考答案", "答案：", "答案:", "答案约为", "参考结果"]

    /// Students read the whole body, `教师提示` included, so a student lesson's body holds no
    /// answer key: no section for answers, no line marked as one.
    static func checkBodyHoldsNoAnswers(_ body: String, firstLine: Int, sections: [Lesson.Section], band: ContentBand,
                                        file: String, sink: DiagnosticSink) {
        for s in sections where s.heading.contains("答案") {
            sink.add(file, s.line, "section `## \(s.heading)` would show answers to students; give them as `exercises` in the front matter")
        }
        guard band != .teacherPD else { return }
        for (i, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.hasPrefix("## ") {
            if let marker = answerMarkers.first(where: { line.contains($0) }) {
                sink.add(file, firstLine + i, "`\(marker)` in the body reaches students (they read it all, 教师提示 too); give answer keys as `exercises` in the front matter")
            }
        }
    }
}
