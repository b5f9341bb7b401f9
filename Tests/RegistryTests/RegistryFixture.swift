import Foundation
import Persistence
import QianxueCore
@testable import Registry
import Synchronization
import TestSupport

/// A migrated registry with a small world in it: two schools in two prefectures, a class each,
/// their teachers and students, a school admin, a bureau analyst for Zunyi, and an admin.
struct RegistryFixture {
    static let migrations: MigrationList = {
        var l = MigrationList(PersistenceMigrations.all)
        l.add(RegistryService.migrations)
        return l
    }()
    static let password = "a-Long-test-passw0rd"

    let db: DatabaseStack
    let registry: RegistryService
    let accounts: AccountService
    let clock: TestClock
    let zunyiSchool: SchoolRecord
    let guiyangSchool: SchoolRecord
    let zunyiClass: ClassRecord
    let guiyangClass: ClassRecord
    let zunyiTeacher: UserRecord
    let zunyiStudent: UserRecord
    let zunyiOtherStudent: UserRecord
    let guiyangStudent: UserRecord
    let zunyiAdmin: UserRecord
    let zunyiBureau: UserRecord
    let admin: UserRecord

    static func with<T>(_ engine: DatabaseEngine, test: String = #function, _ body: (RegistryFixture) async throws -> T) async throws -> T {
        try await TestDatabase.with(engine, migrations: migrations, key: "registry", test: test) { db in
            try await body(try await make(db))
        }
    }

    static func make(_ db: DatabaseStack) async throws -> RegistryFixture {
        let audit = AuditLog(database: db)
        let clock = TestClock()
        let registry = RegistryService(database: db, audit: audit, hasher: TestHasher(), regions: try await RegionDirectory.load(from: db))
        let accounts = try await AccountService(database: db, hasher: TestHasher(), audit: audit, now: { clock.now })
        let zs = try await registry.createSchool(SchoolProfile(name: "遵义测试中学", county: "520302", stages: [.primary, .junior]))
        let gs = try await registry.createSchool(SchoolProfile(name: "贵阳测试中学", county: "520102", stages: [.primary, .junior]))
        let zc = try await registry.createClass(schoolID: zs.id, grade: "7", name: "7-2")
        let gc = try await registry.createClass(schoolID: gs.id, grade: "8", name: "8-1")
        func user(_ name: String, _ role: Role, school: UUID? = nil, region: String? = nil) async throws -> UserRecord {
            try await registry.createUser(NewUser(username: name, role: role, schoolID: school, regionCode: region, password: password), actor: nil)
        }
        let teacher = try await user("t.zunyi", .teacher, school: zs.id)
        let student = try await user("s.zunyi", .student, school: zs.id)
        let other = try await user("s2.zunyi", .student, school: zs.id)
        let gstudent = try await user("s.guiyang", .student, school: gs.id)
        try await registry.addMember(classID: zc.id, userID: teacher.id, role: .teacher)
        try await registry.addMember(classID: zc.id, userID: student.id, role: .student)
        try await registry.addMember(classID: gc.id, userID: gstudent.id, role: .student)
        return RegistryFixture(
            db: db, registry: registry, accounts: accounts, clock: clock, zunyiSchool: zs, guiyangSchool: gs,
            zunyiClass: zc, guiyangClass: gc, zunyiTeacher: teacher, zunyiStudent: student, zunyiOtherStudent: other,
            guiyangStudent: gstudent, zunyiAdmin: try await user("a.zunyi", .schoolAdmin, school: zs.id),
            zunyiBureau: try await user("b.zunyi", .bureau, region: "5203"), admin: try await user("root", .admin))
    }

    func principal(_ u: UserRecord) async throws -> Principal {
        let session = try await accounts.login(username: u.username, password: Self.password, requestID: nil)
        return try await accounts.authenticate(token: session.token).principal
    }
}

/// A clock tests can move forward.
final class TestClock: Sendable {
    private let value = Mutex(Date())
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
