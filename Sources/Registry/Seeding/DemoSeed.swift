import FluentKit
import Foundation
import QianxueCore

/// Demo people for trying the platform: in three pilot schools (one primary, one junior, one
/// senior), a school admin, two classes each with a teacher and students. Passwords are random and
/// are handed back once, for the operator to pass on; nothing here runs in production.
public struct DemoLogin: Sendable {
    public let username: String
    public let password: String
    public let role: Role
    public let school: String
    public let className: String?
}

extension RegistryService {
    public func seedDemo() async throws -> [DemoLogin] {
        let admin = Principal(userID: UUID(), username: "seed", role: .admin, schoolID: nil, regionCode: nil, tokenID: nil)
        let pilots = try await listSchools(for: admin, filter: SchoolFilter(pilot: true), page: try PageQuery(size: 500)).items
        if try await UserModel.query(on: database.db).filter(\.$username =~ "demo.").first() != nil {
            throw AppError.conflict("the demo people exist already (usernames starting with demo.)")
        }
        let picks: [(SchoolStage, [String])] = [(.primary, ["3", "5"]), (.junior, ["7", "8"]), (.senior, ["10", "11"])]
        var logins: [DemoLogin] = []
        var rng = SystemRandomNumberGenerator()
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马胡朱郭何罗高林")
        let given = ["小明", "雨涵", "子轩", "欣怡", "浩然", "梓萱", "宇航", "思琪", "俊杰", "佳怡", "嘉豪", "诗涵"]
        for (n, (stage, grades)) in picks.enumerated() {
            guard let school = pilots.first(where: { $0.stages.contains(stage) }) else { continue }
            func make(_ username: String, _ display: String, _ role: Role, grade: String? = nil, birth: String? = nil) async throws -> UserRecord {
                let password = Digest.randomToken(bytes: 9)
                let u = try await createUser(NewUser(username: username, displayName: display, role: role, schoolID: school.id,
                                                     grade: grade, birthDate: birth, password: password), actor: nil)
                logins.append(DemoLogin(username: username, password: password, role: role, school: school.name, className: nil))
                return u
            }
            _ = try await make("demo.s\(n + 1).admin", "\(school.name)管理员", .schoolAdmin)
            for (c, grade) in grades.enumerated() {
                let cls = try await createClass(schoolID: school.id, grade: grade, name: "\(grade)-\(c + 1)")
                let teacher = try await make("demo.s\(n + 1).t\(c + 1)", "\(surnames[(n * 3 + c) % surnames.count])老师", .teacher)
                try await addMember(classID: cls.id, userID: teacher.id, role: .teacher)
                for k in 1...6 {
                    let age = 5 + (Int(grade) ?? 7) + Int.random(in: 0...1, using: &rng)
                    let birth = "\(2026 - age)-0\(Int.random(in: 1...9, using: &rng))-1\(Int.random(in: 0...9, using: &rng))"
                    let name = "\(surnames[Int.random(in: 0..<surnames.count, using: &rng)])\(given[(k + c * 6) % given.count])"
                    let s = try await make("demo.s\(n + 1).c\(c + 1).\(k)", name, .student, birth: birth)
                    try await addMember(classID: cls.id, userID: s.id, role: .student)
                }
            }
        }
        return logins
    }
}

extension RegistryService {
    /// Up to `limit` usernames of demo people (`demo.…`), which production must not have: their
    /// passwords were printed to whoever seeded them.
    public func demoUsernames(limit: Int = 3) async throws -> [String] {
        try await UserModel.query(on: database.db).filter(\.$username =~ "demo.").sort(\.$username).limit(limit).all().map(\.username)
    }
}
