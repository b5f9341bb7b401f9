import Foundation
import QianxueCore

/// The embedded provider: the default when no endpoint is configured and the fallback when it
/// fails. It answers in Chinese from the lesson passages its caller hands it, in the Socratic
/// style — it restates the question, points to the sentence of the lesson that bears on it, and
/// asks a guiding question — and it says plainly that the AI service is offline. Deterministic:
/// the same question on the same passages gives the same answer.
public struct OfflineProvider: InferenceProvider {
    public static let modelName = "qianxue-offline"
    public static let notice = "（AI 服务暂时离线：这是离线学伴根据课文给出的提示，不是 AI 的回答。）"

    public var kind: String { "offline" }
    public var model: String { Self.modelName }
    /// Characters per streamed piece.
    let piece: Int

    public init(piece: Int = 12) {
        self.piece = piece
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        let text = answer(request)
        let pieces = Self.pieces(text, size: piece)
        let usage = TokenUsage(promptTokens: Self.estimateTokens(request.messages.map(\.content).joined()),
                               completionTokens: Self.estimateTokens(text))
        return AsyncThrowingStream { c in
            for p in pieces { c.yield(.delta(p)) }
            c.yield(.finish("stop"))
            c.yield(.usage(usage))
            c.finish()
        }
    }

    /// The reply for a request.
    public func answer(_ request: ChatRequest) -> String {
        let question = request.question.trimmingCharacters(in: .whitespacesAndNewlines)
        let restated = question.count > 40 ? String(question.prefix(40)) + "……" : question
        guard !question.isEmpty else {
            return Self.notice + "\n请先写下你的问题，我会帮你在课文里找线索。"
        }
        if let ladder = Self.ladder(for: question, in: request.hintLadders) {
            // how often the student asked about this exercise before: one rung higher each time
            let earlier = request.messages.filter { $0.role == .user }.dropLast()
                .filter { Self.ladder(for: $0.content, in: [ladder]) != nil }.count
            let rung = min(earlier, ladder.hints.count - 1)
            let step = rung == ladder.hints.count - 1 && earlier > rung ? "这是最后一条提示了，试着自己写下答案，再请老师看看。" : "想好了再告诉我你的想法。"
            return Self.notice + "\n你问的是练习：「\(ladder.prompt.prefix(60))」。\n提示 \(rung + 1)/\(ladder.hints.count)：\(ladder.hints[rung])\n\(step)"
        }
        guard let match = PassageMatcher(passages: request.passages).best(for: question) else {
            if request.passages.isEmpty {
                return Self.notice + "\n你问的是：「\(restated)」。\n现在没有课文材料可以参考。可以先把问题记下来，等 AI 服务恢复，或者问问老师、同学：你觉得这个问题的关键词是什么？"
            }
            let titles = Array(Set(request.passages.map(\.title))).sorted().prefix(2).map { "《\($0)》" }.joined(separator: "、")
            return Self.notice + "\n你问的是：「\(restated)」。\n在\(titles)里，我没有找到和这个问题直接有关的句子。回头读一读课文的学习目标：你的问题和哪一个目标最接近？"
        }
        let guide = Self.guidingQuestion(for: question, keyword: match.keyword)
        return Self.notice + "\n你问的是：「\(restated)」。\n课文《\(match.passage.title)》里有这样一句：「\(match.sentence)」\n想一想：\(guide)"
    }

    static func guidingQuestion(for question: String, keyword: String) -> String {
        let templates = [
            "这句话里的「\(keyword)」是什么意思？你能用自己的话说一说吗？",
            "这句话和你的问题有什么联系？它回答了问题的哪一部分？",
            "如果换一个生活中的例子，这句话说的道理还成立吗？",
            "读完这句话，你觉得还缺少什么信息，才能完整地回答你的问题？",
        ]
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in question.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return templates[Int(h % UInt64(templates.count))]
    }

    static func pieces(_ text: String, size: Int) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if current.count >= size { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// A rough count (Chinese characters are about one token each, Latin words about one and a half).
    static func estimateTokens(_ text: String) -> Int {
        let scalars = TextTerms.scalars(text)
        let han = scalars.filter(TextTerms.isHan).count
        return han + (scalars.count - han + 3) / 4
    }
}

extension OfflineProvider {
    /// The exercise a question is about: the ladder whose prompt shares the most terms with it, if
    /// it shares at least three and a quarter of the prompt's.
    static func ladder(for question: String, in ladders: [HintLadder]) -> HintLadder? {
        let q = Set(TextTerms.keys(TextTerms.scalars(question)))
        guard !q.isEmpty else { return nil }
        var best: (HintLadder, Int)?
        for l in ladders where !l.hints.isEmpty {
            let p = Set(TextTerms.keys(TextTerms.scalars(l.prompt)))
            let shared = p.intersection(q).count
            guard shared >= 3, shared * 4 >= p.count, shared > (best?.1 ?? 0) else { continue }
            best = (l, shared)
        }
        return best?.0
    }
}
