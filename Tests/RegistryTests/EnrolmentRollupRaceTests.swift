import Foundation
import QianxueCore
import Registry
import SQLKit
import Testing
import TestSupport

/// Students created at the same moment in one school: every creation succeeds and the enrolment
/// rollup counts them all (on PostgreSQL two recounts at once once collided on the rollup's key,
/// 23505 → 500, and the survivor's count missed the other's student).
@Suite struct EnrolmentRollupRaceTests {
    @Test(arguments: TestDatabase.engines)
    func studentsCreatedAtOnceInOneSchoolAreAllCounted(engine: DatabaseEngine) async throws {
        try await RegistryFixture.with(engine) { f in
            // given: the school's two students, counted
            let school = f.zunyiSchool.id
            #expect(try await counted(school, on: f.db.sql) == 2)

            // when: eight more, created at once, half of them with a grade
            let created = try await withThrowingTaskGroup(of: UserRecord.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        try await f.registry.createUser(NewUser(username: "race.\(i)", role: .student, schoolID: school,
                                                                grade: i.isMultiple(of: 2) ? "8" : nil, password: RegistryFixture.password),
                                                        actor: nil)
                    }
                }
                return try await group.reduce(into: [UserRecord]()) { $0.append($1) }
            }

            // then: all of them exist and the rollup equals a count from the users table, by band
            #expect(created.count == 8)
            #expect(try await counted(school, on: f.db.sql) == 10)
            let byBand = try await f.db.sql.raw("""
                SELECT band, students FROM rollup_enrolment WHERE school_id = \(bind: school) ORDER BY band
                """).all().map { (try $0.decode(column: "band", as: String.self), try $0.decode(column: "students", as: Int.self)) }
            #expect(byBand.map(\.0) == ["junior", "unknown"])
            #expect(byBand.map(\.1) == [5, 5])   // the fixture's: one in a grade-7 class, one without a class
        }
    }

    private func counted(_ school: UUID, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT CAST(COALESCE(SUM(students), 0) AS BIGINT) AS n FROM rollup_enrolment WHERE school_id = \(bind: school)")
            .first()!.decode(column: "n", as: Int.self)
    }
}
