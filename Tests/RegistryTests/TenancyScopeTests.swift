import Foundation
import Persistence
import QianxueCore
import Registry
import Testing
import TestSupport

@Suite struct TenancyScopeTests {
    @Test(arguments: TestDatabase.engines)
    func aTeacherSeesTheirStudentsAndNobodyElse(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let teacher = try await f.principal(f.zunyiTeacher)
            #expect(try await f.registry.visibleUser(f.zunyiStudent.id, to: teacher, requestID: nil).id == f.zunyiStudent.id)
            #expect(try await f.registry.visibleUser(f.zunyiTeacher.id, to: teacher, requestID: nil).id == f.zunyiTeacher.id)
            for outsider in [f.guiyangStudent, f.zunyiOtherStudent, f.zunyiAdmin] {
                do {
                    _ = try await f.registry.visibleUser(outsider.id, to: teacher, requestID: nil)
                    Issue.record("\(outsider.username) must not exist for the teacher")
                } catch let e as AppError {
                    #expect(e.type == .notFound)
                }
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aStaffReadOfAStudentIsAudited(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let teacher = try await f.principal(f.zunyiTeacher)
            _ = try await f.registry.visibleUser(f.zunyiStudent.id, to: teacher, requestID: "req-7")
            let records = try await AuditLog(database: f.db).records()
            let read = try #require(records.last { $0.event.action == "student.read" })
            #expect(read.event.actorID == f.zunyiTeacher.id)
            #expect(read.event.targetID == f.zunyiStudent.id.uuidString)
            #expect(read.event.requestID == "req-7")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func schoolAdminsBureausAndStudentsSeeTheirOwnScope(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let schoolAdmin = try await f.principal(f.zunyiAdmin)
            #expect(try await f.registry.visibleUser(f.zunyiOtherStudent.id, to: schoolAdmin, requestID: nil).id == f.zunyiOtherStudent.id)
            await #expect(throws: AppError.self) { try await f.registry.visibleUser(f.guiyangStudent.id, to: schoolAdmin, requestID: nil) }

            let bureau = try await f.principal(f.zunyiBureau)
            #expect(try await f.registry.visibleUser(f.zunyiTeacher.id, to: bureau, requestID: nil).id == f.zunyiTeacher.id)
            await #expect(throws: AppError.self) { try await f.registry.visibleUser(f.zunyiStudent.id, to: bureau, requestID: nil) }

            let student = try await f.principal(f.zunyiStudent)
            await #expect(throws: AppError.self) { try await f.registry.visibleUser(f.zunyiOtherStudent.id, to: student, requestID: nil) }

            let admin = try await f.principal(f.admin)
            #expect(try await f.registry.visibleUser(f.guiyangStudent.id, to: admin, requestID: nil).id == f.guiyangStudent.id)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func listingUsersIsForSchoolAdminsAndAdminsAndPages(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let teacher = try await f.principal(f.zunyiTeacher)
            do {
                _ = try await f.registry.listUsers(for: teacher, role: nil, schoolID: nil, page: try PageQuery())
                Issue.record("a teacher may not list users")
            } catch let e as AppError {
                #expect(e.type == .forbidden)
            }
            let schoolAdmin = try await f.principal(f.zunyiAdmin)
            let first = try await f.registry.listUsers(for: schoolAdmin, role: nil, schoolID: nil, page: try PageQuery(size: 2))
            #expect(first.items.map(\.username) == ["a.zunyi", "s.zunyi"])
            let token = try #require(first.nextPageToken)
            let second = try await f.registry.listUsers(for: schoolAdmin, role: nil, schoolID: nil, page: try PageQuery(size: 2, token: token))
            #expect(second.items.map(\.username) == ["s2.zunyi", "t.zunyi"])
            #expect(second.nextPageToken == nil)
            let students = try await f.registry.listUsers(for: schoolAdmin, role: .student, schoolID: nil, page: try PageQuery())
            #expect(students.items.count == 2)
            await #expect(throws: AppError.self) {
                try await f.registry.listUsers(for: schoolAdmin, role: nil, schoolID: f.guiyangSchool.id, page: try PageQuery())
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func newUsersAreValidatedAndStudentsTakeTheirClasssGrade(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            let student = try await f.registry.user(f.zunyiStudent.id)
            #expect(student?.grade?.rawValue == "7")
            let bad: [NewUser] = [
                NewUser(username: "x", role: .admin),
                NewUser(username: "no.school", role: .teacher),
                NewUser(username: "no.region", role: .bureau),
                NewUser(username: "bad.region", role: .bureau, regionCode: "9999"),
                NewUser(username: "bad.grade", role: .student, schoolID: f.zunyiSchool.id, grade: "13"),
                NewUser(username: "future.kid", role: .student, schoolID: f.zunyiSchool.id, birthDate: "2999-01-01"),
                NewUser(username: "weak.pw", role: .admin, password: "123"),
                NewUser(username: "t.zunyi", role: .admin),
            ]
            for u in bad {
                await #expect(throws: AppError.self, "\(u.username) must be refused") { try await f.registry.createUser(u, actor: nil) }
            }
        }
    }
}
