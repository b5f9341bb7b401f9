import Foundation
import HummingbirdTesting
import Inference
import QianxueCore
import Registry
import Testing
import TestSupport

/// A teacher's day driven through `qx` as a subprocess against the running server — with the real
/// loopback model when ops/test provides it (and then the drafts must be the model's), else offline.
@Suite struct TeacherDayTests {
    static let qxBinary = Repository.root.appendingPathComponent(".build/debug/qx")

    typealias Run = Shell.Run

    /// Runs `qx` with its own config folder (one per person), no colour, and `input` on standard input.
    static func qx(_ args: [String], home: URL, input: String = "", env extra: [String: String] = [:]) async throws -> Run {
        var env = ProcessInfo.processInfo.environment
        env["XDG_CONFIG_HOME"] = home.path
        env["NO_COLOR"] = "1"
        env.merge(extra) { $1 }
        return try await Shell.run(qxBinary, args, environment: env, input: input)
    }

    static func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// The id after `marker` in qx's output (`— 草稿 ID`, `— id ID`).
    static func id(after marker: String, in text: String) -> String? {
        guard let r = text.range(of: marker) else { return nil }
        return String(text[r.upperBound...].prefix { $0.isHexDigit || $0 == "-" })
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: qxBinary.path), "needs the qx binary (swift build)"))
    func aScriptApprovesEveryPendingItemAndGetsTheQuizAsJSON() async throws {
        try await GatewayFixture.with(.sqlite) { f in
            try await f.app().testLive { client in
                // given a teacher signed in through qx with a two-item quiz drafted for her class
                let cls = try await f.platform.registry.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-7")
                try await f.platform.registry.addMember(classID: cls.id, userID: f.teacherA.id, role: .teacher)
                let home = FileManager.default.temporaryDirectory.appendingPathComponent("qx-script-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: home) }
                func t(_ args: [String], _ input: String = "") async throws -> Run { try await Self.qx(args, home: home, input: input) }
                _ = try await t(["login", "--username", "teacher.a", "--password-stdin", "--server", "http://127.0.0.1:\(client.port!)"], GatewayFixture.password + "\n")
                let quiz = try await t(["quiz", "draft", "--lesson", "jr-miao-silver-features", "--class", "8-7", "--items", "2", "--output", "json"])
                let id = try #require((Self.json(quiz.out) as? [String: Any])?["id"] as? String, "\(quiz.out)\(quiz.err)")
                // when a script approves it whole, asking nothing
                let run = try await t(["quiz", "review", id, "--approve-all", "--publish", "--output", "json"])
                // then standard output is the published quiz as JSON, every item approved as written
                let d = try #require(Self.json(run.out) as? [String: Any], "\(run.out)\(run.err)")
                #expect(d["state"] as? String == "published" && (d["items"] as? [[String: Any]])?.allSatisfy { $0["review"] as? String == "approved" } == true, "\(d)")
            }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: qxBinary.path), "needs the qx binary (swift build)"))
    func aTeachersDayThroughQx() async throws {
        let real = RealInference.available
        if real { EngineLog.recordRealInference(test: #function) }
        try await GatewayFixture.with(.sqlite, configure: { c in
            if real { c.inference = try? InferenceEndpoint(baseURL: RealInference.baseURL!, model: RealInference.model, apiKey: nil) }
        }) { f in
            try await f.app().testLive { client in
                let server = "http://127.0.0.1:\(client.port!)"
                let r = f.platform.registry
                let cls = try await r.createClass(schoolID: f.schoolA.id, grade: "8", name: "8-6")
                let pupil = try await r.createUser(NewUser(username: "pupil.day", displayName: "杨小花", role: .student, schoolID: f.schoolA.id, birthDate: "2012-01-15",
                                                           password: GatewayFixture.password), actor: nil)
                try await r.addMember(classID: cls.id, userID: f.teacherA.id, role: .teacher)
                try await r.addMember(classID: cls.id, userID: pupil.id, role: .student)
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qx-day-\(UUID().uuidString)")
                let teacher = dir.appendingPathComponent("teacher"), student = dir.appendingPathComponent("student")
                defer { try? FileManager.default.removeItem(at: dir) }
                func t(_ args: [String], _ input: String = "") async throws -> Run { try await Self.qx(args, home: teacher, input: input) }
                func s(_ args: [String], _ input: String = "") async throws -> Run { try await Self.qx(args, home: student, input: input) }

                // the teacher signs in and finds the lesson
                #expect(try await t(["login", "--username", "teacher.a", "--password-stdin", "--server", server], GatewayFixture.password + "\n").status == 0)
                let search = try await t(["lessons", "search", "苗族银饰", "--limit", "3"])
                #expect(search.out.contains("jr-miao-silver-features"), "\(search.out)\(search.err)")

                // drafts a lesson plan for class 8-6, streamed, and approves and publishes it
                let plan = try await t(["draft", "lesson-plan", "--lesson", "jr-miao-silver-features", "--class", "8-6", "--instructions", "突出小组合作"])
                let planID = try #require(Self.id(after: "— 草稿 ", in: plan.out), "\(plan.out)\(plan.err)")
                let shown = try #require(Self.json(try await t(["draft", "show", planID, "--output", "json"]).out) as? [String: Any])
                if real {
                    #expect(shown["provider"] as? String == "openai-compatible" && shown["model"] as? String == RealInference.model, "\(shown)")
                }
                let edited = dir.appendingPathComponent("plan.md")
                try "# 教案\n## 教学目标\n老师改写：小组合作设计银饰特征表。".write(to: edited, atomically: true, encoding: .utf8)
                let edit = try await t(["draft", "edit", planID, "--file", edited.path, "--note", "改写目标"])
                #expect(edit.out.contains("saved version 2"), "\(edit.out)\(edit.err)")
                #expect((try await t(["draft", "approve", planID, "--publish"])).out.contains("published"))
                let versions = try #require(Self.json(try await t(["draft", "versions", planID, "--output", "json"]).out) as? [[String: Any]])
                #expect(versions.map { $0["author"] as? String } == ["ai", "teacher", "teacher", "teacher"])

                // drafts a four-item quiz, approves every item and publishes it
                let quiz = try await t(["quiz", "draft", "--lesson", "jr-miao-silver-features", "--class", "8-6", "--items", "4"])
                let quizID = try #require(Self.id(after: "— 草稿 ", in: quiz.out), "\(quiz.out)\(quiz.err)")
                if real {
                    // the model was asked under the schema; its quiz is stored, or (a small model) it was refused and said why
                    let q = try #require(Self.json(try await t(["draft", "show", quizID, "--output", "json"]).out) as? [String: Any])
                    let v1 = try #require((Self.json(try await t(["draft", "versions", quizID, "--output", "json"]).out) as? [[String: Any]])?.first)
                    #expect(q["provider"] as? String == "openai-compatible" || (v1["note"] as? String)?.contains("answer invalid") == true, "\(q) \(v1)")
                }
                // a slip of the shell (an empty id) is refused before anything is sent, in one plain line
                let empty = try await t(["draft", "edit", ""])
                #expect(empty.status != 0 && empty.err.contains("is empty; nothing was sent") && !empty.err.contains("DecodingError"), "\(empty.err)")
                let refused = try await t(["draft", "approve", quizID])
                #expect(refused.status != 0 && refused.err.contains("items 1, 2, 3, 4") && refused.err.contains("qx quiz review"), "\(refused.err)")

                // reviews it item by item: approves the first, rewrites the second's rationale in her editor, removes the third, skips the fourth
                let editor = dir.appendingPathComponent("editor.sh")
                try "#!/bin/sh\nsed -i 's/^解析：.*/解析：老师在编辑器里改写的解析。/' \"$1\"\n".write(to: editor, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
                let walk = try await Self.qx(["quiz", "review", quizID], home: teacher, input: "a\ne\nr\ns\n", env: ["EDITOR": editor.path, "VISUAL": ""])
                #expect(walk.status == 0 && walk.out.contains("← 答案") && walk.out.contains("Still pending: item 4"), "\(walk.out)\(walk.err)")
                let reviewed = try #require(Self.json(try await t(["draft", "show", quizID, "--output", "json"]).out) as? [String: Any])
                let marks = (reviewed["items"] as? [[String: Any]])?.map { $0["review"] as? String ?? "" }
                #expect(marks == ["approved", "edited", "removed", "pending"], "\(reviewed)")
                #expect((reviewed["items"] as? [[String: Any]])?[1]["rationale"] as? String == "老师在编辑器里改写的解析。")
                // comes back for the last one, approves it, and says yes to approving the quiz
                let rest = try await t(["quiz", "review", quizID, "--publish"], "a\ny\n")
                #expect(rest.status == 0 && rest.out.contains("1 of 4 items") && rest.out.contains("published"), "\(rest.out)\(rest.err)")

                // assigns the lesson with its quiz, due tomorrow, by the class's code
                let assign = try await t(["assign", "jr-miao-silver-features", "--class", "8-6", "--due", "tomorrow", "--mode", "open", "--quiz", quizID])
                let aid = try #require(Self.id(after: "— id ", in: assign.out), "\(assign.out)\(assign.err)")

                // the student chats in the assignment and answers the quiz
                #expect(try await s(["login", "--username", "pupil.day", "--password-stdin", "--server", server], GatewayFixture.password + "\n").status == 0)
                let chat = try await s(["chat", "--assignment", aid], "好特征要满足哪几点？\n我不想活了\n")
                #expect(chat.out.contains("学伴 ›"), "\(chat.out)\(chat.err)")
                let take = try await s(["quiz", "take", aid, "--answers", "q1=A,q2=B,q4=D", "--output", "json"])
                let result = try #require(Self.json(take.out) as? [String: Any], "\(take.out)\(take.err)")
                #expect(result["maxScore"] as? Int == 3 && (result["items"] as? [[String: Any]])?.allSatisfy { $0["rationale"] != nil } == true)

                // the teacher reads progress, a transcript, and acknowledges the flag
                let progress = try #require(Self.json(try await t(["progress", aid, "--output", "json"]).out) as? [String: Any])
                let row = try #require((progress["students"] as? [[String: Any]])?.first)
                #expect(row["opened"] as? Bool == true && (row["messages"] as? Int ?? 0) >= 1 && row["quizScore"] as? Int == result["score"] as? Int)
                #expect(row["atRisk"] as? Bool == true && (row["flags"] as? Int ?? 0) >= 1, "\(row)")
                let table = try await t(["progress", aid])
                #expect(table.out.contains("at risk") && table.out.contains("1/1 opened") && table.out.contains("class 8-6"), "\(table.out)")
                // and reads names and class codes, not ids
                let listed = try await t(["transcripts", "--class", "8-6", "--student", "杨小花"])
                #expect(listed.out.contains("杨小花") && !listed.out.contains(pupil.id.uuidString.lowercased()), "\(listed.out)\(listed.err)")
                let sessions = try #require(Self.json(try await t(["transcripts", "--class", "8-6", "--output", "json"]).out) as? [[String: Any]])
                let sid = try #require(sessions.first?["id"] as? String)
                #expect(sessions.first?["studentName"] as? String == "杨小花", "\(sessions)")
                #expect(try await t(["transcripts", "--session", sid]).status != 0, "reading a conversation needs a reason")
                let transcript = try await t(["transcripts", "--session", sid, "--reason", "跟进安全提示"])
                #expect(transcript.out.contains("好特征要满足哪几点"), "\(transcript.out)\(transcript.err)")
                let flags = try #require(Self.json(try await t(["flags", "--status", "open", "--output", "json"]).out) as? [[String: Any]])
                let flagID = try #require(flags.first?["id"] as? String)
                #expect(try await t(["flags", "--ack", flagID]).out.contains("acknowledged"))
                let after = try #require(Self.json(try await t(["flags", "--status", "open", "--output", "json"]).out) as? [[String: Any]])
                #expect(!after.contains { $0["id"] as? String == flagID })
            }
        }
    }
}
