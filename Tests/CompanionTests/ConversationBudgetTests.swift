import Foundation
import Inference
import Testing
@testable import Companion

@Suite struct ConversationBudgetTests {
    func message(_ seq: Int, _ role: MessageRecord.Role, _ text: String) -> CompanionService.PastMessage {
        CompanionService.PastMessage(role: role.rawValue, content: text)
    }

    @Test func recentTurnsAreKeptAndOlderOnesDroppedWithANoteOfWhatWasAsked() {
        // given a long conversation: a notice, then 20 turns of 400 characters each way
        var history = [message(1, .notice, "你好！我是黔学学伴。")]
        for i in 0..<20 {
            history.append(message(2 + 2 * i, .student, "问题\(i)：" + String(repeating: "问", count: 400)))
            history.append(message(3 + 2 * i, .companion, "回答\(i)：" + String(repeating: "答", count: 400)))
        }

        // when the next turn is built
        let messages = CompanionService.conversation(system: "系统提示", history: history, newest: "最新的问题")

        // then the system prompt comes first, the newest last, the conversation fits the budget
        #expect(messages.first == ChatMessage(.system, "系统提示"))
        #expect(messages.last == ChatMessage(.user, "最新的问题"))
        let kept = messages.dropFirst(2).dropLast()
        #expect(kept.reduce(0) { $0 + $1.content.count } <= CompanionService.contextCharacters)
        #expect(kept.last?.content.hasPrefix("回答19") == true)
        // the oldest turns are gone, named in a note; the notice never goes to the model
        #expect(messages[1].role == .system && messages[1].content.contains("更早的对话已省略"))
        #expect(!messages.contains { $0.content.contains("黔学学伴。") })
        #expect(!kept.contains { $0.content.hasPrefix("问题0") })
    }

    @Test func aShortConversationGoesWhole() {
        let history = [message(1, .notice, "通知"), message(2, .student, "什么是数据？"), message(3, .companion, "你觉得呢？")]
        let messages = CompanionService.conversation(system: "S", history: history, newest: "是数字吗？")
        #expect(messages.map(\.role) == [.system, .user, .assistant, .user])
    }
}
