import Companion
import Foundation
import Gateway
import Inference
import QianxueCore
import Registry

/// A provider that answers at once: a fixed short Chinese reply in 20 deltas, with usage and a
/// finish, and no waiting — so that a turn's time is what the companion adds around the model.
struct InstantProvider: InferenceProvider {
    var kind: String { "bench" }
    var model: String { "instant" }

    static let deltas = ["这是", "一个", "很好", "的问题。", "课文", "里说，", "有些", "重复性", "的工作", "会被机器",
                         "分担，", "也会", "出现", "新的", "职业。", "你可以", "找一找", "课本里", "的例子", "核对一下。"]

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        AsyncThrowingStream { c in
            for d in Self.deltas { c.yield(.delta(d)) }
            c.yield(.usage(TokenUsage(promptTokens: 600, completionTokens: 60)))
            c.yield(.finish("stop"))
            c.finish()
        }
    }
}

/// What a student sends: short questions a grade-8 student might ask about the lesson.
let questions = ["人工智能会不会让很多工作消失？", "哪些工作比较难被机器代替？", "我长大想当医生，AI 会怎样改变这个职业？",
                 "课文里说的新职业有哪些？", "怎样判断一个工作容易被自动化？", "农民伯伯种茶会用到人工智能吗？",
                 "AI 能帮老师做什么事情？", "学好哪些本领，以后更能适应新的工作？"]

/// A student with an open session.
struct SeededStudent: Sendable {
    let principal: Principal
    let session: UUID
}

/// Seeds one school with a teacher, then on request classes of grade-8 students (born 2012-03-01:
/// 14, so no guardian consent is needed), each class with an open assignment of a junior lesson and
/// each student with a session opened on it.
struct Seeder: Sendable {
    let registry: RegistryService
    let companion: CompanionService
    let school: UUID
    let teacher: Principal
    let lesson: String
    let classSize: Int

    /// Zunyi's Honghuagang district.
    static let county = "520302"
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗").map(String.init)
    static let given = ["小明", "雨桐", "子涵", "欣怡", "浩然", "梓轩", "思远", "佳怡", "一诺", "宇航", "诗涵", "俊杰", "阿朵", "金花"]

    static func school(_ registry: RegistryService, companion: CompanionService, lesson: String, classSize: Int) async throws -> Seeder {
        let s = try await registry.createSchool(SchoolProfile(name: "遵义市学伴测试中学", county: county, stages: [.junior]))
        let t = try await registry.createUser(NewUser(username: "bench.teacher", displayName: "罗老师", role: .teacher, schoolID: s.id),
                                              actor: nil)
        let teacher = Principal(userID: t.id, username: t.username, role: .teacher, schoolID: s.id, regionCode: nil, tokenID: nil)
        return Seeder(registry: registry, companion: companion, school: s.id, teacher: teacher, lesson: lesson, classSize: classSize)
    }

    /// `count` new students tagged `tag`, in classes of `classSize`, each with an open session.
    func students(_ count: Int, tag: String) async throws -> [SeededStudent] {
        let classes = (count + classSize - 1) / classSize
        var assignments: [(cls: UUID, id: UUID)] = []
        for k in 0..<classes {
            let c = try await registry.createClass(schoolID: school, grade: "8", name: "\(tag)-\(k + 1)")
            try await registry.addMember(classID: c.id, userID: teacher.userID, role: .teacher)
            let a = try await companion.createAssignment(NewAssignment(classID: c.id, lessonSlug: lesson, companionMode: .open), by: teacher)
            assignments.append((c.id, a.id))
        }
        let made = assignments
        // One at a time: two students created at once in one school make `Rollups.recountEnrolment`
        // (delete, then insert the school's counts) collide on PostgreSQL (23505 on rollup_enrolment).
        return try await concurrently(count, width: 1) { i in
            let name = Self.surnames[i % Self.surnames.count] + Self.given[(i / Self.surnames.count) % Self.given.count]
            let u = try await registry.createUser(NewUser(username: "\(tag)-s\(i)", displayName: name, role: .student, schoolID: school,
                                                          birthDate: "2012-03-01"), actor: nil)
            let assignment = made[i / classSize]
            try await registry.addMember(classID: assignment.cls, userID: u.id, role: .student)
            // as a signed-in student: the token lookup brings the school's county along
            let p = Principal(userID: u.id, username: u.username, role: .student, schoolID: school, regionCode: nil, tokenID: nil,
                              schoolCounty: RegionCode(Self.county))
            let opened = try await companion.openSession(assignmentID: assignment.id, lessonSlug: nil, by: p)
            guard opened.session.mode == .open else { throw BenchError("session of \(u.username) opened \(opened.session.mode.rawValue)") }
            return SeededStudent(principal: p, session: opened.session.id)
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Runs `body(0..<count)` with at most `width` at a time; the results in order.
func concurrently<T: Sendable>(_ count: Int, width: Int, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
    try await withThrowingTaskGroup(of: (Int, T).self) { group in
        var out = [T?](repeating: nil, count: count)
        var next = 0
        while next < min(width, count) { let i = next; group.addTask { (i, try await body(i)) }; next += 1 }
        while let (i, value) = try await group.next() {
            out[i] = value
            if next < count { let j = next; group.addTask { (j, try await body(j)) }; next += 1 }
        }
        return out.map { $0! }
    }
}
