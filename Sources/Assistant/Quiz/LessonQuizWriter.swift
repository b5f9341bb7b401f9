import Assessment
import Curriculum
import Foundation
import QianxueCore

/// Writes a quiz from the lesson itself when no model can (the offline provider's quiz): fill-in
/// items on the lesson's bolded key terms and on the numbers its facts give, items on the lesson's
/// objectives and on which sentence the lesson says, against other lessons' of the band — single
/// choice, and multiple choice ("which of these are this lesson's objectives / sentences?", two
/// keys among four). Every key and rationale is the lesson's own text; nothing is invented.
/// Deterministic: the same lesson gives the same quiz.
struct LessonQuizWriter {
    /// `keys` index `options`; one key is single choice, two multiple choice.
    typealias Draft = (stem: String, options: [String], keys: [Int], rationale: String, competency: Competency)

    let lesson: Lesson
    let band: GradeBand
    /// Other lessons of the band: their objectives and sentences are the distractors.
    let others: [Lesson]

    func write(count: Int) -> [QuizItem] {
        let competency = lesson.competencies.compactMap { Competency(code: $0) }.first ?? Competency(.techniques, .understand)
        let pools = [termItems(competency), numberItems(competency), objectiveItems(), sentenceItems(competency),
                     pairItems(competency)]
        var chosen: [Draft] = []
        var index = 0
        // Interleave the kinds so that a short quiz still mixes them.
        while chosen.count < count, pools.contains(where: { index < $0.count }) {
            for pool in pools where index < pool.count && chosen.count < count {
                let candidate = pool[index]
                if !chosen.contains(where: { $0.stem == candidate.stem && Self.keyTexts($0) == Self.keyTexts(candidate) }) {
                    chosen.append(candidate)
                }
            }
            index += 1
        }
        return chosen.enumerated().map { i, c in Self.item(c, number: i, band: band) }
    }

    static func keyTexts(_ d: Draft) -> Set<String> { Set(d.keys.map { d.options[$0] }) }

    /// The item as students see it: a single key moves round the positions A, B, C, D, A, …; a
    /// multiple-choice item's options turn by one place per item, so its keys move too.
    static func item(_ c: Draft, number i: Int, band: GradeBand) -> QuizItem {
        var options = c.options
        let n = options.count
        let keys: [String]
        if c.keys.count == 1 {
            let keyText = options.remove(at: c.keys[0])
            options.insert(keyText, at: i % n)
            keys = [QuizSchema.optionIDs[i % n]]
        } else {
            options = (0..<n).map { c.options[($0 - i % n + n) % n] }
            keys = c.keys.map { QuizSchema.optionIDs[($0 + i) % n] }
        }
        return QuizItem(id: "q\(i + 1)", stem: c.stem, options: zip(QuizSchema.optionIDs, options).map { ItemOption(id: $0, text: $1) },
                        key: QuizItem.key(keys), rationale: c.rationale, competency: c.competency, bands: [band])
    }

    private var sentences: [String] { Self.sentences(of: lesson) }

    static func sentences(of lesson: Lesson) -> [String] {
        lesson.sections.filter { !$0.heading.contains("教师") && !$0.heading.contains("活动") }.flatMap { split($0.text) }
    }

    static func split(_ text: String) -> [String] {
        text.split(whereSeparator: { "。！？\n".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "-*> ")) }
            .map { $0.replacing(/^\d+[.、．]\s*/, with: "") }
            .filter { (8...120).contains($0.count) }
    }

    /// Bolded key terms: short Chinese phrases, not headings.
    private var terms: [String] {
        var seen: [String] = []
        for s in lesson.sections.map(\.text) {
            for part in s.components(separatedBy: "**").enumerated() where part.offset % 2 == 1 {
                let t = part.element.trimmingCharacters(in: .whitespaces)
                guard (2...10).contains(t.count), t.unicodeScalars.allSatisfy({ TextTerms.isHan($0.value) }), !seen.contains(t) else { continue }
                seen.append(t)
            }
        }
        return seen
    }

    private func termItems(_ competency: Competency) -> [Draft] {
        let terms = self.terms
        guard terms.count >= 4 else { return [] }
        return terms.enumerated().compactMap { i, term in
            guard let sentence = sentences.first(where: { $0.contains("**\(term)**") }) else { return nil }
            let plain = sentence.replacingOccurrences(of: "**", with: "")
            let blanked = sentence.replacingOccurrences(of: "**\(term)**", with: "（　　）").replacingOccurrences(of: "**", with: "")
            let others = (1..<terms.count).map { terms[(i + $0) % terms.count] }.filter { !plain.contains($0) }
            guard others.count >= 3 else { return nil }
            return ("根据《\(lesson.title)》，括号里应填哪一项？\(blanked)", [term] + others.prefix(3), [0], "课文原句：「\(plain)」", competency)
        }
    }

    private func numberItems(_ competency: Competency) -> [Draft] {
        let pattern = /(\d{1,4})(道|项|个|年|种|次|天|万|座|名|所|首|位|条|页|米|公里|小时|分钟)/
        var seen: Set<String> = []
        return sentences.compactMap { sentence in
            let plain = sentence.replacingOccurrences(of: "**", with: "")
            guard let m = plain.firstMatch(of: pattern), let n = Int(m.1), n > 0, seen.insert(plain).inserted else { return nil }
            let unit = String(m.2)
            let distractors = (1000...2100).contains(n) && unit == "年" ? [n - 10, n + 5, n + 10] : [n * 2, n > 1 ? n / 2 : n + 2, n * 3]
            guard Set(distractors + [n]).count == 4 else { return nil }
            let blanked = plain.replacingCharacters(in: m.range, with: "（　　）\(unit)")
            return ("根据《\(lesson.title)》，括号里的数是多少？\(blanked)", ([n] + distractors).map { "\($0)" }, [0], "课文原句：「\(plain)」", competency)
        }
    }

    private func objectiveItems() -> [Draft] {
        let others = self.others.flatMap(\.objectives).map(\.text).filter { t in !lesson.objectives.contains { $0.text == t } && t.count <= 120 }
        guard others.count >= 3 else { return [] }
        return lesson.objectives.enumerated().compactMap { i, o in
            guard o.text.count <= 120, let c = Competency(code: o.competency) else { return nil }
            let picked = (0..<3).map { others[(i * 3 + $0 * 7) % others.count] }
            guard Set(picked).count == 3 else { return nil }
            return ("下面哪一项是《\(lesson.title)》这节课的学习目标？", [o.text] + picked, [0],
                    "本课的学习目标之一是：「\(o.text)」。其他几项是本学段其他课的目标。", c)
        }
    }

    /// "Which of these does this part of the lesson say?" — one of its plain sentences against
    /// sentences of other lessons of the band that this one does not contain.
    private func sentenceItems(_ competency: Competency) -> [Draft] {
        let text = lesson.sections.map(\.text).joined().replacingOccurrences(of: "**", with: "")
        let usable = { (s: String) in (12...60).contains(s.count) && !s.contains("：") && !s.contains("（　　）") }
        let foreign = others.flatMap(Self.sentences(of:)).map { $0.replacingOccurrences(of: "**", with: "") }
            .filter { usable($0) && !text.contains($0) }
        guard foreign.count >= 3 else { return [] }
        var seen: Set<String> = []
        var out: [Draft] = []
        for section in lesson.sections where !section.heading.contains("教师") && !section.heading.contains("活动") {
            for sentence in Self.split(section.text).map({ $0.replacingOccurrences(of: "**", with: "") }) where usable(sentence) {
                guard seen.insert(sentence).inserted else { continue }
                let i = out.count
                let picked = (0..<3).map { foreign[(i * 5 + $0 * 11) % foreign.count] }
                guard Set(picked).count == 3 else { continue }
                out.append(("下面哪一句话出自《\(lesson.title)》的「\(section.heading)」部分？", [sentence] + picked, [0],
                            "课文「\(section.heading)」部分的原句：「\(sentence)」。其他几句出自本学段的其他课。", competency))
            }
        }
        return out
    }

    /// Multiple choice: two of the lesson's objectives, or two of its sentences, among two of other
    /// lessons of the band; both lesson's own are keys.
    private func pairItems(_ competency: Competency) -> [Draft] {
        let text = lesson.sections.map(\.text).joined().replacingOccurrences(of: "**", with: "")
        let goals = lesson.objectives.filter { $0.text.count <= 120 }
        let foreignGoals = others.flatMap(\.objectives).map(\.text)
            .filter { t in !lesson.objectives.contains { $0.text == t } && !text.contains(t) && t.count <= 120 }
        var out: [Draft] = []
        if goals.count >= 2, foreignGoals.count >= 2 {
            for i in stride(from: 0, to: goals.count - 1, by: 2) {
                let pair = [goals[i].text, goals[i + 1].text]
                let picked = (0..<2).map { foreignGoals[(i * 5 + $0 * 13) % foreignGoals.count] }
                guard Set(picked).count == 2 else { continue }
                out.append(("下面哪几项是《\(lesson.title)》这节课的学习目标？（多选）", pair + picked, [0, 1],
                            "本课的学习目标包括：「\(pair[0])」和「\(pair[1])」。其他两项是本学段其他课的目标。",
                            Competency(code: goals[i].competency) ?? competency))
            }
        }
        let usable = { (s: String) in (12...60).contains(s.count) && !s.contains("：") }
        let own = sentences.map { $0.replacingOccurrences(of: "**", with: "") }.filter(usable)
        let foreign = others.flatMap(Self.sentences(of:)).map { $0.replacingOccurrences(of: "**", with: "") }
            .filter { usable($0) && !text.contains($0) }
        if foreign.count >= 2 {
            // From the end of the lesson, so that these pairs are not the single-choice items' sentences.
            let tail = Array(own.reversed())
            for i in stride(from: 0, to: tail.count - 1, by: 2) where Set([tail[i], tail[i + 1]]).count == 2 {
                let picked = (0..<2).map { foreign[(i * 7 + $0 * 11) % foreign.count] }
                guard Set(picked).count == 2 else { continue }
                out.append(("下面哪几句话出自《\(lesson.title)》？（多选）", [tail[i], tail[i + 1]] + picked, [0, 1],
                            "课文原句：「\(tail[i])」「\(tail[i + 1])」。其他两句出自本学段的其他课。", competency))
            }
        }
        return out
    }
}
