import Curriculum
import Foundation
import Inference
import QianxueCore

/// The prompts of the teacher assistant: a stable system prompt per kind (so that the endpoint can
/// reuse its cached prefix) and a user message grounded in the lesson's own text and the class's band.
public enum DraftPrompt {
    /// Characters of lesson text sent at most by default: the prompt must fit a small endpoint's
    /// context (2,048 tokens a slot in ops/test) with room for the answer. An endpoint with a larger
    /// context takes more (`QIANXUE_ASSISTANT_LESSON_CHARACTERS`); a Chinese character is about one
    /// token for most models' tokenizers.
    public static let defaultLessonCharacters = 400
    /// The accepted range of that setting.
    public static let lessonCharacterRange = 200...50_000

    static let rules = "只依据下面给出的课文内容，不编造事实、数字和出处；涉及贵州民族文化和红色文化的内容只用课文里的事实。"
        + "不写学生的真实姓名。这是给老师的草稿，老师审阅、修改并批准之后才会给学生。用简体中文。"

    static func system(_ kind: DraftKind) -> String {
        switch kind {
        case .lessonPlan:
            return "你是黔学平台的教师 AI 助教。请为老师写一份教案草稿，用 Markdown，依次包括：教学目标、教学重点与难点、"
                + "教学过程（导入、新授、课堂活动、小结，每一步注明大约几分钟）、课堂提问、分层作业。" + rules
        case .differentiation:
            return "你是黔学平台的教师 AI 助教。请把这节课为同一个班里不同水平的学生分成三层来设计，用 Markdown：基础层、提高层、拓展层；"
                + "每一层写清楚学习目标、学习任务、给学生的提示和检查方式，三层共用同一个课堂时间。" + rules
        case .quiz:
            return "你是黔学平台的教师 AI 助教。请根据课文出选择题，只输出一个 JSON 对象：{\"items\":[{\"type\":\"single\"或\"multiple\","
                + "\"stem\":题干,\"options\":[选项],\"keys\":[正确选项的字母],\"rationale\":为什么这个答案对、其他选项错在哪里,"
                + "\"competency\":能力代码}]}。单选题（single）四个选项、只有一个正确答案；多选题（multiple）四到五个选项、"
                + "有两个或更多正确答案但不是全部，全部选对才得分。选项互不相同，答案能在课文里找到依据。" + rules
        case .feedback:
            return "你是黔学平台的教师 AI 助教。请阅读学生的学习记录（和学伴的对话，或小测验的作答与解析），为老师写一份学习反馈建议，"
                + "用 Markdown：学生做得好的地方、还需要改进的地方、下一步的建议。反馈只是建议：如果提到分数，只能写成“建议分数”，"
                + "最终成绩由老师决定；小测验的得分已按答案判定，不要改动。"
                + "对话里的人名、电话等个人信息已被替换为占位符，不要猜测。" + rules
        }
    }

    /// The lesson as the model reads it: title, band and grades, objectives, and the text of its
    /// sections (teacher notes included: the reader is the teacher), cut to a budget of `characters`
    /// of which no section takes more than half (at least 200), so that every section is heard.
    static func lessonBrief(_ lesson: Lesson, band: GradeBand, className: String?, characters: Int = defaultLessonCharacters) -> String {
        var text = "课文：《\(lesson.title)》\n学段：\(ContentBand(band).title)"
        if let className { text += "（班级 \(className)）" }
        text += "；课文适用年级：\(lesson.grades.joined(separator: "、"))；课时：\(lesson.hours == lesson.hours.rounded() ? String(Int(lesson.hours)) : String(lesson.hours))\n学习目标：\n"
        for o in lesson.objectives { text += "- \(o.text)（\(o.competency)）\n" }
        var budget = characters
        let perSection = max(200, characters / 2)
        text += "课文内容：\n"
        for s in lesson.sections where budget > 0 && s.heading != "拓展" {
            let body = String(s.text.replacingOccurrences(of: "**", with: "").prefix(min(budget, perSection)))
            budget -= body.count
            text += "## \(s.heading)\n\(body)\n"
        }
        return text
    }

    /// The lesson goes with the system prompt (the caller's own text, not screened as input and
    /// the same for every request on the lesson); the task, the teacher's instructions and a
    /// student's conversation go in the user message, which the safety pipeline screens and redacts.
    static func messages(kind: DraftKind, lesson: Lesson, band: GradeBand, className: String?, instructions: String?,
                         itemCount: Int, conversation: String?, lessonCharacters: Int = defaultLessonCharacters) -> [ChatMessage] {
        let system = system(kind) + "\n\n" + lessonBrief(lesson, band: band, className: className, characters: lessonCharacters)
        var user: String
        switch kind {
        case .lessonPlan: user = "请为这节课写教案草稿。"
        case .differentiation: user = "请为这节课写分层教学设计草稿。"
        case .quiz:
            user = "请出 \(itemCount) 道选择题，以单选题为主，可以有多选题；competency 从这些能力代码中选：\(lesson.competencies.joined(separator: "、"))。"
        case .feedback:
            user = "请根据下面的学习记录写学习反馈建议。\n" + (conversation ?? "")
        }
        if let instructions, !instructions.isEmpty { user += "\n老师的要求：\(instructions)" }
        return [ChatMessage(.system, system), ChatMessage(.user, user)]
    }

    /// A quiz as a teacher reads it in the stream and in `content`.
    static func render(_ items: [QuizItem]) -> String {
        items.enumerated().map { i, item in
            var s = "\(i + 1). \(item.stem)\n"
            for o in item.options { s += "   \(o.id). \(o.text)\n" }
            s += "   答案：\(item.keys.joined(separator: "、"))" + (item.type == .multiple ? "（多选，全部选对才得分）" : "")
                + "（\(item.competency.code)）\n   解析：\(item.rationale)\n"
            return s
        }.joined(separator: "\n")
    }
}
